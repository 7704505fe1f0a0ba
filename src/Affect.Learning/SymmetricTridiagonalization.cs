using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// Reduces the symmetric matrix <paramref name="a"/> (not modified; only its lower triangle is read). Each step k
    /// forms the reflector H = I − τ·v·vᵀ that zeroes column k below the sub-diagonal and applies it from both sides
    /// as the rank-2 update A ← A − v·wᵀ − w·vᵀ, w = p − (τ/2)(pᵀv)·v, p = τ·A·v. Only the lower triangle is kept
    /// up to date (half the memory traffic of a full update), and the update of step k and the product p of step
    /// k+1 are fused into one parallel pass over the rows: row i's updated entries give p[i]'s part left of the
    /// diagonal (a dot product) and, scattered, the other rows' parts right of theirs (into one partial vector per
    /// fixed block of <see cref="RowBlock"/> rows, summed in block order afterwards). Every sum has a fixed order
    /// (four-lane fused multiply-adds, <see cref="RowInnerProducts.Lanes"/>), so the result does not depend on the CPU
    /// or the number of threads.
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
        var column = new double[n];
        var partial = new double[checked((((n + RowBlock - 1) / RowBlock) * n))];
        double tau = 0;
        if (n > 2)
        {
            (tau, e[0]) = Reflector(Column(data, n, 0, 1, column), v.AsSpan(1, n - 1));
            if (tau != 0)
            {
                Pass(data, n, 1, false, v, wv, true, tau, v, p, partial);
            }
        }

        for (int k = 0; k + 2 < n; k++)
        {
            d[k] = data[(k * n) + k];
            taus[k] = tau;
            int s = k + 1; // the active block is rows/cols s..n−1
            if (tau != 0)
            {
                double pv = FixedDot(p.AsSpan(s, n - s), v.AsSpan(s, n - s));
                double half = 0.5 * tau * pv;
                for (int i = s; i < n; i++)
                {
                    wv[i] = p[i] - (half * v[i]);
                }

                // Column s first (rows s..n−1 of the lower triangle): the next reflector is built from it.
                for (int i = s; i < n; i++)
                {
                    data[(i * n) + s] -= Math.FusedMultiplyAdd(v[i], wv[s], wv[i] * v[s]);
                }
            }

            // Store v_k in row k right of the diagonal (the upper triangle is not used otherwise).
            v.AsSpan(s, n - s).CopyTo(data.AsSpan((k * n) + s, n - s));
            double tauNext = 0;
            int t = s + 1;
            if (t + 1 < n)
            {
                (tauNext, e[s]) = Reflector(Column(data, n, s, t, column), vNext.AsSpan(t, n - t));
            }

            bool update = tau != 0;
            bool product = t + 1 < n && tauNext != 0;
            if (update || product)
            {
                Pass(data, n, t, update, v, wv, product, tauNext, vNext, p, partial);
            }

            tau = tauNext;
            (v, vNext) = (vNext, v);
        }

        if (n >= 2)
        {
            d[n - 2] = data[((n - 2) * n) + n - 2];
            e[n - 2] = data[((n - 1) * n) + n - 2];
        }

        d[n - 1] = data[((n - 1) * n) + n - 1];
        return new SymmetricTridiagonalization(w, taus, d, e);
    }

    /// <summary>Rows per block of the fused pass (each block scatters into its own partial vector).</summary>
    internal const int RowBlock = 32;

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
        Span<double> dots = l <= 256 ? stackalloc double[l] : new double[l];
        dots.Clear();

        // Columns are independent: four at a time in vector lanes, each with the same operations in the same order
        // as one column alone, so a wide B (the whole C grid at once) gives the same bits as each column by itself.
        int body = l & ~3;
        for (int i = 0; i < v.Length; i++)
        {
            var row = b.Data.AsSpan((k + 1 + i) * l, l);
            var vi = Vector256.Create(v[i]);
            for (int c = 0; c < body; c += 4)
            {
                (Vector256.Create((ReadOnlySpan<double>)dots.Slice(c, 4)) + (vi * Vector256.Create((ReadOnlySpan<double>)row.Slice(c, 4)))).CopyTo(dots.Slice(c, 4));
            }

            for (int c = body; c < l; c++)
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
            var vi = Vector256.Create(v[i]);
            for (int c = 0; c < body; c += 4)
            {
                (Vector256.Create((ReadOnlySpan<double>)row.Slice(c, 4)) - (vi * Vector256.Create((ReadOnlySpan<double>)dots.Slice(c, 4)))).CopyTo(row.Slice(c, 4));
            }

            for (int c = body; c < l; c++)
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

    // Column c of the lower triangle, rows r..n−1, gathered into buffer[r..].
    private static ReadOnlySpan<double> Column(double[] data, int n, int c, int r, double[] buffer)
    {
        for (int i = r; i < n; i++)
        {
            buffer[i] = data[(i * n) + c];
        }

        return buffer.AsSpan(r, n - r);
    }

    // Rows t..n−1 of the lower triangle (columns t..i of row i): the rank-2 update of the current step (update) and
    // p = τn·A·vn over the updated block for the next step (product), one pass over the rows.
    private static void Pass(double[] data, int n, int t, bool update, double[] vc, double[] wc, bool product, double tn, double[] vn, double[] p, double[] partial)
    {
        int b0 = t / RowBlock;
        int b1 = (n - 1) / RowBlock;
        Parallel.For(b0, b1 + 1, b =>
        {
            int i0 = Math.Max(t, b * RowBlock);
            int i1 = Math.Min(n, (b + 1) * RowBlock);
            var q = partial.AsSpan(b * n, n);
            if (product)
            {
                q[t..(i1 - 1)].Clear();
            }

            for (int i = i0; i < i1; i++)
            {
                double dot = Row(data.AsSpan((i * n) + t, i - t + 1), update, vc[i], wc.AsSpan(t), wc[i], vc.AsSpan(t), product, vn.AsSpan(t), vn[i], q[t..]);
                if (product)
                {
                    p[i] = dot;
                }
            }
        });
        if (!product)
        {
            return;
        }

        // p[j] = τn·(own part + the blocks below j's, in block order); block b holds rows' scatters for j < its last row.
        for (int b = b0; b <= b1; b++)
        {
            int end = Math.Min(n, (b + 1) * RowBlock) - 1;
            var q = partial.AsSpan((b * n) + t, Math.Max(0, end - t));
            var target = p.AsSpan(t, q.Length);
            for (int j = 0; j < q.Length; j++)
            {
                target[j] += q[j];
            }
        }

        for (int j = t; j < n; j++)
        {
            p[j] *= tn;
        }
    }

    // One row segment x = A[i, t..i] (the diagonal last): x ← x − (α·u + β·v) when updating, then, for the product,
    // returns Σ x·vn (fixed four-lane order) and adds x[j]·vni to q[j] left of the diagonal.
    private static double Row(Span<double> x, bool update, double alpha, ReadOnlySpan<double> u, double beta, ReadOnlySpan<double> v, bool product, ReadOnlySpan<double> vn, double vni, Span<double> q)
    {
        int off = x.Length - 1; // entries left of the diagonal
        int body = off & ~3;
        var acc = Vector256<double>.Zero;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double ur = ref MemoryMarshal.GetReference(u[..x.Length]);
        ref double vr = ref MemoryMarshal.GetReference(v[..x.Length]);
        ref double nr = ref MemoryMarshal.GetReference(vn[..x.Length]);
        ref double qr = ref MemoryMarshal.GetReference(q[..off]);
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        var vq = Vector256.Create(vni);
        int k0 = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Eight entries at a time: the update and the scatter are element by element, and the dot product takes
            // the lower four, then the upper four, into the same four lanes, so the bits equal the loop below.
            k0 = WideRow(ref xr, ref ur, ref vr, ref nr, ref qr, body & ~7, update, alpha, beta, product, vni, ref acc);
        }

        if (update && product)
        {
            for (int k = k0; k < body; k += 4)
            {
                var y = Vector256.LoadUnsafe(ref xr, (nuint)k) - Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref ur, (nuint)k), vb * Vector256.LoadUnsafe(ref vr, (nuint)k));
                y.StoreUnsafe(ref xr, (nuint)k);
                acc = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref nr, (nuint)k), acc);
                Vector256.FusedMultiplyAdd(y, vq, Vector256.LoadUnsafe(ref qr, (nuint)k)).StoreUnsafe(ref qr, (nuint)k);
            }
        }
        else if (update)
        {
            for (int k = k0; k < body; k += 4)
            {
                var y = Vector256.LoadUnsafe(ref xr, (nuint)k) - Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref ur, (nuint)k), vb * Vector256.LoadUnsafe(ref vr, (nuint)k));
                y.StoreUnsafe(ref xr, (nuint)k);
            }
        }
        else
        {
            for (int k = k0; k < body; k += 4)
            {
                var y = Vector256.LoadUnsafe(ref xr, (nuint)k);
                acc = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref nr, (nuint)k), acc);
                Vector256.FusedMultiplyAdd(y, vq, Vector256.LoadUnsafe(ref qr, (nuint)k)).StoreUnsafe(ref qr, (nuint)k);
            }
        }

        double dot = RowInnerProducts.Lanes(acc);
        for (int k = body; k <= off; k++)
        {
            double y = x[k];
            if (update)
            {
                y -= Math.FusedMultiplyAdd(alpha, u[k], beta * v[k]);
                x[k] = y;
            }

            if (product)
            {
                dot = Math.FusedMultiplyAdd(y, vn[k], dot);
                if (k < off)
                {
                    q[k] = Math.FusedMultiplyAdd(y, vni, q[k]);
                }
            }
        }

        return dot;
    }

    // Row's loops over the first `wide` entries (a multiple of 8) with 512-bit registers; returns `wide`.
    private static int WideRow(ref double xr, ref double ur, ref double vr, ref double nr, ref double qr, int wide, bool update, double alpha, double beta, bool product, double vni, ref Vector256<double> acc)
    {
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        var vq = Vector512.Create(vni);
        var s = acc;
        for (int k = 0; k < wide; k += 8)
        {
            var y = Vector512.LoadUnsafe(ref xr, (nuint)k);
            if (update)
            {
                y -= Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref ur, (nuint)k), vb * Vector512.LoadUnsafe(ref vr, (nuint)k));
                y.StoreUnsafe(ref xr, (nuint)k);
            }

            if (product)
            {
                var n = Vector512.LoadUnsafe(ref nr, (nuint)k);
                s = Vector256.FusedMultiplyAdd(y.GetLower(), n.GetLower(), s);
                s = Vector256.FusedMultiplyAdd(y.GetUpper(), n.GetUpper(), s);
                Vector512.FusedMultiplyAdd(y, vq, Vector512.LoadUnsafe(ref qr, (nuint)k)).StoreUnsafe(ref qr, (nuint)k);
            }
        }

        acc = s;
        return wide;
    }

    // Σ xᵢyᵢ in four lanes of fused multiply-adds, lanes added in a fixed order, then the tail.
    private static double FixedDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int body = x.Length & ~3;
        var acc = Vector256<double>.Zero;
        for (int k = 0; k < body; k += 4)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(k, 4)), Vector256.Create(y.Slice(k, 4)), acc);
        }

        double s = RowInnerProducts.Lanes(acc);
        for (int k = body; k < x.Length; k++)
        {
            s = Math.FusedMultiplyAdd(x[k], y[k], s);
        }

        return s;
    }
}
