using System.Numerics;
using System.Runtime.InteropServices;
using Affect.Learning;
using TorchSharp;

namespace Affect.Training.Algebra;

/// <summary>
/// <see cref="IKernelAlgebra"/> on libtorch's optimized BLAS/LAPACK (TorchSharp, float64 throughout): Gram and cross
/// products by <c>torch.mm</c> (DGEMM), the KELM C grid by one eigen decomposition A = V·Λ·Vᵀ
/// (<c>torch.linalg.eigh</c>, LAPACK syevd) after which every shift costs (A + μI)⁻¹·B = V·(Λ + μI)⁻¹·Vᵀ·B,
/// and single solves by Cholesky (<c>torch.linalg.cholesky</c> + <c>cholesky_solve</c>, LAPACK potrf/potrs).
/// Results equal <see cref="ManagedKernelAlgebra"/>'s to rounding; it lives here, not in Affect.Learning, so that the
/// learners do not depend on TorchSharp. It uses torch's intra-op thread pool as configured
/// (<see cref="TorchRuntime.Seed"/> with <c>singleThread</c> limits it to one thread).
/// </summary>
public sealed class TorchKernelAlgebra : IKernelAlgebra
{
    /// <summary>Loads libtorch (throws <see cref="InvalidOperationException"/> naming the library when it cannot).</summary>
    public TorchKernelAlgebra()
    {
        TorchRuntime.EnsureLoaded();
    }

    /// <inheritdoc />
    public RealMatrix Gram(RealMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        var t = ToTensor(x);
        var g = ToMatrix(torch.mm(t, t.t()));

        // DGEMM computes both triangles separately; make the result exactly symmetric like the managed path.
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

        using var scope = torch.NewDisposeScope();
        return ToMatrix(torch.mm(ToTensor(a), ToTensor(b).t()));
    }

    /// <inheritdoc />
    public IShiftedSymmetricSolve FactorShifted(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSystem(a, b);
        using var scope = torch.NewDisposeScope();
        var (lambda, v) = torch.linalg.eigh(ToTensor(a));
        var projected = ToMatrix(torch.mm(v.t(), ToTensor(b))); // Vᵀ·B (n × L)
        return new EigenShiftedSolve(ToMatrix(v), ToMatrix(lambda.unsqueeze(1)).Data, projected);
    }

    /// <inheritdoc />
    public RealMatrix SolvePositiveDefinite(RealMatrix a, RealMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSystem(a, b);
        using var scope = torch.NewDisposeScope();
        var (l, info) = torch.linalg.cholesky_ex(ToTensor(a));
        int failed = info.item<int>();
        if (failed != 0)
        {
            throw new ArgumentException($"matrix is not positive definite (leading minor {failed} is not positive)", nameof(a));
        }

        return ToMatrix(torch.cholesky_solve(ToTensor(b), l));
    }

    private static void CheckSystem(RealMatrix a, RealMatrix b)
    {
        if (a.Rows != a.Cols || b.Rows != a.Rows)
        {
            throw new ArgumentException($"matrix is {a.Rows}×{a.Cols} and right-hand sides {b.Rows}×{b.Cols}: expected n×n and n×L");
        }
    }

    // A float64 tensor over a copy of the row-major values.
    private static torch.Tensor ToTensor(RealMatrix m) => torch.tensor((double[])m.Data.Clone(), [m.Rows, m.Cols], torch.float64);

    private static RealMatrix ToMatrix(torch.Tensor t)
    {
        var c = t.contiguous();
        int rows = (int)c.shape[0];
        int cols = (int)c.shape[1];
        var data = new double[checked(rows * cols)];
        c.data<double>().CopyTo(data);
        return new RealMatrix(rows, cols, data);
    }
}

/// <summary>(A + μI)⁻¹·B = V·((Λ + μI)⁻¹·Vᵀ·B), with V, Λ and Vᵀ·B held in managed memory.</summary>
internal sealed class EigenShiftedSolve(RealMatrix vectors, double[] values, RealMatrix projected) : IShiftedSymmetricSolve
{
    public RealMatrix Solve(double shift)
    {
        if (!(shift > 0) || !double.IsFinite(shift))
        {
            throw new ArgumentOutOfRangeException(nameof(shift), $"shift {shift} is not a positive number");
        }

        int n = vectors.Rows;
        int l = projected.Cols;

        // Wᵀ (L × n): W[k, c] = (Vᵀ·B)[k, c] / (λ_k + μ), stored transposed so each column is contiguous.
        var wt = new double[l * n];
        for (int k = 0; k < n; k++)
        {
            double scale = 1.0 / (values[k] + shift);
            for (int c = 0; c < l; c++)
            {
                wt[(c * n) + k] = projected[k, c] * scale;
            }
        }

        var y = new RealMatrix(n, l);
        Parallel.For(0, n, i =>
        {
            var row = vectors.Row(i);
            for (int c = 0; c < l; c++)
            {
                y[i, c] = ManagedKernelAlgebra.Dot(row, wt.AsSpan(c * n, n));
            }
        });
        return y;
    }
}
