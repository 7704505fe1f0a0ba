using Affect.Learning;

namespace Affect.Learning.Tests;

public sealed class KernelLearnerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReducedGridEqualsDirectSolveForEveryC(bool weighted)
    {
        var (x, y) = SyntheticData.Clusters(3, [90, 40, 20], 30, 1.0);
        var k = Kernel.Linear.Train(FeatureScaler.Fit(x, FeatureScaling.ZScore).Transform(x));
        var t = TargetCoding.OneVsAll(y, 3);
        var w = weighted ? TargetCoding.InverseClassFrequency(y, 3) : null;
        var path = KernelElm.Prepare(k, t, w);
        foreach (double c in LearnerOptions.DefaultCGrid)
        {
            double rel = SyntheticData.MaxRelative(path.Coefficients(c), KernelElm.SolveDirect(k, t, c, w));
            Assert.True(rel < 1e-8, $"C = {c}: relative difference {rel}");
        }
    }

    [Fact]
    public void TridiagonalizationReconstructsTheMatrix()
    {
        var (x, _) = SyntheticData.Clusters(4, [30, 27], 10, 1.0);
        var a = Kernel.Linear.Train(x);
        var red = SymmetricTridiagonalization.Compute(a);
        // Q·T·Qᵀ applied to the identity columns must give A back.
        int n = a.Rows;
        var tq = new RealMatrix(n, n);
        for (int i = 0; i < n; i++)
        {
            tq[i, i] = 1;
        }

        red.ApplyTransposeQ(tq); // Qᵀ
        var tt = new RealMatrix(n, n);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double v = red.Diagonal[i] * tq[i, j];
                if (i > 0)
                {
                    v += red.OffDiagonal[i - 1] * tq[i - 1, j];
                }

                if (i + 1 < n)
                {
                    v += red.OffDiagonal[i] * tq[i + 1, j];
                }

                tt[i, j] = v;
            }
        }

        red.ApplyQ(tt);
        Assert.True(SyntheticData.MaxRelative(tt, a) < 1e-12);
    }

    [Theory]
    [InlineData(LearnerKind.Kelm, LearnerKind.Wkelm)]
    [InlineData(LearnerKind.Kpls, LearnerKind.Wkpls)]
    public void WeightingRaisesMinorityRecallOnImbalancedData(LearnerKind plain, LearnerKind weighted)
    {
        var (x, y) = SyntheticData.Clusters(21, [300, 30], 40, 0.15, 2.0);
        var train = Enumerable.Range(0, 220).ToArray();
        var test = Enumerable.Range(220, 110).ToArray();
        var xtr = x.SelectRows(train);
        var ytr = train.Select(i => y[i]).ToArray();
        var xte = x.SelectRows(test);
        var yte = test.Select(i => y[i]).ToArray();
        Assert.Contains(1, yte);
        double Recall(LearnerKind kind)
        {
            var options = new LearnerOptions(kind, C: 1.0, Factors: 5);
            var point = kind is LearnerKind.Kpls or LearnerKind.Wkpls ? new GridPoint(null, 5, 0) : new GridPoint(1.0, null, 0);
            var scores = UtteranceClassifier.Evaluate(xtr, ytr, 2, xte, options, [point])[0].Scores;
            return Metrics.Recalls(yte, TargetCoding.ArgMax(scores), 2)[1];
        }

        double rp = Recall(plain), rw = Recall(weighted);
        Assert.True(rw > rp, $"minority recall {weighted} {rw} vs {plain} {rp}");
    }

    [Fact]
    public void GridSearchSelectsByDevelUarAndIsDeterministic()
    {
        var (x, y) = SyntheticData.Clusters(8, [120, 80, 60], 20, 0.6, 1.5);
        var names = Enumerable.Range(0, x.Rows).Select(i => $"u{i:D3}").ToArray();
        FeatureTable Part(int from, int count, string src) => new(src, names[from..(from + count)], [.. Enumerable.Range(0, 20).Select(j => $"f{j}")], x.SelectRows([.. Enumerable.Range(from, count)]), [.. y[from..(from + count)].Select(c => (string?)$"c{c}")]);
        var tr = Part(0, 140, "train.csv");
        var dv = Part(140, 60, "devel.csv");
        var te = Part(200, 60, "test.csv");
        foreach (var kind in Enum.GetValues<LearnerKind>())
        {
            var o = new LearnerOptions(kind, SearchGrid: true, MaxFactors: 12, Seed: 9);
            var a = UtteranceClassifier.Run(tr, dv, te, o);
            var b = UtteranceClassifier.Run(tr, dv, te, o);
            Assert.Equal(a.Test.Scores.Data, b.Test.Scores.Data);
            Assert.Equal(a.Grid.Max(g => g.DevelUar), a.Selected.DevelUar);
            Assert.Equal(a.Selected.DevelUar, a.Devel!.Uar!.Value, 12);
            Assert.True(a.Test.Uar > 0.6, $"{kind}: test UAR {a.Test.Uar}");
            Assert.Equal(["c0", "c1", "c2"], a.Classes);
            string csv = a.ToScoreCsv(a.Test);
            Assert.StartsWith("name,c0,c1,c2,predicted\nu200,", csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GramMatchesNaiveProducts()
    {
        var (x, _) = SyntheticData.Clusters(5, [37, 30], 1030, 1.0);
        var (z, _) = SyntheticData.Clusters(6, [9], 1030, 1.0);
        var g = ManagedKernelAlgebra.Instance.Gram(x);
        var c = ManagedKernelAlgebra.Instance.CrossProducts(z, x);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < x.Rows; j++)
            {
                double s = 0;
                for (int k = 0; k < x.Cols; k++)
                {
                    s += x[i, k] * x[j, k];
                }

                Assert.Equal(s, g[i, j], 1e-9 * Math.Abs(s));
                Assert.Equal(g[i, j], g[j, i]);
            }
        }

        for (int i = 0; i < z.Rows; i++)
        {
            double s = 0;
            for (int k = 0; k < x.Cols; k++)
            {
                s += z[i, k] * x[3, k];
            }

            Assert.Equal(s, c[i, 3], 1e-9 * Math.Abs(s));
        }
    }

    [Fact]
    public void RbfKernelIsOneOnTheDiagonalAndDecays()
    {
        var (x, _) = SyntheticData.Clusters(7, [10], 5, 1.0);
        var k = new Kernel(KernelKind.Rbf, 0.1).Train(x);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1.0, k[i, i], 1e-12);
            double d2 = 0;
            for (int j = 0; j < 5; j++)
            {
                d2 += (x[i, j] - x[0, j]) * (x[i, j] - x[0, j]);
            }

            Assert.Equal(Math.Exp(-0.1 * d2), k[i, 0], 1e-10);
        }
    }

    [Fact]
    public void SvmIsSeededAndUpsamplingBalancesClasses()
    {
        int[] y = [0, 0, 0, 0, 0, 0, 1, 1, 2];
        var idx = ClassBalancing.UpsampleByReplication(y, 3);
        var counts = new int[3];
        foreach (int i in idx)
        {
            counts[y[i]]++;
        }

        Assert.Equal([6, 6, 6], counts);
        var (x, yy) = SyntheticData.Clusters(9, [40, 30], 8, 1.0);
        var a = LinearSvm.Fit(x, yy, 2, 0.1, 3).Decision(x);
        var b = LinearSvm.Fit(x, yy, 2, 0.1, 3).Decision(x);
        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void OptionsReportEveryError()
    {
        var e = Assert.Throws<ArgumentException>(() => new LearnerOptions(LearnerKind.Kelm, C: -1, Factors: 0, CGrid: [1, -2]).Validate());
        Assert.Contains("C: -1", e.Message, StringComparison.Ordinal);
        Assert.Contains("factors: 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("C grid", e.Message, StringComparison.Ordinal);
    }
}
