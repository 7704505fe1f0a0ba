using Affect.Audio.Dsp;
using Affect.Features.Lld;

namespace Affect.Features;

/// <summary>
/// The 65 ComParE 2016 low-level descriptors (Schuller et al., Interspeech 2016; Eyben 2016) and their deltas, with
/// openSMILE 3's frame grid and semantics: 10 ms step; 20 ms Hamming frames (512-point FFT) for energy, auditory and
/// RASTA spectra, spectral descriptors and MFCC; 60 ms frames for ZCR and the voicing group; 3-frame smoothing
/// (<c>_sma</c>) and W = 2 delta regression (<c>_sma_de</c>). No pre-emphasis (the configuration applies none).
/// </summary>
/// <remarks>
/// Rows: ⌊(N − 960)/160⌋ + 2 for N ≥ 960 samples (the complete 60 ms frames plus openSMILE's flushed last row), 0 otherwise.
/// Instances are immutable and thread-safe; every call allocates its own scratch buffers once and reuses them per frame.
/// </remarks>
public sealed class LowLevelDescriptors
{
    private const int SampleRate = 16000;
    private const int Step = 160;
    private const int ShortFrame = 320;
    private const int LongFrame = 960;
    private const int Bands = 26;
    private const int RawColumns = 3 + Bands + SpectralDescriptors.Count + 14; // 58 per 20 ms frame

    private readonly RealFft fft;
    private readonly double[] hamming;
    private readonly MelFilterBank melBank;
    private readonly AuditorySpectrum auditory;
    private readonly SpectralDescriptors spectral;
    private readonly Cepstrum cepstrum;

    /// <summary>Creates the extractor; tables (window, filter bank, DCT) are built once here.</summary>
    /// <param name="options">Options; null for the defaults (130 columns).</param>
    public LowLevelDescriptors(LowLevelDescriptorOptions? options = null)
    {
        Options = options ?? new LowLevelDescriptorOptions();
        Options.Validate();
        int fftSize = RealFft.NextPowerOfTwo(ShortFrame);
        fft = new RealFft(fftSize);
        hamming = WindowFunction.Hamming(ShortFrame);
        float binHz = (float)(1.0 / (ShortFrame / (double)SampleRate * fftSize / ShortFrame));
        melBank = new MelFilterBank(fft.BinCount, binHz, Bands, 20f, 8000f);
        auditory = new AuditorySpectrum(melBank.CentreHz);
        spectral = new SpectralDescriptors(fft.BinCount, binHz);
        cepstrum = new Cepstrum(Bands, 1, 14, 22.0);
        ColumnNames = Options.IncludeDeltas ? LldColumns.All : LldColumns.Lld;
    }

    /// <summary>Whether the six voicing columns come from a real implementation (<c>Affect.Features.Voicing</c>) rather than zeros.</summary>
    public static bool VoicingImplemented => VoicingColumns.Available;

    /// <summary>The options in use.</summary>
    public LowLevelDescriptorOptions Options { get; }

    /// <summary>Names of the output columns (130 or 65).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of LLD rows openSMILE produces for <paramref name="sampleCount"/> samples: ⌊(N − 960)/160⌋ + 2, or 0.</summary>
    /// <param name="sampleCount">Number of 16 kHz samples.</param>
    public static int RowCount(long sampleCount) => sampleCount < LongFrame ? 0 : (int)(((sampleCount - LongFrame) / Step) + 2);

    /// <summary>Extracts the descriptor matrix of a 16 kHz mono signal in [-1, 1].</summary>
    /// <param name="samples">Audio samples.</param>
    public LldMatrix Extract(ReadOnlySpan<float> samples)
    {
        if (Options.InputGain != 1.0)
        {
            var scaled = new float[samples.Length];
            float gain = (float)Options.InputGain;
            for (int i = 0; i < scaled.Length; i++)
            {
                scaled[i] = samples[i] * gain;
            }

            return ExtractScaled(scaled);
        }

        return ExtractScaled(samples);
    }

    private LldMatrix ExtractScaled(ReadOnlySpan<float> samples)
    {
        int rows = RowCount(samples.Length);
        int columns = ColumnNames.Count;
        var values = new float[rows * columns];
        var times = new double[rows];
        if (rows == 0)
        {
            return new LldMatrix(values, 0, ColumnNames, times);
        }

        for (int r = 0; r < rows; r++)
        {
            times[r] = Math.Min(r, rows - 2) * (Step / (double)SampleRate);
        }

        // 20 ms level: enough frames past the last row for the smoother (1) and the delta window (2).
        int shortFrames = Math.Min(new FrameGrid(ShortFrame, Step).FrameCount(samples.Length), rows + 3);
        var raw = new float[shortFrames * RawColumns];
        ComputeShortFrames(samples, shortFrames, raw);

        // 60 ms level (ZCR): rows − 1 complete frames; the flushed last row repeats the last raw value.
        int longFrames = rows - 1;
        var zcr = new float[rows];
        for (int k = 0; k < longFrames; k++)
        {
            zcr[k] = TimeDomain.ZeroCrossingRate(samples.Slice(k * Step, LongFrame));
        }

        var smoothed = new float[shortFrames * RawColumns];
        for (int c = 0; c < RawColumns; c++)
        {
            ContourSmoother.Smooth(raw, shortFrames, RawColumns, c, smoothed, RawColumns, c);
        }

        var zcrSmoothed = new float[rows];
        ContourSmoother.Smooth(zcr, longFrames, 1, 0, zcrSmoothed, 1, 0);
        zcrSmoothed[rows - 1] = zcr[longFrames - 1];

        int[] target = RawTargets();
        for (int r = 0; r < rows; r++)
        {
            int rowBase = r * columns;
            for (int c = 0; c < RawColumns; c++)
            {
                values[rowBase + target[c]] = smoothed[(r * RawColumns) + c];
            }

            values[rowBase + LldColumns.ZeroCrossingRate] = zcrSmoothed[r];
        }

        if (Options.IncludeDeltas)
        {
            // Level A (auditory L1 norms, RMS) is read jointly with the 60 ms ZCR, so its smoothed contour ends at the
            // last output row and the delta replicates that row; level B (RASTA bands, spectral, MFCC) is 20 ms only
            // and its delta sees the genuine following frames.
            for (int c = 0; c < RawColumns; c++)
            {
                int length = c < 3 ? rows : shortFrames;
                ContourSmoother.Delta(smoothed, length, RawColumns, c, values, columns, LldColumns.LldCount + target[c], rows);
            }

            ContourSmoother.Delta(zcrSmoothed, rows, 1, 0, values, columns, LldColumns.LldCount + LldColumns.ZeroCrossingRate, rows);
        }

        float[] voicing = VoicingColumns.Compute(samples, rows);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < LldColumns.VoicingCount; c++)
            {
                values[(r * columns) + LldColumns.VoicingStart + c] = voicing[(r * 12) + c];
                if (Options.IncludeDeltas)
                {
                    values[(r * columns) + LldColumns.LldCount + LldColumns.VoicingStart + c] = voicing[(r * 12) + 6 + c];
                }
            }
        }

        return new LldMatrix(values, rows, ColumnNames, times);
    }

    // Output LLD column of each raw 20 ms column.
    private static int[] RawTargets()
    {
        var t = new int[RawColumns];
        t[0] = LldColumns.AudspecL1;
        t[1] = LldColumns.AudspecRastaL1;
        t[2] = LldColumns.RmsEnergy;
        for (int b = 0; b < Bands; b++)
        {
            t[3 + b] = LldColumns.RastaBands + b;
        }

        for (int s = 0; s < SpectralDescriptors.Count; s++)
        {
            t[3 + Bands + s] = LldColumns.Spectral + s;
        }

        for (int m = 0; m < 14; m++)
        {
            t[3 + Bands + SpectralDescriptors.Count + m] = LldColumns.Mfcc + m;
        }

        return t;
    }

    private void ComputeShortFrames(ReadOnlySpan<float> samples, int frames, float[] raw)
    {
        int n = fft.Size;
        int bins = fft.BinCount;
        var input = new double[n];
        var re = new double[bins];
        var im = new double[bins];
        var magnitude = new double[bins];
        var previous = new double[bins];
        var power = new double[bins];
        var mel = new double[Bands];
        var aud = new double[Bands];
        var scratch = new double[Bands];
        var rasta = new RastaFilter(Bands, Step / (double)SampleRate);
        int pad = (n - ShortFrame) / 2; // zeroPadSymmetric = 1 (phase only; magnitudes unchanged)

        for (int k = 0; k < frames; k++)
        {
            ReadOnlySpan<float> frame = samples.Slice(k * Step, ShortFrame);
            Span<float> outRow = raw.AsSpan(k * RawColumns, RawColumns);
            outRow[2] = TimeDomain.RmsEnergy(frame);

            for (int i = 0; i < ShortFrame; i++)
            {
                input[pad + i] = (float)(frame[i] * hamming[i]);
            }

            fft.Forward(input, re, im);
            SpectrumMagnitude.Compute(re, im, magnitude, power);

            melBank.Apply(power, mel);

            auditory.Plain(mel, aud);
            double l1 = 0.0;
            for (int b = 0; b < Bands; b++)
            {
                l1 += Math.Abs((float)aud[b]);
            }

            outRow[0] = (float)(l1 / Bands); // cVectorOperation ll1: L1 norm divided by the vector length

            auditory.Rasta(mel, rasta, aud);
            l1 = 0.0;
            for (int b = 0; b < Bands; b++)
            {
                outRow[3 + b] = (float)aud[b];
                l1 += Math.Abs((float)aud[b]);
            }

            outRow[1] = (float)(l1 / Bands);

            spectral.Compute(magnitude, power, k == 0 ? ReadOnlySpan<double>.Empty : previous, outRow.Slice(3 + Bands, SpectralDescriptors.Count));
            cepstrum.Compute(mel, scratch, outRow.Slice(3 + Bands + SpectralDescriptors.Count, cepstrum.Count));
            magnitude.AsSpan().CopyTo(previous);
        }
    }
}
