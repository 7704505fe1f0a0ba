namespace Affect.Learning;

/// <summary>
/// Kernel Extreme Learning Machine (Huang et al., 2012) and its weighted variant WKELM (Zong et al., 2013), fitted
/// for a whole grid of regularization constants C at the price of one matrix reduction.
/// <para>
/// KELM: β = (I/C + K)⁻¹·T; WKELM with diagonal W: β = (I/C + W·K)⁻¹·W·T. With S = W^½ the WKELM solution equals
/// β = S·(I/C + S·K·S)⁻¹·S·T (multiply (I/C + W K) β = W T on the left by S⁻¹ and substitute β = S γ), a symmetric
/// positive definite system, so KELM (S = I) and WKELM share one path: S·K·S = Q·T₃·Qᵀ (Householder
/// tridiagonalization, <see cref="SymmetricTridiagonalization"/>) once, then for each C a tridiagonal solve and
/// two applications of Q. Scores of new instances are K(new, train)·β; the predicted class is the largest score.
/// </para>
/// </summary>
public sealed class KernelElm
{
    private readonly IShiftedSymmetricSolve system; // S·K·S factored for the right-hand sides S·T
    private readonly double[]? sqrtWeights;

    private KernelElm(IShiftedSymmetricSolve system, double[]? sqrtWeights)
    {
        this.system = system;
        this.sqrtWeights = sqrtWeights;
    }

    /// <summary>
    /// Reduces S·K·S once (S = W^½; W = I when <paramref name="weights"/> is null) so that <see cref="Coefficients"/>
    /// costs O(n²·L) per C: Householder tridiagonalization on the managed path, the eigen decomposition
    /// S·K·S = V·Λ·Vᵀ (β = S·V·diag(1/(1/C + λ))·Vᵀ·S·T) on a LAPACK-backed <paramref name="algebra"/>.
    /// </summary>
    /// <param name="kernel">Training kernel matrix (n × n, symmetric positive semi-definite).</param>
    /// <param name="targets">Target code matrix (n × L), e.g. <see cref="TargetCoding.OneVsAll"/>.</param>
    /// <param name="weights">Instance weights (WKELM), or null (KELM).</param>
    /// <param name="algebra">The linear algebra (managed when null).</param>
    public static KernelElm Prepare(RealMatrix kernel, RealMatrix targets, IReadOnlyList<double>? weights = null, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(targets);
        double[]? s = SqrtWeights(weights, kernel.Rows);
        Check(kernel, targets);
        var weighted = s is null ? kernel : Scale(kernel, s);
        var system = (algebra ?? ManagedKernelAlgebra.Instance).FactorShifted(weighted, ScaleRows(targets, s));
        return new KernelElm(system, s);
    }

    /// <summary>β(C) = S·(I/C + S·K·S)⁻¹·S·T (n × L) for one regularization constant C &gt; 0.</summary>
    public RealMatrix Coefficients(double c)
    {
        CheckC(c);
        var y = system.Solve(1.0 / c);
        return sqrtWeights is null ? y : ScaleRows(y, sqrtWeights);
    }

    /// <summary>
    /// [β(C₀) β(C₁) …] side by side (n × L·count, block s in columns s·L..s·L+L−1) for a whole C grid, each block the
    /// same bits as <see cref="Coefficients"/> of its C; the shared work (applying Q) is done once for all of them.
    /// </summary>
    public RealMatrix CoefficientsEach(IReadOnlyList<double> cs)
    {
        ArgumentNullException.ThrowIfNull(cs);
        foreach (double c in cs)
        {
            CheckC(c);
        }

        var y = system.SolveEach([.. cs.Select(c => 1.0 / c)]);
        if (sqrtWeights is null)
        {
            return y;
        }

        for (int i = 0; i < y.Rows; i++)
        {
            var row = y.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] *= sqrtWeights[i];
            }
        }

        return y;
    }

    /// <summary>
    /// The same β by a direct Cholesky solve of (I/C + S·K·S)·γ = S·T, β = S·γ: the reference for one C
    /// (n³/3 operations instead of the reduction's 4n³/3, but nothing to reuse for another C).
    /// </summary>
    /// <param name="kernel">Training kernel matrix (n × n).</param>
    /// <param name="targets">Target code matrix (n × L).</param>
    /// <param name="c">Regularization constant C &gt; 0.</param>
    /// <param name="weights">Instance weights (WKELM), or null (KELM).</param>
    /// <param name="algebra">The linear algebra (managed when null).</param>
    public static RealMatrix SolveDirect(RealMatrix kernel, RealMatrix targets, double c, IReadOnlyList<double>? weights = null, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(targets);
        CheckC(c);
        Check(kernel, targets);
        double[]? s = SqrtWeights(weights, kernel.Rows);
        var a = s is null ? kernel.Clone() : Scale(kernel, s);
        for (int i = 0; i < a.Rows; i++)
        {
            a[i, i] += 1.0 / c;
        }

        var gamma = (algebra ?? ManagedKernelAlgebra.Instance).SolvePositiveDefinite(a, ScaleRows(targets, s));
        return s is null ? gamma : ScaleRows(gamma, s);
    }

    private static void CheckC(double c)
    {
        if (!(c > 0) || !double.IsFinite(c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), $"C = {c} is not a positive number");
        }
    }

    private static void Check(RealMatrix kernel, RealMatrix targets)
    {
        if (kernel.Rows != kernel.Cols || targets.Rows != kernel.Rows)
        {
            throw new ArgumentException($"kernel is {kernel.Rows}×{kernel.Cols} and targets {targets.Rows}×{targets.Cols}: expected n×n and n×L");
        }
    }

    private static double[]? SqrtWeights(IReadOnlyList<double>? weights, int n)
    {
        if (weights is null)
        {
            return null;
        }

        if (weights.Count != n)
        {
            throw new ArgumentException($"{weights.Count} weights for {n} instances", nameof(weights));
        }

        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(weights[i] > 0) || !double.IsFinite(weights[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), $"weight {i} = {weights[i]} is not a positive number");
            }

            s[i] = Math.Sqrt(weights[i]);
        }

        return s;
    }

    private static RealMatrix Scale(RealMatrix k, double[] s)
    {
        var a = k.Clone();
        Parallel.For(0, a.Rows, i =>
        {
            var r = a.Row(i);
            for (int j = 0; j < r.Length; j++)
            {
                r[j] *= s[i] * s[j];
            }
        });
        return a;
    }

    internal static RealMatrix ScaleRows(RealMatrix m, double[]? s)
    {
        var r = m.Clone();
        if (s is null)
        {
            return r;
        }

        for (int i = 0; i < r.Rows; i++)
        {
            var row = r.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] *= s[i];
            }
        }

        return r;
    }
}

/// <summary>Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix and the solve it gives.</summary>
public static class Cholesky
{
    /// <summary>Solves A·X = B (A n × n symmetric positive definite, unchanged; B n × L).</summary>
    public static RealMatrix Solve(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = a.Rows;
        var l = a.Clone();
        var d = l.Data;

        // Crout form, row by row: L[i, j] = (A[i, j] − L[i, :j]·L[j, :j]) / L[j, j] (vectorised dot products).
        for (int i = 0; i < n; i++)
        {
            var li = d.AsSpan(i * n, n);
            for (int j = 0; j <= i; j++)
            {
                double s = li[j] - ManagedKernelAlgebra.Dot(li[..j], d.AsSpan(j * n, j));
                if (j < i)
                {
                    li[j] = s / d[(j * n) + j];
                }
                else
                {
                    if (!(s > 0))
                    {
                        throw new ArgumentException($"matrix is not positive definite (pivot {i} = {s})", nameof(a));
                    }

                    li[i] = Math.Sqrt(s);
                }
            }
        }

        var x = b.Clone();
        int m = x.Cols;
        for (int c = 0; c < m; c++)
        {
            for (int i = 0; i < n; i++)
            {
                double s = x[i, c];
                for (int k = 0; k < i; k++)
                {
                    s -= d[(i * n) + k] * x[k, c];
                }

                x[i, c] = s / d[(i * n) + i];
            }

            for (int i = n - 1; i >= 0; i--)
            {
                double s = x[i, c];
                for (int k = i + 1; k < n; k++)
                {
                    s -= d[(k * n) + i] * x[k, c];
                }

                x[i, c] = s / d[(i * n) + i];
            }
        }

        return x;
    }
}
