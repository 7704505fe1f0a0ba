using Affect.Features.Functionals;
using Affect.Features.Lld;
using Affect.Features.Voicing;

namespace Affect.Features.EGeMaps;

/// <summary>
/// The extended Geneva Minimalistic Acoustic Parameter Set v02 (Eyben et al., IEEE TAC 2016) with openSMILE 3's
/// <c>config/egemaps/v02/eGeMAPSv02.conf</c> semantics: 25 smoothed low-level descriptors per 10 ms frame and the 88
/// functionals per recording (means and coefficients of variation, percentiles, slopes, voiced/unvoiced segment
/// statistics, loudness peak rate and equivalent sound level), with openSMILE's names and order.
/// </summary>
/// <remarks>Input: 16 kHz mono samples scaled as openSMILE reads them (see <see cref="LowLevelDescriptorOptions.OpenSmileGainFor"/>).
/// Stateless and thread-safe.</remarks>
public static class EGeMapsV02
{
    /// <summary>Number of LLD columns.</summary>
    public const int LldCount = 25;

    /// <summary>Number of functionals.</summary>
    public const int FunctionalCount = 88;

    /// <summary>Frame period of the LLDs in seconds.</summary>
    public const double FramePeriod = 0.01;

    private const int S = EGeMapsContours.ShortWidth;
    private const int L = EGeMapsContours.LongWidth;
    private const float VoicedThreshold = 0.000001f;

    // The 14 LLDs of the voiced (Nz) set, in functional order (declared before FunctionalNames, which reads them).
    private static readonly string[] VoicedLldNames =
    [
        "jitterLocal", "shimmerLocaldB", "HNRdBACF", "logRelF0-H1-H2", "logRelF0-H1-A3", "F1frequency", "F1bandwidth",
        "F1amplitudeLogRelF0", "F2frequency", "F2bandwidth", "F2amplitudeLogRelF0", "F3frequency", "F3bandwidth", "F3amplitudeLogRelF0",
    ];

    /// <summary>The 25 LLD names in openSMILE's order (<c>-lldcsvoutput</c> columns after name and frameTime).</summary>
    public static IReadOnlyList<string> LldNames { get; } =
    [
        "Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3", "slope500-1500_sma3", "spectralFlux_sma3",
        "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3", "mfcc4_sma3", "F0semitoneFrom27.5Hz_sma3nz", "jitterLocal_sma3nz",
        "shimmerLocaldB_sma3nz", "HNRdBACF_sma3nz", "logRelF0-H1-H2_sma3nz", "logRelF0-H1-A3_sma3nz", "F1frequency_sma3nz",
        "F1bandwidth_sma3nz", "F1amplitudeLogRelF0_sma3nz", "F2frequency_sma3nz", "F2bandwidth_sma3nz",
        "F2amplitudeLogRelF0_sma3nz", "F3frequency_sma3nz", "F3bandwidth_sma3nz", "F3amplitudeLogRelF0_sma3nz",
    ];

    /// <summary>The 88 functional names in openSMILE's order (<c>-csvoutput</c> columns after name and frameTime).</summary>
    public static IReadOnlyList<string> FunctionalNames { get; } = BuildFunctionalNames();

    /// <summary>LLD rows for <paramref name="sampleCount"/> samples: the complete 60 ms frames plus openSMILE's flushed row, or 0.</summary>
    public static int RowCount(long sampleCount) => sampleCount < 960 ? 0 : (int)(((sampleCount - 960) / 160) + 2);

    /// <summary>Extracts LLDs and functionals of one recording.</summary>
    /// <param name="samples">16 kHz mono samples (openSMILE scaling).</param>
    /// <returns>The LLD matrix (<see cref="RowCount"/> rows × 25) and the 88 functionals.</returns>
    public static (LldMatrix Lld, float[] Functionals) Extract(ReadOnlySpan<float> samples)
    {
        EGeMapsContours c = EGeMapsContours.Compute(samples);
        return (BuildLld(c), BuildFunctionals(c));
    }

    /// <summary>Extracts only the 25 LLDs.</summary>
    public static LldMatrix ExtractLld(ReadOnlySpan<float> samples) => BuildLld(EGeMapsContours.Compute(samples));

    /// <summary>Extracts only the 88 functionals.</summary>
    public static float[] ExtractFunctionals(ReadOnlySpan<float> samples) => BuildFunctionals(EGeMapsContours.Compute(samples));

    private static LldMatrix BuildLld(EGeMapsContours c)
    {
        int f = c.LongFrames;
        int rows = f == 0 ? 0 : f + 1;
        var values = new float[rows * LldCount];
        var times = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            times[r] = r / 100.0; // = r·10 ms, the nearest double to openSMILE's printed %f time
        }

        // Set E (20 ms level, plain 3-frame mean): columns 0..9 of the short level.
        for (int col = 0; col < 10; col++)
        {
            float[] raw = ShortColumn(c, col, c.ShortFrames);
            float[] sm = Smooth(raw, raw.Length, rows, noZero: false);
            for (int r = 0; r < rows; r++)
            {
                values[(r * LldCount) + col] = sm[r];
            }
        }

        // Set F (60 ms level joined with the formants, noZeroSma).
        float[][] setF = SetF(c, gateFormants: false);
        for (int k = 0; k < setF.Length; k++)
        {
            float[] sm = Smooth(setF[k], f, rows, noZero: true);
            int j = c.DecidedFrames;
            if (j > 0 && j < f)
            {
                // openSMILE's first end-of-input pass smooths rows J − 1 and J as if the joined level ended at frame J − 1
                // (J = frames the pitch smoother had decided); the rows after J see the completed level.
                float edge = setF[k][j - 1];
                float prev = j >= 2 ? setF[k][j - 2] : edge;
                sm[j - 1] = VoicingDescriptors.NoZeroSmooth(prev, edge, edge);
                sm[j] = VoicingDescriptors.NoZeroSmooth(edge, edge, edge);
            }

            for (int r = 0; r < rows; r++)
            {
                values[(r * LldCount) + 10 + k] = sm[r];
            }
        }

        return new LldMatrix(values, rows, LldNames, times);
    }

    // F0 semitone, then the 14 voiced-set LLDs, each over the 60 ms frames.
    private static float[][] SetF(EGeMapsContours c, bool gateFormants)
    {
        int f = c.LongFrames;
        var cols = new float[15][];
        cols[0] = LongColumn(c, 1);
        cols[1] = LongColumn(c, 2);
        cols[2] = LongColumn(c, 3);
        cols[3] = LongColumn(c, 4);
        cols[4] = LongColumn(c, 5);
        cols[5] = LongColumn(c, 6);
        for (int formant = 0; formant < 3; formant++)
        {
            float[] hz = ShortColumn(c, 10 + formant, f);
            float[] bw = ShortColumn(c, 10 + LpcFormants.Count + formant, f);
            if (gateFormants)
            {
                for (int k = 0; k < f; k++)
                {
                    if (!(cols[0][k] > VoicedThreshold))
                    {
                        hz[k] = 0f;
                        bw[k] = 0f;
                    }
                }
            }

            cols[6 + (3 * formant)] = hz;
            cols[7 + (3 * formant)] = bw;
            cols[8 + (3 * formant)] = LongColumn(c, 7 + formant);
        }

        return cols;
    }

    private static float[] BuildFunctionals(EGeMapsContours c)
    {
        var o = new float[FunctionalCount];
        int f = c.LongFrames;
        if (f == 0)
        {
            return o;
        }

        int rows = c.DecidedFrames;
        int shortRows = c.ShortFrames;
        int n = 0;

        float[][] setF = SetF(c, gateFormants: true);
        float[] f0 = Smooth(setF[0], f, rows, noZero: true);
        n += PitchLoudnessSet(NonZero(f0), o.AsSpan(n));

        float[] loudness = Smooth(ShortColumn(c, 0, c.ShortFrames), c.ShortFrames, shortRows, noZero: false);
        n += PitchLoudnessSet(loudness, o.AsSpan(n));

        for (int col = 5; col < 10; col++)
        {
            float[] sm = Smooth(ShortColumn(c, col, c.ShortFrames), c.ShortFrames, shortRows, noZero: false);
            n += MeanStddevNorm(sm, o.AsSpan(n));
        }

        for (int k = 1; k < setF.Length; k++)
        {
            n += MeanStddevNorm(NonZero(Smooth(setF[k], rows, rows, noZero: true)), o.AsSpan(n));
        }

        float[] rawF0 = setF[0];
        int[] voicedCols = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        foreach (int col in voicedCols)
        {
            float[] gated = Gate(ShortColumn(c, col, f), rawF0, voiced: true);
            n += MeanStddevNorm(NonZero(Smooth(gated, f, rows, noZero: true)), o.AsSpan(n));
        }

        for (int col = 1; col <= 5; col++)
        {
            float[] gated = Gate(ShortColumn(c, col, f), rawF0, voiced: false);
            float[] nz = NonZero(Smooth(gated, f, rows, noZero: true));
            o[n++] = nz.Length > 0 ? FunctionalMeans.Mean(nz) : 0f;
        }

        // Temporal set: loudness peaks per second, voiced (F0 ≠ 0) and unvoiced (F0 = 0) segments.
        if (loudness.Length > 0)
        {
            Span<float> peaks = stackalloc float[12];
            (float min, float max) = MinMax(loudness);
            FunctionalPeaks.Compute(loudness, min, max, FunctionalMeans.Mean(loudness), (float)FramePeriod, peaks, out int peakCount);
            o[n] = peakCount / (loudness.Length * (float)FramePeriod);
        }

        n++;
        Segments(f0, voiced: true, out float count, out float meanLen, out float sdLen);
        o[n++] = count;
        o[n++] = meanLen;
        o[n++] = sdLen;
        Segments(f0, voiced: false, out _, out meanLen, out sdLen);
        o[n++] = meanLen;
        o[n++] = sdLen;

        // Equivalent sound level: 10·log10 of the mean frame power (unwindowed 20 ms frames).
        double sum = 0.0;
        for (int j = 0; j < c.ShortFrames; j++)
        {
            sum += c.Short[(j * S) + S - 1];
        }

        float leq = c.ShortFrames > 0 ? (float)(sum / c.ShortFrames) : 0f;
        float factor = (float)(10.0 / Math.Log(10.0));
        o[n++] = factor * (float)Math.Log(leq > 1e-12f ? leq : 1e-12f);
        return o;
    }

    // amean, stddevNorm, percentiles 20/50/80, range 20–80, mean/stddev of rising and falling slopes.
    private static int PitchLoudnessSet(float[] x, Span<float> o)
    {
        if (x.Length == 0)
        {
            o[..10].Clear();
            return 10;
        }

        float mean = FunctionalMeans.Mean(x);
        o[0] = mean;
        o[1] = StddevNorm(x, mean);
        float[] sorted = (float[])x.Clone();
        Array.Sort(sorted);
        o[2] = FunctionalPercentiles.Interpolated(0.2, sorted);
        o[3] = FunctionalPercentiles.Interpolated(0.5, sorted);
        o[4] = FunctionalPercentiles.Interpolated(0.8, sorted);
        o[5] = o[4] - o[2];
        Span<float> peaks = stackalloc float[12];
        FunctionalPeaks.Compute(x, sorted[0], sorted[^1], mean, (float)FramePeriod, peaks);
        peaks.Slice(8, 4).CopyTo(o[6..]);
        return 10;
    }

    private static int MeanStddevNorm(float[] x, Span<float> o)
    {
        if (x.Length == 0)
        {
            o[0] = 0f;
            o[1] = 0f;
            return 2;
        }

        float mean = FunctionalMeans.Mean(x);
        o[0] = mean;
        o[1] = StddevNorm(x, mean);
        return 2;
    }

    // cFunctionalMoments stddevNorm = 2: √(m2/N) / mean (mean 0 → divide by 1), 0 when m2 = 0.
    private static float StddevNorm(float[] x, float mean)
    {
        double m2 = 0.0;
        foreach (float v in x)
        {
            double d = v - (double)mean;
            m2 += d * d;
        }

        if (!(m2 > 0.0))
        {
            return 0f;
        }

        double sd = Math.Sqrt(m2 / x.Length);
        double m = mean == 0f ? 1.0 : mean;
        return (float)(sd / m);
    }

    // cFunctionalSegments nonX / eqX with X = 0 (segMinLng 3, pauseMinLng 2), norm = seconds.
    private static void Segments(float[] x, bool voiced, out float count, out float meanLen, out float sdLen)
    {
        const int maxNumSeg = 1000;
        var lengths = FunctionalSegments.Lengths(x, nonZero: voiced, maxNumSeg);
        float total = 0f;
        foreach (long l in lengths)
        {
            total += l;
        }

        float mean = lengths.Count > 1 ? total / lengths.Count : total;
        float dev = 0f;
        foreach (long l in lengths)
        {
            dev += (l - mean) * (l - mean);
        }

        dev = lengths.Count > 1 ? MathF.Sqrt(dev / lengths.Count) : 0f;
        float t = (float)FramePeriod;
        count = lengths.Count / (t * x.Length);
        meanLen = mean * t;
        sdLen = dev * t;
    }

    private static (float Min, float Max) MinMax(float[] x)
    {
        float min = x[0], max = x[0];
        foreach (float v in x)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (min, max);
    }

    private static float[] NonZero(float[] x) => Array.FindAll(x, v => v != 0f);

    // cValbasedSelector on the raw F0 semitone (threshold 1e-6, zeroVec): voiced frames pass when F0 > 1e-6, unvoiced when F0 < 1e-6.
    private static float[] Gate(float[] values, float[] f0, bool voiced)
    {
        var g = new float[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            bool pass = voiced ? f0[k] > VoicedThreshold : f0[k] < VoicedThreshold;
            g[k] = pass ? values[k] : 0f;
        }

        return g;
    }

    private static float[] ShortColumn(EGeMapsContours c, int col, int frames)
    {
        var v = new float[frames];
        for (int j = 0; j < frames && j < c.ShortFrames; j++)
        {
            v[j] = c.Short[(j * S) + col];
        }

        return v;
    }

    private static float[] LongColumn(EGeMapsContours c, int col)
    {
        var v = new float[c.LongFrames];
        for (int k = 0; k < v.Length; k++)
        {
            v[k] = c.Long[(k * L) + col];
        }

        return v;
    }

    // cContourSmoother (smaWin 3): rows past the level's last frame repeat it (openSMILE pads reads past the end).
    private static float[] Smooth(float[] raw, int frames, int rows, bool noZero)
    {
        var o = new float[rows];
        if (frames == 0)
        {
            return o;
        }

        for (int r = 0; r < rows; r++)
        {
            float cur = raw[Math.Min(r, frames - 1)];
            float prev = r >= frames ? cur : raw[Math.Max(r - 1, 0)];
            float next = r + 1 < frames ? raw[r + 1] : cur;
            o[r] = noZero ? VoicingDescriptors.NoZeroSmooth(prev, cur, next) : ContourSmoother.Mean3(prev, cur, next);
        }

        return o;
    }

    private static string[] BuildFunctionalNames()
    {
        var names = new List<string>();
        string[] set = ["amean", "stddevNorm", "percentile20.0", "percentile50.0", "percentile80.0", "pctlrange0-2", "meanRisingSlope", "stddevRisingSlope", "meanFallingSlope", "stddevFallingSlope"];
        foreach (string s in set)
        {
            names.Add("F0semitoneFrom27.5Hz_sma3nz_" + s);
        }

        foreach (string s in set)
        {
            names.Add("loudness_sma3_" + s);
        }

        foreach (string l in new[] { "spectralFlux", "mfcc1", "mfcc2", "mfcc3", "mfcc4" })
        {
            names.Add(l + "_sma3_amean");
            names.Add(l + "_sma3_stddevNorm");
        }

        foreach (string l in VoicedLldNames)
        {
            names.Add(l + "_sma3nz_amean");
            names.Add(l + "_sma3nz_stddevNorm");
        }

        foreach (string l in new[] { "alphaRatioV", "hammarbergIndexV", "slopeV0-500", "slopeV500-1500", "spectralFluxV", "mfcc1V", "mfcc2V", "mfcc3V", "mfcc4V" })
        {
            names.Add(l + "_sma3nz_amean");
            names.Add(l + "_sma3nz_stddevNorm");
        }

        foreach (string l in new[] { "alphaRatioUV", "hammarbergIndexUV", "slopeUV0-500", "slopeUV500-1500", "spectralFluxUV" })
        {
            names.Add(l + "_sma3nz_amean");
        }

        names.AddRange(["loudnessPeaksPerSec", "VoicedSegmentsPerSec", "MeanVoicedSegmentLengthSec", "StddevVoicedSegmentLengthSec",
            "MeanUnvoicedSegmentLength", "StddevUnvoicedSegmentLength", "equivalentSoundLevel_dBp"]);
        return [.. names];
    }
}
