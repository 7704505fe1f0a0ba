using Affect.Learning.Discretization;

namespace Affect.Learning.Tests.Discretization;

public sealed class ThresholdSurfaceTests
{
    [Theory]
    [InlineData(ScoreDirection.Increasing)]
    [InlineData(ScoreDirection.Decreasing)]
    public void Each_cell_is_the_uar_of_its_threshold_pair_and_none_beats_the_exact_search(ScoreDirection direction)
    {
        var rng = new SplitMix64(17);
        int n = 90;
        var truth = new int[n];
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = i % 3;
            double signal = direction == ScoreDirection.Increasing ? truth[i] : 2 - truth[i];
            scores[i] = signal + (1.6 * ((rng.Next() >> 11) / (double)(1UL << 53))) - 0.8;
        }

        var surface = ThresholdSurface.Of(scores, truth, direction, steps: 11);
        var exact = ThresholdSearch.Fit(scores, truth, 3, direction == ScoreDirection.Increasing ? DirectionChoice.Increasing : DirectionChoice.Decreasing);
        Assert.Equal(11, surface.Axis.Count);
        Assert.Equal(scores.Min(), surface.Axis[0], 6);
        Assert.Equal(scores.Max(), surface.Axis[^1], 6);
        double best = 0;
        for (int i = 0; i < 11; i++)
        {
            for (int j = 0; j < 11; j++)
            {
                if (j < i)
                {
                    Assert.Null(surface.Uar[i][j]);
                    continue;
                }

                var rule = new ThresholdRule([surface.Axis[i], surface.Axis[j]], direction, double.NaN, double.NaN);
                double uar = Metrics.Uar(truth, rule.Classify(scores), 3);
                Assert.Equal(Math.Round(uar, 6), surface.Uar[i][j]!.Value, 9);
                best = Math.Max(best, uar);
            }
        }

        // The grid samples what the exact search maximises: never above it, and a separable-ish problem is well above chance.
        Assert.True(best <= exact.FitUar + 1e-9, $"grid {best} > exact {exact.FitUar}");
        Assert.True(best > 0.55, $"grid best {best} (chance 1/3, exact {exact.FitUar})");
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ThresholdSurface.Of([1, 2], [0], ScoreDirection.Increasing));
        Assert.Throws<ArgumentException>(() => ThresholdSurface.Of([], [], ScoreDirection.Increasing));
        Assert.Throws<ArgumentException>(() => ThresholdSurface.Of([1, double.NaN], [0, 1], ScoreDirection.Increasing));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdSurface.Of([1, 2], [0, 1], ScoreDirection.Increasing, steps: 1));
    }
}
