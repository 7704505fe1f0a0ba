using Affect.Learning.Fusion;

namespace Affect.Learning.Tests.Fusion;

public sealed class FusionTests
{
    [Fact]
    public void CodeMatrixIsEquationOne()
    {
        var s = CodeMatrix.OneVsAll([2, 0, 1, 2], 3);
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], s.Data);
        Assert.Equal([2, 0, 1, 2], TargetCoding.ArgMax(s));
        Assert.Throws<ArgumentException>(() => CodeMatrix.OneVsAll([3], 3));
    }

    [Fact]
    public void NormalizerIsFittedOnDevelOnlyAndKeepsEachSystemsDecisions()
    {
        var devel = RandomScores(1, 50, 3, 4.0, 10.0);
        var test = RandomScores(2, 30, 3, 100.0, -7.0);
        var z = ScoreNormalizer.Fit(devel);
        Assert.Equal(devel.Data.Average(), z.Mean, 12);
        double sd = Math.Sqrt(devel.Data.Select(x => (x - devel.Data.Average()) * (x - devel.Data.Average())).Average());
        Assert.Equal(sd, z.Scale, 12);
        var zt = z.Apply(test);
        Assert.Equal((test[3, 1] - z.Mean) / z.Scale, zt[3, 1]);
        Assert.NotEqual(0, zt.Data.Average(), 1); // test statistics are not used
        Assert.Equal(TargetCoding.ArgMax(test), TargetCoding.ArgMax(zt));
        Assert.Equal(0, z.Apply(devel).Data.Average(), 12);
        Assert.Equal(new ScoreNormalizer(1, 1), ScoreNormalizer.Fit(new RealMatrix(2, 2, [1, 1, 1, 1])));
        Assert.Throws<ArgumentException>(() => ScoreNormalizer.Fit(new RealMatrix(1, 2, [1, double.NaN])));
    }

    [Fact]
    public void SimpleFusionPicksTheFirstBestGammaOfTheGrid()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var (systems, truth) = Problem(seed, 2, 3, 61);
            var fit = SimpleFusion.Fit(systems[0], systems[1], truth);
            int bestK = -1;
            (long, int) bestKey = (-1, 0);
            for (int k = 0; k <= 100; k++)
            {
                var f = SimpleFusion.Fuse(systems[0], systems[1], k / 100.0);
                var key = (ExactUarKey(truth, TargetCoding.ArgMax(f), 3), 0);
                if (key.CompareTo(bestKey) > 0)
                {
                    (bestK, bestKey) = (k, key);
                }
            }

            Assert.Equal(bestK, fit.GammaIndex);
            Assert.Equal(bestK / 100.0, fit.Gamma);
            var fused = SimpleFusion.Fuse(systems[0], systems[1], fit.Gamma);
            Assert.Equal(Metrics.Uar(truth, TargetCoding.ArgMax(fused), 3), fit.DevelUar, 12);
        }

        Assert.Equal(0.07, SimpleFusion.GammaAt(7));
        Assert.Equal(1.0, SimpleFusion.GammaAt(100));
    }

    [Fact]
    public void PoolStartsWithEachSystemAloneAndTheAverageAndIsAPureFunctionOfSeedAndIndex()
    {
        var w = new double[4 * 3];
        WeightedFusion.Candidate(5, 2, 4, 3, w);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0], w);
        WeightedFusion.Candidate(5, 4, 4, 3, w);
        Assert.All(w, x => Assert.Equal(0.25, x));
        WeightedFusion.Candidate(5, 12345, 4, 3, w);
        var again = new double[12];
        WeightedFusion.Candidate(5, 12345, 4, 3, again);
        Assert.Equal(w, again);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(1.0, w[j] + w[3 + j] + w[6 + j] + w[9 + j], 12);
        }

        Assert.All(w, x => Assert.InRange(x, 0.0, 1.0));

        // the documented definition: SplitMix64 outputs k·M·L + j·M + i + 1 of the stream seeded with the seed
        var rng = new SplitMix64(5);
        var u = new double[12];
        for (long p = 1; p <= (12345L * 12) + 12; p++)
        {
            ulong x = rng.Next();
            if (p > 12345L * 12)
            {
                u[p - (12345L * 12) - 1] = ((x >> 11) + 1) * (1.0 / (1UL << 53));
            }
        }

        for (int j = 0; j < 3; j++)
        {
            double sum = u[(j * 4) + 0] + u[(j * 4) + 1] + u[(j * 4) + 2] + u[(j * 4) + 3];
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(u[(j * 4) + i] / sum, w[(i * 3) + j]);
            }
        }

        WeightedFusion.Candidate(6, 12345, 4, 3, again);
        Assert.NotEqual(w, again);
    }

    [Fact]
    public void WeightedSearchEqualsScalarBruteForceIncludingScoreTies()
    {
        for (ulong seed = 1; seed <= 12; seed++)
        {
            int n = 17 + (int)seed; // not a multiple of the vector width
            var (systems, truth) = Problem(seed, 3, 3, n);
            systems[2] = CodeMatrix.OneVsAll(TargetCoding.ArgMax(systems[2]), 3); // 1/0 scores: many ties
            var found = WeightedFusion.Search(systems, truth, seed, poolSize: 300);
            long bestIndex = -1, bestKey = -1;
            var w = new double[9];
            for (long k = 0; k < 300; k++)
            {
                WeightedFusion.Candidate(seed, k, 3, 3, w);
                var f = WeightedFusion.Fuse(systems, new FusionWeights(k, 0, 3, 3, w));
                long key = ExactUarKey(truth, TargetCoding.ArgMax(f), 3);
                if (key > bestKey)
                {
                    (bestIndex, bestKey) = (k, key);
                }
            }

            Assert.Equal(bestIndex, found.Index);
            Assert.Equal(Metrics.Uar(truth, TargetCoding.ArgMax(WeightedFusion.Fuse(systems, found)), 3), found.DevelUar, 12);
        }
    }

    [Fact]
    public void ChunkedSearchIsByteIdenticalForOneThreeAndSevenChunks()
    {
        var (systems, truth) = Problem(42, 4, 3, 203);
        var (test, _) = Problem(43, 4, 3, 77);
        FusionWeights? reference = null;
        byte[]? referenceOutput = null;
        foreach (int chunks in new[] { 1, 3, 7 })
        {
            var w = WeightedFusion.Search(systems, truth, 9, 5000, chunks);
            // the same through the public fan-out / fan-in pieces, chunk by chunk
            var manual = WeightedFusion.Combine(WeightedFusion.Split(5000, chunks).Select(c => WeightedFusion.SearchChunk(systems, truth, 9, c.Start, c.Count)));
            Assert.Equal(w, manual with { Weights = w.Weights });
            Assert.Equal(Bytes(w.Weights), Bytes(manual.Weights));
            byte[] output = [.. Bytes(WeightedFusion.Fuse(systems, w).Data), .. Bytes(WeightedFusion.Fuse(test, w).Data)];
            if (reference is null)
            {
                (reference, referenceOutput) = (w, output);
                continue;
            }

            Assert.Equal(reference.Index, w.Index);
            Assert.Equal(reference.DevelUar, w.DevelUar);
            Assert.Equal(Bytes(reference.Weights), Bytes(w.Weights));
            Assert.Equal(referenceOutput, output);
        }

        Assert.Equal(7, WeightedFusion.Split(5000, 7).Count);
        Assert.Equal(5000, WeightedFusion.Split(5000, 7).Sum(c => c.Count));
        Assert.Equal(3, WeightedFusion.Split(3, 7).Count);
    }

    [Fact]
    public void WeightedFusionIsNeverBelowItsBestMemberOnDevel()
    {
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var (systems, truth) = Problem(seed + 100, 4, 3, 90);
            double bestMember = systems.Max(s => Metrics.Uar(truth, TargetCoding.ArgMax(s), 3));
            // a pool holding only the singles and the average, and a larger one
            foreach (long pool in new long[] { 5, 2000 })
            {
                var w = WeightedFusion.Search(systems, truth, seed, pool, 2);
                Assert.True(w.DevelUar >= bestMember - 1e-12, $"seed {seed}, pool {pool}: {w.DevelUar} < {bestMember}");
            }
        }
    }

    [Fact]
    public void CombineTakesTheHighestUarThenTheLowestIndex()
    {
        var a = new FusionWeights(50, 0.6, 1, 2, [1, 1]);
        var b = new FusionWeights(10, 0.6, 1, 2, [1, 1]);
        var c = new FusionWeights(5, 0.5, 1, 2, [1, 1]);
        Assert.Same(b, WeightedFusion.Combine([a, c, b]));
        Assert.Throws<ArgumentException>(() => WeightedFusion.Combine([]));
    }

    [Fact]
    public void BadSystemsAreRejected()
    {
        var (systems, truth) = Problem(1, 2, 3, 10);
        Assert.Throws<ArgumentException>(() => WeightedFusion.Search([systems[0], new RealMatrix(9, 3)], truth, 1, 10));
        var bad = systems[1].Clone();
        bad[4, 2] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => SimpleFusion.Fit(systems[0], bad, truth));
        Assert.Contains("system 1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => WeightedFusion.Search(systems, [.. truth.Take(9)], 1, 10));
    }

    // M noisy systems over n rows: each system's scores lean towards the true class with its own noise and bias.
    private static (List<RealMatrix> Systems, int[] Truth) Problem(ulong seed, int systems, int classes, int n)
    {
        var rng = new SplitMix64(seed);
        var truth = new int[n];
        for (int t = 0; t < n; t++)
        {
            truth[t] = t < classes ? t : (rng.NextBelow(10) < 6 ? 1 : rng.NextBelow(classes));
        }

        var list = new List<RealMatrix>();
        for (int i = 0; i < systems; i++)
        {
            var s = new RealMatrix(n, classes);
            double noise = 0.5 + rng.NextBelow(100) / 50.0;
            for (int t = 0; t < n; t++)
            {
                for (int j = 0; j < classes; j++)
                {
                    s[t, j] = (j == truth[t] ? 1.0 : 0.0) + (noise * SyntheticData.Gaussian(ref rng)) + (0.3 * i * j);
                }
            }

            list.Add(s);
        }

        return (list, truth);
    }

    private static RealMatrix RandomScores(ulong seed, int n, int l, double scale, double offset)
    {
        var rng = new SplitMix64(seed);
        var m = new RealMatrix(n, l);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = offset + (scale * SyntheticData.Gaussian(ref rng));
        }

        return m;
    }

    private static long ExactUarKey(int[] truth, int[] predicted, int classes)
    {
        var m = Metrics.ConfusionMatrix(truth, predicted, classes);
        var support = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, classes).Sum(p => m[c, p])).ToArray();
        long product = support.Where(s => s > 0).Aggregate(1L, (a, s) => a * s);
        long u = 0;
        for (int c = 0; c < classes; c++)
        {
            u += support[c] > 0 ? m[c, c] * (product / support[c]) : 0;
        }

        return u;
    }

    private static byte[] Bytes(double[] values) => [.. values.SelectMany(BitConverter.GetBytes)];
}
