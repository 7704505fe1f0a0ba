using System.Buffers;

namespace Affect.Audio;

/// <summary>
/// Level and activity statistics of a recording, used to flag silent, clipped or DC-shifted corpus files.
/// All levels are relative to digital full scale (a full-scale square wave is 0 dBFS, a full-scale sine −3.01 dBFS).
/// </summary>
/// <param name="DurationSeconds">Samples / sample rate.</param>
/// <param name="RmsDbfs">10·log10(mean x²), floored at <see cref="FloorDbfs"/>.</param>
/// <param name="PeakAbs">max |x|.</param>
/// <param name="ClippedFraction">Share of samples with |x| ≥ <see cref="ClipThreshold"/>.</param>
/// <param name="ActiveFraction">Share of 25 ms frames (10 ms hop) whose energy is within <see cref="ActiveRangeDb"/> dB of the loudest frame and above <see cref="ActiveFloorDbfs"/>.</param>
/// <param name="DcOffset">Mean sample value.</param>
public sealed record AudioSummary(double DurationSeconds, double RmsDbfs, double PeakAbs, double ClippedFraction, double ActiveFraction, double DcOffset)
{
    /// <summary>Level reported for digital silence instead of −∞.</summary>
    public const double FloorDbfs = -120.0;

    /// <summary>|x| at or above which a sample counts as clipped.</summary>
    public const double ClipThreshold = 0.999;

    /// <summary>Frames this far below the loudest frame (in dB) or closer count as active.</summary>
    public const double ActiveRangeDb = 40.0;

    /// <summary>Frames must also be louder than this absolute level (dBFS) to count as active.</summary>
    public const double ActiveFloorDbfs = -60.0;

    /// <summary>Frame length in seconds for the activity measure.</summary>
    public const double FrameSeconds = 0.025;

    /// <summary>Frame hop in seconds for the activity measure.</summary>
    public const double HopSeconds = 0.010;

    /// <summary>Computes the summary of mono <paramref name="samples"/>; every field is finite (empty input gives zeros and <see cref="FloorDbfs"/>).</summary>
    /// <param name="samples">Mono samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <exception cref="ArgumentException">A sample is NaN or infinite.</exception>
    public static AudioSummary Compute(ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        int n = samples.Length;
        if (n == 0)
        {
            return new AudioSummary(0, FloorDbfs, 0, 0, 0, 0);
        }

        double sum = 0, sumSq = 0, peak = 0;
        long clipped = 0;
        foreach (float s in samples)
        {
            double v = s;
            sum += v;
            sumSq += v * v;
            double a = Math.Abs(v);
            if (a > peak)
            {
                peak = a;
            }

            if (a >= ClipThreshold)
            {
                clipped++;
            }
        }

        if (!double.IsFinite(sumSq) || !double.IsFinite(sum))
        {
            throw new ArgumentException("Samples contain NaN or infinite values.", nameof(samples));
        }

        return new AudioSummary(
            (double)n / sampleRate,
            ToDb(sumSq / n),
            peak,
            (double)clipped / n,
            ActiveShare(samples, sampleRate),
            sum / n);
    }

    private static double ToDb(double meanSquare) =>
        meanSquare > 0 ? Math.Max(FloorDbfs, 10.0 * Math.Log10(meanSquare)) : FloorDbfs;

    private static double ActiveShare(ReadOnlySpan<float> samples, int sampleRate)
    {
        int frameLength = Math.Max(1, (int)Math.Round(FrameSeconds * sampleRate));
        int hop = Math.Max(1, (int)Math.Round(HopSeconds * sampleRate));
        int frames = samples.Length <= frameLength ? 1 : 1 + ((samples.Length - frameLength) / hop);
        double[] energies = ArrayPool<double>.Shared.Rent(frames);
        try
        {
            double loudest = FloorDbfs;
            for (int f = 0; f < frames; f++)
            {
                ReadOnlySpan<float> frame = samples.Slice(f * hop, Math.Min(frameLength, samples.Length - (f * hop)));
                double e = 0;
                foreach (float s in frame)
                {
                    e += (double)s * s;
                }

                double db = ToDb(e / frame.Length);
                energies[f] = db;
                loudest = Math.Max(loudest, db);
            }

            int active = 0;
            for (int f = 0; f < frames; f++)
            {
                if (energies[f] >= loudest - ActiveRangeDb && energies[f] > ActiveFloorDbfs)
                {
                    active++;
                }
            }

            return (double)active / frames;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(energies);
        }
    }
}
