using Affect.Sequence.Features;
using Affect.Sequence.Windows;

namespace Affect.Training.Tests;

/// <summary>Seeded AR(1) feature sequences with a label driven by two of the features, for training and parity tests.</summary>
internal static class SyntheticSequences
{
    /// <summary>Number of features per frame.</summary>
    public const int Features = 6;

    /// <summary><paramref name="count"/> recordings of <paramref name="seconds"/> s: AR(1) features at 100 Hz, a label at 25 Hz.</summary>
    public static SequenceRecording[] Recordings(ulong seed, int count = 2, double seconds = 60, int features = Features)
    {
        var random = new SplitMix64(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - ((random.Next() >> 11) * (1.0 / (1UL << 53))))) * Math.Cos(2 * Math.PI * ((random.Next() >> 11) * (1.0 / (1UL << 53))));
        return Enumerable.Range(0, count).Select(r =>
        {
            var frames = (int)(seconds * 100);
            var values = new float[frames * features];
            var state = new double[features];
            for (var f = 0; f < frames; f++)
            {
                for (var j = 0; j < features; j++)
                {
                    state[j] = (0.99 * state[j]) + (0.14 * Gaussian());
                    values[(f * features) + j] = (float)state[j];
                }
            }

            var labels = Enumerable.Range(0, (int)(seconds * 25)).Select(i => Math.Tanh(values[i * 4 * features] - (0.5 * values[(i * 4 * features) + 1]))).ToArray();
            return new SequenceRecording($"r{r}", $"s{r}", new FeatureMatrix(values, frames, features, 100), labels);
        }).ToArray();
    }
}
