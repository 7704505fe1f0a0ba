using Affect.Learning;
using Affect.Training.Algebra;

namespace Affect.Training.Tests.Algebra;

public sealed class TorchKernelAlgebraTests
{
    private static readonly TorchKernelAlgebra Torch = new();

    [Fact]
    public void ProductsEqualTheManagedPath()
    {
        var x = Features(1, 57, 131, 0.0);
        var z = Features(2, 13, 131, 0.0);
        var g = Torch.Gram(x);
        Assert.True(MaxRelative(g, ManagedKernelAlgebra.Instance.Gram(x)) < 1e-12);
        for (int i = 0; i < g.Rows; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Assert.Equal(g[i, j], g[j, i]);
            }
        }

        var c = Torch.CrossProducts(z, x);
        Assert.Equal((13, 57), (c.Rows, c.Cols));
        Assert.True(MaxRelative(c, ManagedKernelAlgebra.Instance.CrossProducts(z, x)) < 1e-12);
        Assert.Throws<ArgumentException>(() => Torch.CrossProducts(z, Features(3, 4, 130, 0.0)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EigenGridEqualsManagedReductionAndDirectSolveForEveryC(bool weighted)
    {
        // n > d: the linear kernel is singular, so the small shifts (large C) are the hard end of the grid.
        var (x, y) = Clusters(7, [90, 40, 20], 30);
        var k = Kernel.Linear.Train(FeatureScaler.Fit(x, FeatureScaling.ZScore).Transform(x));
        var t = TargetCoding.OneVsAll(y, 3);
        var w = weighted ? TargetCoding.InverseClassFrequency(y, 3) : null;
        var eigen = KernelElm.Prepare(k, t, w, Torch);
        var reduced = KernelElm.Prepare(k, t, w);
        foreach (double c in LearnerOptions.DefaultCGrid)
        {
            var beta = eigen.Coefficients(c);
            Assert.True(MaxRelative(beta, reduced.Coefficients(c)) < 1e-8, $"C = {c}: eigen vs tridiagonal");
            Assert.True(MaxRelative(beta, KernelElm.SolveDirect(k, t, c, w)) < 1e-8, $"C = {c}: eigen vs managed Cholesky");
            Assert.True(MaxRelative(KernelElm.SolveDirect(k, t, c, w, Torch), KernelElm.SolveDirect(k, t, c, w)) < 1e-8, $"C = {c}: LAPACK vs managed Cholesky");
        }
    }

    [Fact]
    public void CholeskyRejectsAnIndefiniteMatrix()
    {
        var a = new RealMatrix(2, 2, [1, 2, 2, 1]);
        var e = Assert.Throws<ArgumentException>(() => Torch.SolvePositiveDefinite(a, new RealMatrix(2, 1, [1, 1])));
        Assert.Contains("not positive definite", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Torch.FactorShifted(a, new RealMatrix(3, 1)));
    }

    [Theory]
    [InlineData(LearnerKind.Wkelm)]
    [InlineData(LearnerKind.Kpls)]
    public void ClassifierGivesTheSameScoresOnBothPaths(LearnerKind learner)
    {
        var (x, y) = Clusters(11, [60, 30, 15], 80);
        var train = Enumerable.Range(0, 70).ToArray();
        var devel = Enumerable.Range(70, 35).ToArray();
        var options = new LearnerOptions(learner, Kernel: learner == LearnerKind.Kpls ? new Kernel(KernelKind.Rbf, 0.01) : null, SearchGrid: true, MaxFactors: 8);
        var points = learner == LearnerKind.Kpls
            ? Enumerable.Range(2, 7).Select(f => new GridPoint(null, f, 0)).ToList()
            : LearnerOptions.DefaultCGrid.Select(c => new GridPoint(c, null, 0)).ToList();
        var xt = x.SelectRows(train);
        var yt = train.Select(i => y[i]).ToArray();
        var xd = x.SelectRows(devel);
        var managed = UtteranceClassifier.Evaluate(xt, yt, 3, xd, options, points);
        var torch = UtteranceClassifier.Evaluate(xt, yt, 3, xd, options, points, Torch);
        Assert.Equal(points.Count, torch.Count);
        for (int p = 0; p < points.Count; p++)
        {
            Assert.True(MaxRelative(torch[p].Scores, managed[p].Scores) < 1e-8, $"{points[p]}");
        }
    }

    private static (RealMatrix X, int[] Y) Clusters(ulong seed, int[] perClass, int d)
    {
        int n = perClass.Sum();
        var rng = new SplitMix64(seed);
        var centers = Features(seed + 100, perClass.Length, d, 0.0);
        var x = Features(seed, n, d, 3.0);
        var y = new int[n];
        for (int i = 0, c = 0, left = perClass[0]; i < n; i++, left--)
        {
            while (left == 0)
            {
                left = perClass[++c];
            }

            y[i] = c;
            for (int j = 0; j < d; j++)
            {
                x[i, j] += 2 * centers[c, j];
            }
        }

        // Shuffle (Fisher–Yates) so the classes are not blocked.
        var order = Enumerable.Range(0, n).ToArray();
        for (int k = n - 1; k > 0; k--)
        {
            int j = rng.NextInt(k + 1);
            (order[k], order[j]) = (order[j], order[k]);
        }

        return (x.SelectRows(order), [.. order.Select(o => y[o])]);
    }

    // Uniform values in [offset − 0.5, offset + 0.5).
    private static RealMatrix Features(ulong seed, int n, int d, double offset)
    {
        var rng = new SplitMix64(seed);
        var m = new RealMatrix(n, d);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = offset + ((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5;
        }

        return m;
    }

    private static double MaxRelative(RealMatrix a, RealMatrix b)
    {
        Assert.Equal((b.Rows, b.Cols), (a.Rows, a.Cols));
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a.Data[i] - b.Data[i]));
            scale = Math.Max(scale, Math.Abs(b.Data[i]));
        }

        return diff / scale;
    }
}
