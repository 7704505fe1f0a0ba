using Affect.Audio.Dsp;

namespace Affect.Features.Lld;

/// <summary>
/// The 58 unsmoothed 20 ms-level ComParE values of one frame (Hamming window, 512-point FFT): auditory L1 norm,
/// RASTA auditory L1 norm, RMS energy, 26 RASTA auditory bands, 15 spectral descriptors and MFCC 1–14. Stateful
/// (RASTA filter, previous magnitude spectrum for the flux): frames must be fed in order. Holds its own scratch.
/// </summary>
internal sealed class ShortFrameAnalyzer
{
    /// <summary>Values per frame.</summary>
    public const int Width = 3 + Bands + SpectralDescriptors.Count + 14;

    /// <summary>Frame length in samples (20 ms).</summary>
    public const int FrameSize = 320;

    private const int Bands = 26;
    private const int SampleRate = 16000;
    private const int Step = 160;

    private readonly Tables t;
    private readonly float[] input;
    private readonly float[] magnitudeF;
    private readonly float[] powerF;
    private readonly double[] magnitude;
    private readonly double[] previous;
    private readonly double[] power;
    private readonly float[] mel = new float[Bands];
    private readonly float[] aud = new float[Bands];
    private readonly float[] scratch = new float[Bands];
    private readonly RastaFilter rasta = new(Bands, Step / (double)SampleRate);
    private int frames;

    /// <param name="tables">Shared immutable tables (window, FFT, filter bank, DCT).</param>
    public ShortFrameAnalyzer(Tables tables)
    {
        t = tables;
        int n = t.Fft.Size;
        int bins = t.Fft.BinCount;
        input = new float[n];
        magnitudeF = new float[bins];
        powerF = new float[bins];
        magnitude = new double[bins];
        previous = new double[bins];
        power = new double[bins];
    }

    /// <summary>Analyses the next frame (exactly 320 samples) into <paramref name="outRow"/> (<see cref="Width"/> values).</summary>
    public void Analyze(ReadOnlySpan<float> frame, Span<float> outRow)
    {
        int pad = (t.Fft.Size - FrameSize) / 2; // zeroPadSymmetric = 1: the frame sits centred, as in openSMILE (float rounding depends on it)
        outRow[2] = TimeDomain.RmsEnergy(frame);
        double[] hamming = t.Hamming;
        for (int i = 0; i < FrameSize; i++)
        {
            input[pad + i] = frame[i] * (float)hamming[i]; // cWindower: sample · (float)w[i]
        }

        input.AsSpan(0, pad).Clear();
        input.AsSpan(pad + FrameSize).Clear();
        t.Fft.Forward(input);
        SpectrumMagnitude.Compute(input, magnitudeF, powerF);
        for (int k = 0; k < magnitudeF.Length; k++)
        {
            magnitude[k] = magnitudeF[k];
            power[k] = powerF[k];
        }

        t.MelBank.Apply(powerF, mel);

        t.Auditory.Plain(mel, aud);
        outRow[0] = MeanOfBands(aud);

        t.Auditory.Rasta(mel, rasta, aud);
        aud.AsSpan().CopyTo(outRow.Slice(3, Bands));
        outRow[1] = MeanOfBands(aud);

        t.Spectral.Compute(magnitude, power, frames == 0 ? ReadOnlySpan<double>.Empty : previous, outRow.Slice(3 + Bands, SpectralDescriptors.Count));
        t.Cepstrum.Compute(mel, scratch, outRow.Slice(3 + Bands + SpectralDescriptors.Count, t.Cepstrum.Count));
        magnitude.AsSpan().CopyTo(previous);
        frames++;
    }

    // cVectorOperation "ll1": the float sum of the (non-negative) band values in order, divided by the vector length.
    private static float MeanOfBands(ReadOnlySpan<float> bands)
    {
        float sum = 0f;
        foreach (float b in bands)
        {
            sum += b;
        }

        return sum / bands.Length;
    }

    /// <summary>Immutable tables shared by all analysers (thread-safe).</summary>
    internal sealed class Tables
    {
        public Tables()
        {
            int fftSize = OpenSmileRealFft.NextPowerOfTwo(FrameSize);
            Fft = new OpenSmileRealFft(fftSize);
            Hamming = WindowFunction.Hamming(FrameSize);
            float binHz = (float)(1.0 / (FrameSize / (double)SampleRate * fftSize / FrameSize));
            MelBank = new MelFilterBank(Fft.BinCount, binHz, Bands, 20f, 8000f);
            Auditory = new AuditorySpectrum(MelBank.CentreHz);
            Spectral = new SpectralDescriptors(Fft.BinCount, binHz);
            Cepstrum = new Cepstrum(Bands, 1, 14, 22.0);
        }

        public OpenSmileRealFft Fft { get; }

        public double[] Hamming { get; }

        public MelFilterBank MelBank { get; }

        public AuditorySpectrum Auditory { get; }

        public SpectralDescriptors Spectral { get; }

        public Cepstrum Cepstrum { get; }
    }
}
