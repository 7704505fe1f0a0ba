using Affect.Audio;

namespace Affect.Sequence.Features;

/// <summary>
/// A small prosodic front-end (5 descriptors + their deltas at 100 Hz) that stands in for the ComParE 2016 LLDs where
/// those are not available: per 25 ms frame every 10 ms, (1) log RMS energy, (2) zero-crossing rate, (3) spectral tilt
/// proxy log(E[Δx²] / E[x²]), (4) voicing strength = the largest normalised autocorrelation for lags of 2–20 ms
/// (50–500 Hz) over 40 ms of a 4:1 decimated copy, (5) log F0 proxy = log of the frequency of that lag (0 when unvoiced, strength &lt; 0.3); deltas by the
/// regression d_t = Σ_{n=1..2} n (c_{t+n} − c_{t−n}) / (2 Σ n²), edges repeated (the openSMILE delta rule).
/// </summary>
public sealed class BasicFrameFeatures : IFrameFeatureExtractor
{
    /// <summary>Descriptors before deltas.</summary>
    public const int Descriptors = 5;

    /// <summary>Frames per second.</summary>
    public const double FrameRate = 100.0;

    /// <inheritdoc />
    public string Name => "basic-prosody-10";

    /// <inheritdoc />
    public int FeatureCount => 2 * Descriptors;

    /// <inheritdoc />
    public FeatureMatrix Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var rate = clip.SampleRate;
        var hop = (int)Math.Round(rate / FrameRate);
        var size = (int)Math.Round(rate * 0.025);
        var samples = clip.Samples;
        var frames = samples.Length < size ? (samples.Length > 0 ? 1 : 0) : ((samples.Length - size) / hop) + 1;
        var raw = new double[frames * Descriptors];
        // Pitch search on a 4:1 decimated copy (mean of 4 samples: a crude low-pass; 4 kHz at 16 kHz input).
        const int Decimation = 4;
        var low = new float[samples.Length / Decimation];
        for (var i = 0; i < low.Length; i++)
        {
            low[i] = (samples[i * Decimation] + samples[(i * Decimation) + 1] + samples[(i * Decimation) + 2] + samples[(i * Decimation) + 3]) / 4;
        }

        var lowRate = (double)rate / Decimation;
        var minLag = Math.Max(1, (int)(lowRate / 500));
        var maxLag = (int)(lowRate / 50);
        for (var f = 0; f < frames; f++)
        {
            var start = f * hop;
            var n = Math.Min(size, samples.Length - start);
            var frame = samples.AsSpan(start, n);
            double energy = 0, diffEnergy = 0, mean = 0;
            var crossings = 0;
            for (var i = 0; i < n; i++)
            {
                mean += frame[i];
            }

            mean /= n;
            for (var i = 0; i < n; i++)
            {
                var x = frame[i] - mean;
                energy += x * x;
                if (i > 0)
                {
                    var d = frame[i] - frame[i - 1];
                    diffEnergy += d * d;
                    crossings += (frame[i] - mean >= 0) != (frame[i - 1] - mean >= 0) ? 1 : 0;
                }
            }

            // Autocorrelation over a 40 ms span (two pitch periods at 50 Hz).
            var lowStart = Math.Min(start / Decimation, low.Length);
            var span = low.AsSpan(lowStart, Math.Min(low.Length - lowStart, 2 * maxLag));
            double best = 0;
            var bestLag = 0;
            for (var lag = minLag; lag < span.Length / 2 && lag <= maxLag; lag++)
            {
                double xy = 0, xx = 0, yy = 0;
                for (var i = 0; i + lag < span.Length; i++)
                {
                    xy += span[i] * span[i + lag];
                    xx += span[i] * span[i];
                    yy += span[i + lag] * span[i + lag];
                }

                var r = xx > 0 && yy > 0 ? xy / Math.Sqrt(xx * yy) : 0;
                if (r > best)
                {
                    best = r;
                    bestLag = lag;
                }
            }

            var row = raw.AsSpan(f * Descriptors, Descriptors);
            row[0] = Math.Log((energy / n) + 1e-10);
            row[1] = (double)crossings / n;
            row[2] = Math.Log((diffEnergy + 1e-10) / (energy + 1e-10));
            row[3] = best;
            row[4] = best >= 0.3 && bestLag > 0 ? Math.Log(lowRate / bestLag) : 0.0;
        }

        var values = new float[frames * FeatureCount];
        for (var f = 0; f < frames; f++)
        {
            for (var j = 0; j < Descriptors; j++)
            {
                double delta = 0;
                for (var k = 1; k <= 2; k++)
                {
                    delta += k * (raw[(Math.Min(f + k, frames - 1) * Descriptors) + j] - raw[(Math.Max(f - k, 0) * Descriptors) + j]);
                }

                values[(f * FeatureCount) + j] = (float)raw[(f * Descriptors) + j];
                values[(f * FeatureCount) + Descriptors + j] = (float)(delta / 10.0);
            }
        }

        return new FeatureMatrix(values, frames, FeatureCount, FrameRate);
    }
}
