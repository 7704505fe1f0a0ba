using Affect.Audio;
using Affect.Sequence.Features;

namespace Affect.Sequence.Labels;

/// <summary>
/// Annotator reaction-lag correction (§3.2, after [22, 23]): a rater reports what was heard <c>lag</c> seconds earlier,
/// so the gold standard is shifted backwards, g'(t) = g(t + lag), the last value repeated at the end.
/// </summary>
public static class AnnotatorLag
{
    /// <summary>Shifts a trace at <paramref name="rate"/> Hz backwards by <paramref name="lagSeconds"/> (rounded to whole frames).</summary>
    /// <exception cref="ArgumentException">The lag is negative or not finite, or the rate is not positive.</exception>
    public static double[] Shift(ReadOnlySpan<double> trace, double lagSeconds, double rate)
    {
        if (!double.IsFinite(lagSeconds) || lagSeconds < 0)
        {
            throw new ArgumentException($"annotator lag {lagSeconds} s must be a finite number ≥ 0", nameof(lagSeconds));
        }

        if (!(rate > 0))
        {
            throw new ArgumentException($"label rate {rate} Hz must be positive", nameof(rate));
        }

        var frames = (int)Math.Round(lagSeconds * rate, MidpointRounding.AwayFromZero);
        var result = new double[trace.Length];
        for (var i = 0; i < trace.Length; i++)
        {
            result[i] = trace[Math.Min(i + frames, trace.Length - 1)];
        }

        return result;
    }

    /// <summary>
    /// Estimates a corpus's annotator lag as the candidate (0, step, 2·step, … ≤ <paramref name="maxLagSeconds"/>) that
    /// maximises the mean over features of the squared Pearson correlation between the feature (sampled at the label
    /// frames) and the shifted gold standard, all recordings pooled.
    /// </summary>
    /// <param name="recordings">Features and gold standard (at <paramref name="rate"/> Hz) of each recording.</param>
    /// <param name="rate">Label rate (25 Hz).</param>
    /// <param name="maxLagSeconds">Largest lag tried.</param>
    /// <param name="stepSeconds">Spacing of the candidates.</param>
    public static LagEstimate Estimate(IReadOnlyList<(FeatureMatrix Features, double[] Gold)> recordings, double rate, double maxLagSeconds = 6.0, double stepSeconds = 0.2)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        if (recordings.Count == 0 || !(stepSeconds > 0) || !(maxLagSeconds >= 0))
        {
            throw new ArgumentException("lag estimation needs recordings, a positive step and a non-negative maximum lag", nameof(recordings));
        }

        var width = recordings[0].Features.Features;
        var candidates = (int)Math.Floor((maxLagSeconds / stepSeconds) + 1e-9) + 1;
        var curve = new double[candidates];
        for (var c = 0; c < candidates; c++)
        {
            var lag = c * stepSeconds;
            var labels = new List<double>();
            var columns = Enumerable.Range(0, width).Select(_ => new List<double>()).ToArray();
            foreach (var (features, gold) in recordings)
            {
                var shifted = Shift(gold, lag, rate);
                var usable = Math.Min(shifted.Length, (int)Math.Floor(features.DurationSeconds * rate));
                for (var i = 0; i < usable; i++)
                {
                    labels.Add(shifted[i]);
                    var row = features.Frame(features.FrameAt(i / rate));
                    for (var j = 0; j < width; j++)
                    {
                        columns[j].Add(row[j]);
                    }
                }
            }

            var y = labels.ToArray();
            curve[c] = columns.Average(col => Math.Pow(Correlation.Pearson(col.ToArray(), y, undefined: 0), 2));
        }

        var best = 0;
        for (var c = 1; c < candidates; c++)
        {
            if (curve[c] > curve[best])
            {
                best = c;
            }
        }

        return new LagEstimate(best * stepSeconds, curve[best], curve);
    }
}

/// <summary>The estimated annotator lag and the score curve it was chosen from.</summary>
/// <param name="Seconds">The chosen lag.</param>
/// <param name="Score">Mean squared feature–label correlation at that lag.</param>
/// <param name="Curve">Score of every candidate lag (candidate c is c × step seconds).</param>
public sealed record LagEstimate(double Seconds, double Score, IReadOnlyList<double> Curve);
