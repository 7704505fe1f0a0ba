using System.Numerics;
using System.Runtime.InteropServices;

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
}

/// <summary>
/// Managed <see cref="IKernelAlgebra"/>: cache-blocked (feature chunks of 512 values, row panels of 32), a 4×2
/// register-blocked <see cref="Vector{T}"/> micro-kernel, and <see cref="Parallel"/> over row panels.
/// </summary>
public sealed class ManagedKernelAlgebra : IKernelAlgebra
{
    private const int Chunk = 512;
    private const int Panel = 32;

    /// <summary>The shared instance (stateless).</summary>
    public static ManagedKernelAlgebra Instance { get; } = new();

    /// <inheritdoc />
    public RealMatrix Gram(RealMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var g = Products(x, x, symmetric: true);
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

        return Products(a, b, symmetric: false);
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

    // G[i, j] = a_i · b_j; when symmetric only j ≥ i (by 2-aligned blocks) is computed.
    private static RealMatrix Products(RealMatrix a, RealMatrix b, bool symmetric)
    {
        int n = a.Rows;
        int m = b.Rows;
        int d = a.Cols;
        var g = new RealMatrix(n, m);
        int panels = (n + Panel - 1) / Panel;
        Parallel.For(0, panels, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
        {
            int i0 = p * Panel;
            int i1 = Math.Min(n, i0 + Panel);
            int jStart = symmetric ? i0 : 0;
            for (int c0 = 0; c0 < d; c0 += Chunk)
            {
                int len = Math.Min(Chunk, d - c0);
                for (int j = jStart; j < m; j += 2)
                {
                    bool pair = j + 1 < m;
                    var b0 = b.Data.AsSpan((j * d) + c0, len);
                    var b1 = pair ? b.Data.AsSpan(((j + 1) * d) + c0, len) : b0;
                    int i = i0;
                    for (; i + 4 <= i1; i += 4)
                    {
                        Block4x2(a.Data.AsSpan((i * d) + c0, len), a.Data.AsSpan(((i + 1) * d) + c0, len), a.Data.AsSpan(((i + 2) * d) + c0, len), a.Data.AsSpan(((i + 3) * d) + c0, len), b0, b1, g.Data, (i * m) + j, m, pair);
                    }

                    for (; i < i1; i++)
                    {
                        var ai = a.Data.AsSpan((i * d) + c0, len);
                        g.Data[(i * m) + j] += Dot(ai, b0);
                        if (pair)
                        {
                            g.Data[(i * m) + j + 1] += Dot(ai, b1);
                        }
                    }
                }
            }
        });
        return g;
    }

    private static void Block4x2(ReadOnlySpan<double> a0, ReadOnlySpan<double> a1, ReadOnlySpan<double> a2, ReadOnlySpan<double> a3, ReadOnlySpan<double> b0, ReadOnlySpan<double> b1, double[] g, int at, int stride, bool pair)
    {
        int len = a0.Length;
        int w = Vector<double>.Count;
        var va0 = MemoryMarshal.Cast<double, Vector<double>>(a0);
        var va1 = MemoryMarshal.Cast<double, Vector<double>>(a1);
        var va2 = MemoryMarshal.Cast<double, Vector<double>>(a2);
        var va3 = MemoryMarshal.Cast<double, Vector<double>>(a3);
        var vb0 = MemoryMarshal.Cast<double, Vector<double>>(b0);
        var vb1 = MemoryMarshal.Cast<double, Vector<double>>(b1);
        Vector<double> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        for (int k = 0; k < vb0.Length; k++)
        {
            var x0 = vb0[k];
            var x1 = vb1[k];
            var y = va0[k];
            s00 += y * x0;
            s01 += y * x1;
            y = va1[k];
            s10 += y * x0;
            s11 += y * x1;
            y = va2[k];
            s20 += y * x0;
            s21 += y * x1;
            y = va3[k];
            s30 += y * x0;
            s31 += y * x1;
        }

        double t00 = Vector.Sum(s00), t01 = Vector.Sum(s01), t10 = Vector.Sum(s10), t11 = Vector.Sum(s11);
        double t20 = Vector.Sum(s20), t21 = Vector.Sum(s21), t30 = Vector.Sum(s30), t31 = Vector.Sum(s31);
        for (int k = vb0.Length * w; k < len; k++)
        {
            t00 += a0[k] * b0[k];
            t01 += a0[k] * b1[k];
            t10 += a1[k] * b0[k];
            t11 += a1[k] * b1[k];
            t20 += a2[k] * b0[k];
            t21 += a2[k] * b1[k];
            t30 += a3[k] * b0[k];
            t31 += a3[k] * b1[k];
        }

        g[at] += t00;
        g[at + stride] += t10;
        g[at + (2 * stride)] += t20;
        g[at + (3 * stride)] += t30;
        if (pair)
        {
            g[at + 1] += t01;
            g[at + stride + 1] += t11;
            g[at + (2 * stride) + 1] += t21;
            g[at + (3 * stride) + 1] += t31;
        }
    }

    /// <summary>Vectorised dot product Σ xᵢyᵢ over x's length (Vector&lt;double&gt; lanes, then the tail).</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
        Vector<double> s = default;
        for (int k = 0; k < vx.Length; k++)
        {
            s += vx[k] * vy[k];
        }

        double t = Vector.Sum(s);
        for (int k = vx.Length * Vector<double>.Count; k < x.Length; k++)
        {
            t += x[k] * y[k];
        }

        return t;
    }

    /// <summary>x ← x − α·u − β·v, vectorised.</summary>
    internal static void SubtractTwo(Span<double> x, double alpha, ReadOnlySpan<double> u, double beta, ReadOnlySpan<double> v)
    {
        var vxs = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vus = MemoryMarshal.Cast<double, Vector<double>>(u[..x.Length]);
        var vvs = MemoryMarshal.Cast<double, Vector<double>>(v[..x.Length]);
        var va = new Vector<double>(alpha);
        var vb = new Vector<double>(beta);
        for (int k = 0; k < vxs.Length; k++)
        {
            vxs[k] -= (va * vus[k]) + (vb * vvs[k]);
        }

        for (int k = vxs.Length * Vector<double>.Count; k < x.Length; k++)
        {
            x[k] -= (alpha * u[k]) + (beta * v[k]);
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
}
