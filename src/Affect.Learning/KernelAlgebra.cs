using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Affect.Learning;

/// <summary>
/// The dense linear algebra the kernel learners need, behind one interface so that a native implementation
/// (for example LAPACK through libtorch, living in a higher layer) can replace the managed one.
/// </summary>
public interface IKernelAlgebra
{
    /// <summary>Inner products of the rows of <paramref name="a"/> with the rows of <paramref name="b"/>: A·Bᵀ.</summary>
    RealMatrix CrossProducts(RealMatrix a, RealMatrix b);

    /// <summary>The Gram matrix X·Xᵀ of the rows of <paramref name="x"/> (symmetric; computed once per pair).</summary>
    RealMatrix Gram(RealMatrix x);

    /// <summary>
    /// Factors the symmetric positive semi-definite <paramref name="a"/> (n × n) once, for the right-hand sides
    /// <paramref name="b"/> (n × L), so that X(μ) = (A + μ·I)⁻¹·B costs O(n²·L) for every shift μ &gt; 0
    /// (the KELM C grid: μ = 1/C). Neither argument is modified.
    /// </summary>
    IShiftedSymmetricSolve FactorShifted(RealMatrix a, RealMatrix b);

    /// <summary>Solves A·X = B for a symmetric positive definite A (n × n, unchanged) and B (n × L) by Cholesky.</summary>
    RealMatrix SolvePositiveDefinite(RealMatrix a, RealMatrix b);
}

/// <summary>
/// A symmetric matrix A factored once for fixed right-hand sides B (<see cref="IKernelAlgebra.FactorShifted"/>):
/// Householder tridiagonalization A = Q·T₃·Qᵀ (managed) or the eigen decomposition A = V·Λ·Vᵀ (LAPACK), after which
/// (A + μ·I)⁻¹·B = Q·(T₃ + μ·I)⁻¹·Qᵀ·B = V·(Λ + μ·I)⁻¹·Vᵀ·B.
/// </summary>
public interface IShiftedSymmetricSolve
{
    /// <summary>X = (A + <paramref name="shift"/>·I)⁻¹·B (n × L, a new matrix) for a shift &gt; 0.</summary>
    RealMatrix Solve(double shift);

    /// <summary>
    /// [X(μ₀) X(μ₁) …] side by side (n × L·shifts, block s in columns s·L..s·L+L−1) for a whole grid of shifts, each
    /// block the same bits as <see cref="Solve"/> of its shift; an implementation may share work between shifts.
    /// </summary>
    RealMatrix SolveEach(IReadOnlyList<double> shifts)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        RealMatrix? wide = null;
        for (int s = 0; s < shifts.Count; s++)
        {
            var x = Solve(shifts[s]);
            wide ??= new RealMatrix(x.Rows, x.Cols * shifts.Count);
            for (int i = 0; i < x.Rows; i++)
            {
                x.Row(i).CopyTo(wide.Row(i).Slice(s * x.Cols, x.Cols));
            }
        }

        return wide ?? throw new ArgumentException("no shifts", nameof(shifts));
    }
}

/// <summary>
/// Managed <see cref="IKernelAlgebra"/>: kernel products by <see cref="RowInnerProducts"/> (cache-blocked fused
/// multiply-adds in a fixed summation order, the same bits on every CPU), Householder tridiagonalization for the C
/// grid, Crout Cholesky for single solves.
/// </summary>
public sealed class ManagedKernelAlgebra : IKernelAlgebra
{
    /// <summary>The shared instance (stateless).</summary>
    public static ManagedKernelAlgebra Instance { get; } = new();

    /// <inheritdoc />
    public RealMatrix Gram(RealMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var g = RowInnerProducts.Compute(x, x, symmetric: true);
        g.CopyUpperToLower();
        return g;
    }

    /// <inheritdoc />
    public RealMatrix CrossProducts(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Cols != b.Cols)
        {
            throw new ArgumentException($"feature counts differ: {a.Cols} and {b.Cols}", nameof(b));
        }

        return RowInnerProducts.Compute(a, b, symmetric: false);
    }

    /// <inheritdoc />
    public IShiftedSymmetricSolve FactorShifted(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSystem(a, b);
        var reduction = SymmetricTridiagonalization.Compute(a);
        var projected = b.Clone();
        reduction.ApplyTransposeQ(projected);
        return new TridiagonalShiftedSolve(reduction, projected);
    }

    /// <inheritdoc />
    public RealMatrix SolvePositiveDefinite(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSystem(a, b);
        return Cholesky.Solve(a, b);
    }

    /// <summary>Checks that <paramref name="a"/> is n × n and <paramref name="b"/> has n rows.</summary>
    internal static void CheckSystem(RealMatrix a, RealMatrix b)
    {
        if (a.Rows != a.Cols || b.Rows != a.Rows)
        {
            throw new ArgumentException($"matrix is {a.Rows}×{a.Cols} and right-hand sides {b.Rows}×{b.Cols}: expected n×n and n×L");
        }
    }

    /// <summary>
    /// Dot product Σ xᵢyᵢ over x's length in a fixed order whatever the CPU: four lanes of fused multiply-adds
    /// (lane q takes i = q, q + 4, …), the lanes added as (l₀ + l₁) + (l₂ + l₃), then the tail by scalar fused
    /// multiply-adds (<see cref="RowInnerProducts"/>: the same bits with or without AVX2/FMA hardware).
    /// </summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        y = y[..x.Length];
        int body = x.Length & ~3;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        var s = Vector256<double>.Zero;
        for (int k = 0; k < body; k += 4)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)k), Vector256.LoadUnsafe(ref yr, (nuint)k), s);
        }

        double t = RowInnerProducts.Lanes(s);
        for (int k = body; k < x.Length; k++)
        {
            t = Math.FusedMultiplyAdd(x[k], y[k], t);
        }

        return t;
    }

    /// <summary>x ← x − (α·u + β·v), element by element as x − fma(α, u, β·v) (the same bits on every CPU).</summary>
    internal static void SubtractTwo(Span<double> x, double alpha, ReadOnlySpan<double> u, double beta, ReadOnlySpan<double> v)
    {
        u = u[..x.Length];
        v = v[..x.Length];
        int body = x.Length & ~3;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double ur = ref MemoryMarshal.GetReference(u);
        ref double vr = ref MemoryMarshal.GetReference(v);
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        for (int k = 0; k < body; k += 4)
        {
            (Vector256.LoadUnsafe(ref xr, (nuint)k) - Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref ur, (nuint)k), vb * Vector256.LoadUnsafe(ref vr, (nuint)k))).StoreUnsafe(ref xr, (nuint)k);
        }

        for (int k = body; k < x.Length; k++)
        {
            x[k] -= Math.FusedMultiplyAdd(alpha, u[k], beta * v[k]);
        }
    }
}

/// <summary>(A + μI)⁻¹·B = Q·(T₃ + μI)⁻¹·(Qᵀ·B) with Qᵀ·B computed once.</summary>
internal sealed class TridiagonalShiftedSolve(SymmetricTridiagonalization reduction, RealMatrix projected) : IShiftedSymmetricSolve
{
    public RealMatrix Solve(double shift)
    {
        var y = projected.Clone();
        reduction.SolveShifted(shift, y);
        reduction.ApplyQ(y);
        return y;
    }

    // The tridiagonal solves per shift, then Q applied once to all of them (columns are independent in ApplyQ).
    public RealMatrix SolveEach(IReadOnlyList<double> shifts)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        if (shifts.Count == 0)
        {
            throw new ArgumentException("no shifts", nameof(shifts));
        }

        int l = projected.Cols;
        var wide = new RealMatrix(projected.Rows, l * shifts.Count);
        for (int s = 0; s < shifts.Count; s++)
        {
            var y = projected.Clone();
            reduction.SolveShifted(shifts[s], y);
            for (int i = 0; i < y.Rows; i++)
            {
                y.Row(i).CopyTo(wide.Row(i).Slice(s * l, l));
            }
        }

        reduction.ApplyQ(wide);
        return wide;
    }
}
