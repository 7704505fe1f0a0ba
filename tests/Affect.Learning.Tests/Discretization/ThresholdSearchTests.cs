using Affect.Learning.Discretization;

namespace Affect.Learning.Tests.Discretization;

public sealed class ThresholdSearchTests
{
    [Theory]
    [InlineData(DirectionChoice.Increasing)]
    [InlineData(DirectionChoice.Decreasing)]
    [InlineData(DirectionChoice.Auto)]
    public void ThreeClassSearchEqualsBruteForceOverEveryCutPair(DirectionChoice choice)
    {
        for (ulong seed = 1; seed <= 300; seed++)
        {
            var (scores, truth) = RandomProblem(seed, 3, choice == DirectionChoice.Decreasing);
            var rule = ThresholdSearch.Fit(scores, truth, 3, choice);
            var brute = BruteForce(scores, truth, 3, choice);
            Assert.True(brute.Thresholds.SequenceEqual(rule.Thresholds), $"seed {seed}: [{string.Join(", ", rule.Thresholds)}] vs brute force [{string.Join(", ", brute.Thresholds)}]");
            Assert.Equal(brute.Direction, rule.Direction);
            Assert.Equal(Metrics.Uar(truth, brute.Classify(scores), 3), rule.FitUar);
            Assert.Equal(Metrics.War(truth, brute.Classify(scores)), rule.FitWar);
            Assert.Equal(rule.FitUar, Metrics.Uar(truth, rule.Classify(scores), 3));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void OtherClassCountsEqualBruteForce(int classes)
    {
        for (ulong seed = 1; seed <= 60; seed++)
        {
            var (scores, truth) = RandomProblem(seed * 7919, classes, false, maxRows: classes == 4 ? 14 : 40);
            var rule = ThresholdSearch.Fit(scores, truth, classes);
            var brute = BruteForce(scores, truth, classes, DirectionChoice.Auto);
            Assert.Equal(brute.Thresholds, rule.Thresholds);
            Assert.Equal(brute.Direction, rule.Direction);
        }
    }

    [Fact]
    public void SeparableScoresAreClassifiedPerfectlyWithMidpointThresholds()
    {
        double[] scores = [0.1, 0.2, 0.5, 0.6, 0.9, 1.0];
        int[] truth = [0, 0, 1, 1, 2, 2];
        var rule = ThresholdSearch.Fit(scores, truth, 3);
        Assert.Equal([0.35, 0.75], rule.Thresholds.Select(t => Math.Round(t, 12)));
        Assert.Equal(ScoreDirection.Increasing, rule.Direction);
        Assert.Equal(1.0, rule.FitUar);
        var reversed = ThresholdSearch.Fit(scores, [.. truth.Select(c => 2 - c)], 3);
        Assert.Equal(ScoreDirection.Decreasing, reversed.Direction);
        Assert.Equal(1.0, reversed.FitUar);
        Assert.Equal(2, reversed.Classify(0.0));
        Assert.Equal(0, reversed.Classify(5.0));
        // forcing the wrong direction cannot reach the same UAR
        Assert.True(ThresholdSearch.Fit(scores, [.. truth.Select(c => 2 - c)], 3, DirectionChoice.Increasing).FitUar < 1.0);
    }

    [Fact]
    public void AClassAbsentFromTheFitRowsCanBeLeftEmptyAndDoesNotCount()
    {
        double[] scores = [1, 2, 3, 4];
        int[] truth = [0, 0, 2, 2];
        var rule = ThresholdSearch.Fit(scores, truth, 3, DirectionChoice.Increasing);
        Assert.Equal(1.0, rule.FitUar);
        Assert.Equal(1.0, rule.FitWar);
        Assert.True(rule.Thresholds[0] > 2 && rule.Thresholds[0] < 3);
    }

    [Fact]
    public void NeighbouringDoublesAreStillSeparated()
    {
        double a = 1.0, b = Math.BitIncrement(1.0);
        var rule = ThresholdSearch.Fit([a, b], [0, 2], 3, DirectionChoice.Increasing);
        Assert.Equal([0, 2], rule.Classify([a, b]));
    }

    [Fact]
    public void BlendEqualsBruteForceOverTheWeightGrid()
    {
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var rng = new SplitMix64(seed);
            int n = 10 + rng.NextBelow(40);
            var truth = new int[n];
            var arousal = new double[n];
            var valence = new double[n];
            for (int i = 0; i < n; i++)
            {
                truth[i] = i < 2 ? i : rng.NextBelow(3);
                arousal[i] = (0.5 * truth[i]) + (rng.NextBelow(100) / 50.0);
                valence[i] = (0.3 * truth[i]) + (rng.NextBelow(100) / 40.0);
            }

            var blended = ThresholdSearch.FitBlend(arousal, valence, truth, 3);
            double bestW = double.NaN;
            (long U, long W) bestKey = (long.MinValue, long.MinValue);
            ThresholdRule? bestRule = null;
            foreach (double w in ThresholdSearch.BlendWeights)
            {
                var s = arousal.Zip(valence, (a, v) => ThresholdSearch.Blend(a, v, w)).ToArray();
                var rule = ThresholdSearch.Fit(s, truth, 3);
                var key = ExactKey(truth, rule.Classify(s), 3);
                if (bestRule is null || key.CompareTo(bestKey) > 0)
                {
                    (bestW, bestKey, bestRule) = (w, key, rule);
                }
            }

            Assert.Equal(bestW, blended.ArousalWeight);
            Assert.Equal(bestRule!.Thresholds, blended.Rule.Thresholds);
            Assert.Equal(blended.Rule.FitUar, Metrics.Uar(truth, blended.Classify(arousal, valence), 3));
        }

        Assert.Equal(21, ThresholdSearch.BlendWeights.Count);
        Assert.Equal(0.05, ThresholdSearch.BlendWeights[1]);
    }

    [Fact]
    public void BadInputIsRejectedWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([1, double.NaN, 3], [0, 1, 2], 3));
        Assert.Contains("score 1 is NaN", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([1, 2, 3], [1, 1, 1], 3));
        Assert.Contains("only one class", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([1, 2], [0, 1, 2], 3));
        Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([1, 2, 3], [0, 1, 3], 3));
        Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([1, double.PositiveInfinity], [0, 1], 3));
        Assert.Throws<ArgumentException>(() => ThresholdSearch.Fit([], [], 3));
        e = Assert.Throws<ArgumentException>(() => ThresholdSearch.FitBlend([1, 2], [0, double.NaN], [0, 1], 3));
        Assert.Contains("valence score 1", e.Message, StringComparison.Ordinal);
    }

    // Scores with many ties (a few levels) or continuous values, classes loosely ordered (or reversed), at least two present.
    private static (double[] Scores, int[] Truth) RandomProblem(ulong seed, int classes, bool reversed, int maxRows = 40)
    {
        var rng = new SplitMix64(seed);
        int n = 2 + rng.NextBelow(maxRows - 1);
        bool fewLevels = rng.NextBelow(2) == 0;
        int levels = 1 + rng.NextBelow(6);
        var scores = new double[n];
        var truth = new int[n];
        int absent = classes > 2 && rng.NextBelow(4) == 0 ? rng.NextBelow(classes) : -1;
        for (int i = 0; i < n; i++)
        {
            int c;
            do
            {
                c = rng.NextBelow(classes);
            }
            while (c == absent);
            truth[i] = c;
            double signal = reversed ? classes - 1 - c : c;
            scores[i] = fewLevels ? rng.NextBelow(levels) + (signal * rng.NextBelow(2)) : signal + (2 * (rng.Next() >> 11) / (double)(1UL << 53)) - 1;
        }

        // ensure two classes are present
        int other = Enumerable.Range(0, classes).First(c => c != truth[0] && c != absent);
        truth[n - 1] = truth.All(t => t == truth[0]) ? other : truth[n - 1];
        return (scores, truth);
    }

    // Every non-decreasing choice of L − 1 thresholds among {below min, midpoints, above max}, scored with exact
    // integer (UAR·ΠN, WAR·n) keys; first best in lexicographic threshold order, increasing before decreasing.
    private static ThresholdRule BruteForce(double[] scores, int[] truth, int classes, DirectionChoice choice)
    {
        var v = scores.Distinct().Order().ToArray();
        var candidates = new List<double> { v[0] - Math.Max(1.0, Math.Abs(v[0])) };
        for (int k = 1; k < v.Length; k++)
        {
            candidates.Add((v[k - 1] + v[k]) / 2);
        }

        candidates.Add(v[^1] + Math.Max(1.0, Math.Abs(v[^1])));
        ThresholdRule? best = null;
        (long, long) bestKey = (long.MinValue, long.MinValue);
        var directions = choice switch
        {
            DirectionChoice.Increasing => new[] { ScoreDirection.Increasing },
            DirectionChoice.Decreasing => [ScoreDirection.Decreasing],
            _ => [ScoreDirection.Increasing, ScoreDirection.Decreasing],
        };
        foreach (var dir in directions)
        {
            foreach (var t in Combinations(candidates.Count, classes - 1))
            {
                var rule = new ThresholdRule([.. t.Select(i => candidates[i])], dir, 0, 0);
                var key = ExactKey(truth, rule.Classify(scores), classes);
                if (best is null || key.CompareTo(bestKey) > 0)
                {
                    (best, bestKey) = (rule, key);
                }
            }
        }

        return best!;
    }

    private static IEnumerable<int[]> Combinations(int positions, int cuts)
    {
        var idx = new int[cuts];
        while (true)
        {
            yield return (int[])idx.Clone();
            int s = cuts - 1;
            while (s >= 0 && idx[s] == positions - 1)
            {
                s--;
            }

            if (s < 0)
            {
                yield break;
            }

            idx[s]++;
            for (int r = s + 1; r < cuts; r++)
            {
                idx[r] = idx[s];
            }
        }
    }

    private static (long U, long W) ExactKey(int[] truth, int[] predicted, int classes)
    {
        var m = Metrics.ConfusionMatrix(truth, predicted, classes);
        var support = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, classes).Sum(p => m[c, p])).ToArray();
        long product = support.Where(s => s > 0).Aggregate(1L, (a, s) => a * s);
        long u = 0, w = 0;
        for (int c = 0; c < classes; c++)
        {
            w += m[c, c];
            u += support[c] > 0 ? m[c, c] * (product / support[c]) : 0;
        }

        return (u, w);
    }
}
