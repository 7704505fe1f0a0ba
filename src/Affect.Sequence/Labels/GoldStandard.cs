using Affect.Audio;

namespace Affect.Sequence.Labels;

/// <summary>
/// Builds the gold standard of a continuous annotation (§3.2 of the paper): every rater's trace is brought to the common
/// 25 Hz grid, and the gold standard is their mean, g(t) = (1/R) Σ_r a_r(t).
/// </summary>
public static class GoldStandard
{
    /// <summary>The common label rate of the paper: every corpus is reduced to 25 Hz (one label per 40 ms).</summary>
    public const double Rate = 25.0;

    /// <summary>
    /// Resamples a trace sampled at <paramref name="fromRate"/> Hz (sample i at time i / fromRate) onto the grid
    /// j / <paramref name="toRate"/> for every j with j / toRate ≤ (n − 1) / fromRate. Downsampling averages the
    /// piecewise-linear trace over ±half a target frame (a box filter against aliasing); upsampling interpolates linearly.
    /// </summary>
    /// <exception cref="ArgumentException">A rate is not positive or the trace is empty.</exception>
    public static double[] Resample(ReadOnlySpan<double> trace, double fromRate, double toRate = Rate)
    {
        if (!(fromRate > 0) || !(toRate > 0))
        {
            throw new ArgumentException($"rates must be positive (from {fromRate} Hz to {toRate} Hz)", nameof(fromRate));
        }

        if (trace.Length == 0)
        {
            throw new ArgumentException("the trace is empty", nameof(trace));
        }

        var duration = (trace.Length - 1) / fromRate;
        var count = (int)Math.Floor((duration * toRate) + 1e-9) + 1;
        var result = new double[count];
        // Downsampling averages the linear interpolant over the target frame [t − 1/(2·toRate), t + 1/(2·toRate)]
        // (midpoint rule, symmetric, so a linear trace stays exact); upsampling interpolates linearly.
        var points = fromRate > toRate ? (int)Math.Ceiling(2 * fromRate / toRate) : 1;
        var width = fromRate > toRate ? 1.0 / toRate : 0.0;
        for (var j = 0; j < count; j++)
        {
            double sum = 0;
            for (var m = 0; m < points; m++)
            {
                var t = (j / toRate) + (((m + 0.5) / points) - 0.5) * width;
                var position = Math.Clamp(t * fromRate, 0.0, trace.Length - 1);
                var left = Math.Min((int)Math.Floor(position), trace.Length - 1);
                var right = Math.Min(left + 1, trace.Length - 1);
                sum += trace[left] + ((trace[right] - trace[left]) * (position - left));
            }

            result[j] = sum / points;
        }

        return result;
    }

    /// <summary>
    /// Resamples every rater to <paramref name="toRate"/>, truncates to the shortest, and averages them frame by frame;
    /// also reports inter-rater agreement as the mean pairwise Pearson correlation.
    /// </summary>
    /// <param name="raters">One trace per rater, all at <paramref name="fromRate"/> Hz.</param>
    /// <param name="fromRate">Rate of the traces in Hz (25, 50 or 60 in the paper's corpora).</param>
    /// <param name="toRate">Target rate (25 Hz).</param>
    /// <exception cref="ArgumentException">There is no rater or a trace is empty.</exception>
    public static GoldStandardTrace Combine(IReadOnlyList<double[]> raters, double fromRate, double toRate = Rate)
    {
        ArgumentNullException.ThrowIfNull(raters);
        if (raters.Count == 0)
        {
            throw new ArgumentException("at least one rater trace is needed", nameof(raters));
        }

        var resampled = raters.Select(r => Resample(r, fromRate, toRate)).ToArray();
        var length = resampled.Min(r => r.Length);
        var mean = new double[length];
        foreach (var rater in resampled)
        {
            for (var i = 0; i < length; i++)
            {
                mean[i] += rater[i] / resampled.Length;
            }
        }

        var pairs = 0;
        double sum = 0;
        for (var a = 0; a < resampled.Length; a++)
        {
            for (var b = a + 1; b < resampled.Length; b++)
            {
                sum += Correlation.Pearson(resampled[a].AsSpan(0, length), resampled[b].AsSpan(0, length), undefined: 0);
                pairs++;
            }
        }

        return new GoldStandardTrace(mean, toRate, pairs == 0 ? double.NaN : sum / pairs, raters.Count);
    }
}

/// <summary>A gold-standard trace and how well its raters agreed.</summary>
/// <param name="Values">Mean of the raters, one value per frame at <paramref name="Rate"/> Hz (frame i at time i / rate).</param>
/// <param name="Rate">Frames per second (25).</param>
/// <param name="RaterAgreement">Mean pairwise Pearson correlation of the raters (NaN for a single rater).</param>
/// <param name="Raters">Number of raters averaged.</param>
public sealed record GoldStandardTrace(double[] Values, double Rate, double RaterAgreement, int Raters);
