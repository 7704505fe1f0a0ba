using Affect.Sequence.Labels;

namespace Affect.Sequence.Tests;

public sealed class LabelTests
{
    [Theory]
    [InlineData(25.0)]
    [InlineData(50.0)]
    [InlineData(60.0)]
    public void ResamplingALinearRampKeepsItLinear(double rate)
    {
        // a(t) = 0.3 t - 0.5 over 10 s at the source rate.
        var trace = Enumerable.Range(0, (int)(10 * rate) + 1).Select(i => (0.3 * i / rate) - 0.5).ToArray();

        var resampled = GoldStandard.Resample(trace, rate);

        Assert.Equal(251, resampled.Length);
        for (var j = 1; j < resampled.Length - 1; j++)
        {
            Assert.True(Math.Abs(resampled[j] - ((0.3 * j / 25.0) - 0.5)) < 1e-9, $"frame {j}: {resampled[j]}");
        }
    }

    [Fact]
    public void GoldStandardIsTheRaterMeanAndAgreementIsPairwisePearson()
    {
        var signal = Enumerable.Range(0, 500).Select(i => Math.Sin(i / 20.0)).ToArray();
        var a = signal.Select(v => v + 0.1).ToArray();
        var b = signal.Select(v => (2 * v) - 0.1).ToArray();
        var c = signal.Select(v => -v).ToArray();

        var gold = GoldStandard.Combine([a, b, c], 50.0);

        Assert.Equal(250, gold.Values.Length);
        Assert.Equal(3, gold.Raters);
        // mean of (v+0.1, 2v-0.1, -v) = 2v/3; agreement = (1 - 1 - 1) / 3.
        var expected = GoldStandard.Resample(signal, 50.0).Select(v => 2 * v / 3).ToArray();
        Assert.All(Enumerable.Range(0, 250), i => Assert.True(Math.Abs(gold.Values[i] - expected[i]) < 1e-12));
        Assert.True(Math.Abs(gold.RaterAgreement - (-1.0 / 3)) < 1e-9, $"agreement {gold.RaterAgreement}");
    }

    [Fact]
    public void LagShiftMovesLabelsBackwardsAndHoldsTheEnd()
    {
        double[] trace = [0, 1, 2, 3, 4, 5, 6];

        var shifted = AnnotatorLag.Shift(trace, 0.08, 25);   // two frames at 25 Hz

        Assert.Equal([2, 3, 4, 5, 6, 6, 6], shifted);
        Assert.Throws<ArgumentException>(() => AnnotatorLag.Shift(trace, -1, 25));
    }

    [Fact]
    public void LagEstimateFindsTheDelayOfALaggedRating()
    {
        // A feature drives the label 2 s later (the rater reacts late); the estimate must recover 2 s.
        var frames = 6000;   // 60 s at 100 Hz
        var feature = new float[frames];
        var state = 0.0;
        var random = new SplitMixForTests(5);
        for (var i = 0; i < frames; i++)
        {
            state = (0.995 * state) + (0.1 * random.NextGaussian());
            feature[i] = (float)state;
        }

        var gold = Enumerable.Range(0, 1500).Select(j => (double)feature[Math.Max(0, (j * 4) - 200)]).ToArray();
        var matrix = new Features.FeatureMatrix(feature, frames, 1, 100);

        var estimate = AnnotatorLag.Estimate([(matrix, gold)], 25, maxLagSeconds: 4, stepSeconds: 0.4);

        Assert.Equal(2.0, estimate.Seconds, 6);
        Assert.Equal(11, estimate.Curve.Count);
    }

    [Fact]
    public void ScalerMapsTheTrainingRangeToZeroOne()
    {
        var scaler = LabelScaler.Fit([[-0.5, 0.25], [0.5]]);

        Assert.Equal(0.0, scaler.Apply(-0.5));
        Assert.Equal(1.0, scaler.Apply(0.5));
        Assert.Equal(1.5, scaler.Apply(1.0), 12);
        Assert.Throws<ArgumentException>(() => LabelScaler.Fit([[]]));
    }
}

/// <summary>SplitMix64 with Box–Muller, for test signals.</summary>
internal sealed class SplitMixForTests(ulong seed)
{
    private ulong state = seed;

    public double NextDouble()
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    public double NextGaussian() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
}
