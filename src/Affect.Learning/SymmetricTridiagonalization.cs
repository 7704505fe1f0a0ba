namespace Affect.Learning;

/// <summary>
/// Householder reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ (Golub &amp; Van Loan, Alg. 8.3.1),
/// the first stage of a symmetric eigendecomposition. It is all the C grid of the kernel learners needs:
/// (I/C + A)⁻¹·B = Q·(I/C + T)⁻¹·Qᵀ·B, and I/C + T is tridiagonal, so after one O(n³) reduction every further C
/// costs O(n²) (applying Q) instead of a new O(n³) factorization. Unlike a full eigendecomposition A = V·Λ·Vᵀ it
/// never accumulates the eigenvectors, which is most of the cost of an eigensolver.
/// </summary>
public sealed class SymmetricTridiagonalization
{
    private readonly RealMatrix reflectors; // row k holds v_k in columns k+1..n−1
    private readonly double[] taus;

    private SymmetricTridiagonalization(RealMatrix reflectors, double[] taus, double[] diagonal, double[] offDiagonal)
    {
        this.reflectors = reflectors;
        this.taus = taus;
        Diagonal = diagonal;
        OffDiagonal = offDiagonal;
    }

    /// <summary>Order n of the matrix.</summary>
    public int Order => Diagonal.Length;

    /// <summary>Diagonal of T (length n).</summary>
    public double[] Diagonal { get; }

    /// <summary>Sub-diagonal of T (length n−1).</summary>
    public double[] OffDiagonal { get; }

    /// <summary>
    /// Reduces the symmetric matrix <paramref name="a"/> (not modified). Each step k forms the reflector
    /// H = I − τ·v·vᵀ that zeroes row k beyond the sub-diagonal and applies it from both sides as the rank-2 update
    /// A ← A − v·wᵀ − w·vᵀ, w = p − (τ/2)(pᵀv)·v, p = τ·A·v; the update of step k and the product p of step k+1
    /// are fused into one parallel, vectorised pass over the rows.
    /// </summary>
    public static SymmetricTridiagonalization Compute(RealMatrix a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Cols)
        {
            throw new ArgumentException($"matrix is {a.Rows}×{a.Cols}, not square", nameof(a));
        }

        int n = a.Rows;
        var w = a.Clone();
        double[] data = w.Data;
        var d = new double[n];
        var e = new double[Math.Max(0, n - 1)];
        var taus = new double[n];
        if (n == 0)
        {
            return new SymmetricTridiagonalization(w, taus, d, e);
        }

        var v = new double[n];
        var p = new double[n];
        var wv = new double[n];
        var vNext = new double[n];
        double tau = 0;
        if (n > 2)
        {
            (tau, e[0]) = Reflector(data.AsSpan(1, n - 1), v.AsSpan(1, n - 1));
            MatVec(data, n, 1, v, p, tau);
        }

        for (int k = 0; k + 2 < n; k++)
        {
            d[k] = data[(k * n) + k];
            taus[k] = tau;
            int s = k + 1; // the active block is rows/cols s..n−1
            if (tau != 0)
            {
                double pv = ManagedKernelAlgebra.Dot(p.AsSpan(s, n - s), v.AsSpan(s, n - s));
                double half = 0.5 * tau * pv;
                for (int i = s; i < n; i++)
                {
                    wv[i] = p[i] - (half * v[i]);
                }

                // Row s first: the next reflector is built from it.
                ManagedKernelAlgebra.SubtractTwo(data.AsSpan((s * n) + s, n - s), v[s], wv.AsSpan(s, n - s), wv[s], v.AsSpan(s, n - s));
            }

            // Store v_k in row k (its entries beyond the diagonal are no longer needed).
            v.AsSpan(s, n - s).CopyTo(data.AsSpan((k * n) + s, n - s));
            double tauNext = 0;
            int t = s + 1;
            if (t + 1 < n)
            {
                (tauNext, e[s]) = Reflector(data.AsSpan((s * n) + t, n - t), vNext.AsSpan(t, n - t));
            }

            bool update = tau != 0;
            bool product = t + 1 < n && tauNext != 0;
            if (update || product)
            {
                double[] vCur = v;
                double[] wCur = wv;
                double tn = tauNext;
                double[] vn = vNext;
                double[] pn = p;
                Parallel.For(t, n, i =>
                {
                    var row = data.AsSpan((i * n) + t, n - t);
                    if (update)
                    {
                        ManagedKernelAlgebra.SubtractTwo(row, vCur[i], wCur.AsSpan(t, n - t), wCur[i], vCur.AsSpan(t, n - t));
                    }

                    if (product)
                    {
                        pn[i] = tn * ManagedKernelAlgebra.Dot(row, vn.AsSpan(t, n - t));
                    }
                });
            }

            tau = tauNext;
            (v, vNext) = (vNext, v);
        }

        if (n >= 2)
        {
            d[n - 2] = data[((n - 2) * n) + n - 2];
            e[n - 2] = data[((n - 2) * n) + n - 1];
        }

        d[n - 1] = data[((n - 1) * n) + n - 1];
        return new SymmetricTridiagonalization(w, taus, d, e);
    }

    /// <summary>B ← Qᵀ·B for the columns of <paramref name="b"/> (n × L, in place).</summary>
    public void ApplyTransposeQ(RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        Check(b);
        for (int k = 0; k + 2 < Order; k++)
        {
            Reflect(b, k);
        }
    }

    /// <summary>B ← Q·B for the columns of <paramref name="b"/> (n × L, in place).</summary>
    public void ApplyQ(RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        Check(b);
        for (int k = Order - 3; k >= 0; k--)
        {
            Reflect(b, k);
        }
    }

    /// <summary>
    /// Solves (shift·I + T)·Y = B in place (B is n × L) by the LDLᵀ (Thomas) recurrence, stable without pivoting
    /// because shift·I + T is symmetric positive definite for shift &gt; 0 and T positive semi-definite.
    /// </summary>
    public void SolveShifted(double shift, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        Check(b);
        int n = Order;
        int l = b.Cols;
        var dd = new double[n];
        dd[0] = Diagonal[0] + shift;
        for (int i = 1; i < n; i++)
        {
            double m = OffDiagonal[i - 1] / dd[i - 1];
            dd[i] = Diagonal[i] + shift - (m * OffDiagonal[i - 1]);
            for (int c = 0; c < l; c++)
            {
                b.Data[(i * l) + c] -= m * b.Data[((i - 1) * l) + c];
            }
        }

        for (int c = 0; c < l; c++)
        {
            b.Data[((n - 1) * l) + c] /= dd[n - 1];
        }

        for (int i = n - 2; i >= 0; i--)
        {
            for (int c = 0; c < l; c++)
            {
                b.Data[(i * l) + c] = (b.Data[(i * l) + c] - (OffDiagonal[i] * b.Data[((i + 1) * l) + c])) / dd[i];
            }
        }
    }

    /// <summary>Solves (shift·I + A)·X = B through the reduction: X = Q·(shift·I + T)⁻¹·Qᵀ·B (B unchanged).</summary>
    public RealMatrix SolveShiftedSystem(double shift, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        var x = b.Clone();
        ApplyTransposeQ(x);
        SolveShifted(shift, x);
        ApplyQ(x);
        return x;
    }

    private void Check(RealMatrix b)
    {
        if (b.Rows != Order)
        {
            throw new ArgumentException($"right-hand side has {b.Rows} rows, expected {Order}", nameof(b));
        }
    }

    // b ← (I − τ v vᵀ) b, with v_k in row k, columns k+1..n−1.
    private void Reflect(RealMatrix b, int k)
    {
        double tau = taus[k];
        if (tau == 0)
        {
            return;
        }

        int n = Order;
        int l = b.Cols;
        var v = reflectors.Data.AsSpan((k * n) + k + 1, n - k - 1);
        Span<double> dots = l <= 64 ? stackalloc double[l] : new double[l];
        dots.Clear();
        for (int i = 0; i < v.Length; i++)
        {
            var row = b.Data.AsSpan((k + 1 + i) * l, l);
            for (int c = 0; c < l; c++)
            {
                dots[c] += v[i] * row[c];
            }
        }

        for (int c = 0; c < l; c++)
        {
            dots[c] *= tau;
        }

        for (int i = 0; i < v.Length; i++)
        {
            var row = b.Data.AsSpan((k + 1 + i) * l, l);
            for (int c = 0; c < l; c++)
            {
                row[c] -= v[i] * dots[c];
            }
        }
    }

    // Householder vector of x: (I − τ v vᵀ) x = β e₁, v₀ = 1 (LAPACK dlarfg convention); τ = 0 when x is already e₁-aligned.
    private static (double Tau, double Beta) Reflector(ReadOnlySpan<double> x, Span<double> v)
    {
        double alpha = x[0];
        double tail = 0;
        for (int i = 1; i < x.Length; i++)
        {
            tail += x[i] * x[i];
        }

        if (tail == 0)
        {
            v.Clear();
            v[0] = 1;
            return (0, alpha);
        }

        double norm = Math.Sqrt((alpha * alpha) + tail);
        double beta = alpha >= 0 ? -norm : norm;
        double tau = (beta - alpha) / beta;
        double scale = 1 / (alpha - beta);
        v[0] = 1;
        for (int i = 1; i < x.Length; i++)
        {
            v[i] = x[i] * scale;
        }

        return (tau, beta);
    }

    private static void MatVec(double[] data, int n, int s, double[] v, double[] p, double tau) =>
        Parallel.For(s, n, i => p[i] = tau * ManagedKernelAlgebra.Dot(data.AsSpan((i * n) + s, n - s), v.AsSpan(s, n - s)));
}
