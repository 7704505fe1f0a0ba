using Affect.Audio.Dsp;
using Affect.Features.Lld;
using Affect.Features.Voicing;

namespace Affect.Features.EGeMaps;

/// <summary>
/// The unsmoothed per-frame contours of eGeMAPS v02 (openSMILE 3 <c>GeMAPSv01b_core.lld.conf.inc</c> +
/// <c>eGeMAPSv02_core.lld.conf.inc</c>) for a 16 kHz signal: the 20 ms Hamming level (loudness, alpha ratio, Hammarberg
/// index, spectral slopes, flux, MFCC 1–4, formants, mean-square energy) and the 60 ms Gaussian level (F0 semitone,
/// jitter, shimmer, HNR, harmonic differences and formant amplitudes), both on the 10 ms grid with left-aligned frames.
/// </summary>
internal sealed class EGeMapsContours
{
    /// <summary>Columns of <see cref="Short"/>: Loudness, alphaRatio, hammarbergIndex, slope0-500, slope500-1500, spectralFlux, mfcc1..4, F1..F5 Hz, B1..B5 Hz, energy².</summary>
    public const int ShortWidth = 10 + (2 * LpcFormants.Count) + 1;

    /// <summary>Columns of <see cref="Long"/>: F0final (Hz), F0 semitone, jitterLocal, shimmerLocaldB, HNRdBACF, H1−H2, H1−A3, A1, A2, A3.</summary>
    public const int LongWidth = 10;

    private const int Step = 160;
    private const int ShortFrame = 320;
    private const int LongFrame = 960;
    private const float EnergyThreshold = 0.001f;

    private static readonly ShortFrameAnalyzer.Tables Tables = new();

    private EGeMapsContours(float[] shortValues, int shortFrames, float[] longValues, int longFrames)
    {
        Short = shortValues;
        ShortFrames = shortFrames;
        Long = longValues;
        LongFrames = longFrames;
    }

    /// <summary>20 ms level, row-major <see cref="ShortFrames"/> × <see cref="ShortWidth"/>.</summary>
    public float[] Short { get; }

    /// <summary>Number of complete 20 ms frames.</summary>
    public int ShortFrames { get; }

    /// <summary>60 ms level, row-major <see cref="LongFrames"/> × <see cref="LongWidth"/>.</summary>
    public float[] Long { get; }

    /// <summary>Number of complete 60 ms frames.</summary>
    public int LongFrames { get; }

    /// <summary>
    /// 60 ms frames the Viterbi pitch smoother had decided when the input ended (before its flush): openSMILE's
    /// functionals of the pitch-gated levels see exactly this many frames.
    /// </summary>
    public int DecidedFrames { get; private init; }

    /// <summary>Computes the contours of a signal already scaled as openSMILE reads it.</summary>
    public static EGeMapsContours Compute(ReadOnlySpan<float> x)
    {
        int shortFrames = x.Length < ShortFrame ? 0 : ((x.Length - ShortFrame) / Step) + 1;
        int longFrames = x.Length < LongFrame ? 0 : ((x.Length - LongFrame) / Step) + 1;
        var s = new float[shortFrames * ShortWidth];
        ComputeShort(x, shortFrames, s);
        var l = new float[longFrames * LongWidth];
        int decided = ComputeLong(x, longFrames, s, shortFrames, l);
        return new EGeMapsContours(s, shortFrames, l, longFrames) { DecidedFrames = decided };
    }

    private static void ComputeShort(ReadOnlySpan<float> x, int frames, float[] output)
    {
        ShortFrameAnalyzer.Tables t = Tables;
        int n = t.Fft.Size;
        int bins = t.Fft.BinCount;
        int pad = (n - ShortFrame) / 2;
        var input = new float[n];
        var packed = new float[n];
        var magnitude = new float[bins];
        var power = new float[bins];
        var mel = new float[26];
        var aud = new float[26];
        var scratch = new float[26];
        var mfcc = new Cepstrum(26, 1, 4, 22.0);
        var logSpectral = new LogSpectralDescriptors(bins, 16000.0 / n);
        var formants = new LpcFormants(n, ShortFrame, 16000.0);
        Span<float> spectral = stackalloc float[LogSpectralDescriptors.Count];
        for (int j = 0; j < frames; j++)
        {
            ReadOnlySpan<float> frame = x.Slice(j * Step, ShortFrame);
            Span<float> o = output.AsSpan(j * ShortWidth, ShortWidth);
            double e2 = 0.0;
            for (int i = 0; i < ShortFrame; i++)
            {
                e2 += frame[i] * frame[i];
                input[pad + i] = frame[i] * (float)t.Hamming[i];
            }

            o[ShortWidth - 1] = (float)(e2 / ShortFrame);
            t.Fft.Forward(input);
            input.AsSpan().CopyTo(packed);
            SpectrumMagnitude.Compute(input, magnitude, power);
            t.MelBank.Apply(power, mel);
            t.Auditory.Plain(mel, aud);
            float sum = 0f;
            foreach (float b in aud)
            {
                sum += b;
            }

            o[0] = sum / aud.Length;
            logSpectral.Compute(magnitude, spectral);
            spectral.CopyTo(o[1..]);
            mfcc.Compute(mel, scratch, o.Slice(6, 4));
            formants.Compute(packed, o.Slice(10, LpcFormants.Count), o.Slice(10 + LpcFormants.Count, LpcFormants.Count));
            input.AsSpan().Clear();
        }
    }

    private static int ComputeLong(ReadOnlySpan<float> x, int frames, float[] shortValues, int shortFrames, float[] output)
    {
        const int c = ShsPitchAnalyzer.CandidateCount;
        const int bins = ShsPitchAnalyzer.BinCount;
        var shs = new ShsPitchAnalyzer(55.0, 1000.0);
        var f0 = new float[Math.Max(1, frames * c)];
        var voicing = new float[Math.Max(1, frames * c)];
        var energy = new float[Math.Max(1, frames)];
        var magnitudes = new float[Math.Max(1, frames) * bins];
        Span<float> score = stackalloc float[c];
        for (int k = 0; k < frames; k++)
        {
            energy[k] = (float)shs.Analyze(x.Slice(k * Step, LongFrame), f0.AsSpan(k * c, c), voicing.AsSpan(k * c, c), score);
            shs.Magnitude.CopyTo(magnitudes.AsSpan(k * bins, bins));
        }

        var f0Final = new float[Math.Max(1, frames)];
        var vFinal = new float[Math.Max(1, frames)];
        int decided = ViterbiPitchSmoother.Run(f0, voicing, frames, f0Final, vFinal, bufferLength: 40);
        var perturbation = new PeriodPerturbationAnalyzer(LongFrame, searchRangeRel: 0.1);
        var harmonics = new HarmonicAnalysis(bins, 16000.0 / ShsPitchAnalyzer.FftSize);
        Span<float> pert = stackalloc float[4];
        Span<float> h = stackalloc float[HarmonicAnalysis.Count];
        Span<float> noFormants = stackalloc float[LpcFormants.Count];
        noFormants.Clear();
        for (int k = 0; k < frames; k++)
        {
            float f = f0Final[k];
            if (!(energy[k] >= EnergyThreshold))
            {
                f = 0f;
            }

            perturbation.Process(x, k, f, pert);
            Span<float> o = output.AsSpan(k * LongWidth, LongWidth);
            o[0] = f;
            o[1] = f > 29.136f ? 12f * MathF.Log(f / 27.5f) / MathF.Log(2f) : f > 0f ? 1f : 0f;
            o[2] = pert[0];
            o[3] = f > 0f ? (float)ShimmerDb(pert[2]) : 0f;
            ReadOnlySpan<float> formantHz = k < shortFrames ? shortValues.AsSpan((k * ShortWidth) + 10, LpcFormants.Count) : noFormants;
            harmonics.Compute(magnitudes.AsSpan(k * bins, bins), f, formantHz, h);
            h.CopyTo(o[4..]);
        }

        return decided;
    }

    // smileDsp_amplitudeRatioToDB(shimmer + 1) = 20·log10(1 + shimmer).
    private static double ShimmerDb(float shimmer)
    {
        double a = shimmer + 1.0;
        return a > 10e-50 ? 20.0 * Math.Log(a) / Math.Log(10.0) : -1000.0;
    }
}
