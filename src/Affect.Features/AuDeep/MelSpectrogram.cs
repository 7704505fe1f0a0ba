using Affect.Audio.Dsp;

namespace Affect.Features.AuDeep;

/// <summary>A spectrogram stored time-major: <see cref="Values"/>[t·Bands + b].</summary>
/// <param name="Frames">Number of frames (time steps).</param>
/// <param name="Bands">Number of Mel bands.</param>
/// <param name="Values">Frames × Bands values, frame after frame.</param>
public sealed record SpectrogramMatrix(int Frames, int Bands, float[] Values);

/// <summary>
/// auDeep's Mel spectrogram: per frame, the mean is removed (scipy's constant detrend), a periodic Hann window applied and
/// the power |X[k]|² of a DFT as long as the window taken; triangular Mel filters (m = 2595·log₁₀(1 + f/700), edges at
/// ⌊(N+1)·f/fs⌋) sum the power into bands; power is turned into dB relative to the spectrogram's maximum
/// (10·log₁₀(P/max P), zeros raised to the smallest positive power), clipped below a threshold, and finally scaled to
/// [−1, 1] after removing the mean (auDeep's mean normalisation).
/// </summary>
public static class MelSpectrogram
{
    /// <summary>
    /// The window and hop in samples auDeep uses for <paramref name="sampleRate"/>, including its one-sample overlap
    /// correction when a fixed length would otherwise give one frame more or fewer than (fixed − overlap)/step.
    /// </summary>
    public static (int Window, int Overlap) WindowSamples(MelSpectrogramOptions options, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        int window = (int)(sampleRate * options.WindowSeconds);
        int overlap = (int)(sampleRate * options.OverlapSeconds);
        if (options.FixedSeconds is { } fixedSeconds)
        {
            int expected = (int)((fixedSeconds - options.OverlapSeconds) / (options.WindowSeconds - options.OverlapSeconds));
            int samples = (int)(fixedSeconds * sampleRate);
            int actual = (samples - overlap) / (window - overlap);
            overlap += actual > expected ? -1 : actual < expected ? 1 : 0;
        }

        return (window, overlap);
    }

    /// <summary>Cuts or zero-pads <paramref name="samples"/> to the fixed length (centred if asked); a copy either way.</summary>
    public static double[] FixLength(ReadOnlySpan<float> samples, int sampleRate, MelSpectrogramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FixedSeconds is not { } fixedSeconds)
        {
            return ToDouble(samples);
        }

        int target = (int)(fixedSeconds * sampleRate);
        var result = new double[target];
        if (samples.Length > target)
        {
            int offset = options.CenterFixed ? (samples.Length - target) / 2 : 0;
            return ToDouble(samples.Slice(offset, target));
        }

        int start = options.CenterFixed ? (target - samples.Length) / 2 : 0;
        for (int i = 0; i < samples.Length; i++)
        {
            result[start + i] = samples[i];
        }

        return result;
    }

    /// <summary>
    /// auDeep's triangular Mel filter bank: <paramref name="bands"/> filters [bands, window/2 + 1], equidistant on
    /// m = 2595·log₁₀(1 + f/700) from 0 to fs/2, with edge bins ⌊(window + 1)·f/fs⌋.
    /// </summary>
    public static double[,] FilterBank(int sampleRate, int window, int bands)
    {
        double highMel = 2595 * Math.Log10(1 + (sampleRate / 2.0 / 700));
        var bin = new double[bands + 2];
        for (int i = 0; i < bin.Length; i++)
        {
            double mel = highMel * i / (bands + 1);
            double hz = 700 * (Math.Pow(10, mel / 2595) - 1);
            bin[i] = Math.Floor((window + 1) * hz / sampleRate);
        }

        var bank = new double[bands, (window / 2) + 1];
        for (int m = 1; m <= bands; m++)
        {
            for (int k = (int)bin[m - 1]; k < (int)bin[m]; k++)
            {
                bank[m - 1, k] = (k - bin[m - 1]) / (bin[m] - bin[m - 1]);
            }

            for (int k = (int)bin[m]; k < (int)bin[m + 1]; k++)
            {
                bank[m - 1, k] = (bin[m + 1] - k) / (bin[m + 1] - bin[m]);
            }
        }

        return bank;
    }

    /// <summary>
    /// Mel power in dB relative to its maximum (≤ 0, unclipped), [frames, bands], of a clip already brought to length
    /// (see <see cref="FixLength"/>). Frames = ⌊(n − overlap)/(window − overlap)⌋, no padding (scipy's spectrogram).
    /// </summary>
    /// <exception cref="ArgumentException">The clip is shorter than one window or silent.</exception>
    public static SpectrogramMatrix PowerDb(ReadOnlySpan<double> samples, int sampleRate, MelSpectrogramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (window, overlap) = WindowSamples(options, sampleRate);
        int step = window - overlap;
        if (samples.Length < window)
        {
            throw new ArgumentException($"clip has {samples.Length} samples, fewer than one {window}-sample window");
        }

        int frames = (samples.Length - overlap) / step;
        var fft = new MixedRadixFft(window);
        var hann = new double[window];
        for (int i = 0; i < window; i++)
        {
            hann[i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / window));
        }

        var bank = FilterBank(sampleRate, window, options.MelBands);
        int bins = fft.BinCount;
        var frame = new double[window];
        var power = new double[bins];
        var mel = new double[frames * options.MelBands];
        for (int t = 0; t < frames; t++)
        {
            var segment = samples.Slice(t * step, window);
            double mean = 0;
            for (int i = 0; i < window; i++)
            {
                mean += segment[i];
            }

            mean /= window;
            for (int i = 0; i < window; i++)
            {
                frame[i] = (segment[i] - mean) * hann[i];
            }

            fft.Power(frame, power);
            for (int b = 0; b < options.MelBands; b++)
            {
                double sum = 0;
                for (int k = 0; k < bins; k++)
                {
                    sum += bank[b, k] * power[k];
                }

                mel[(t * options.MelBands) + b] = sum;
            }
        }

        double floor = double.PositiveInfinity, max = 0;
        foreach (var v in mel)
        {
            if (v > 0 && v < floor)
            {
                floor = v;
            }

            max = Math.Max(max, v);
        }

        if (!(max > 0))
        {
            throw new ArgumentException("clip is silent: its Mel spectrogram has no positive power");
        }

        var db = new float[mel.Length];
        for (int i = 0; i < mel.Length; i++)
        {
            db[i] = (float)(10 * Math.Log10(Math.Max(mel[i], floor) / max));
        }

        return new SpectrogramMatrix(frames, options.MelBands, db);
    }

    /// <summary>
    /// Clips <paramref name="powerDb"/> below <paramref name="clipBelowDb"/> and applies auDeep's mean normalisation:
    /// x − mean, then 2·(x − min)/(max − min) − 1 when max − min &gt; 1e-4 (else x − min).
    /// </summary>
    public static SpectrogramMatrix ClipAndNormalise(SpectrogramMatrix powerDb, double clipBelowDb)
    {
        ArgumentNullException.ThrowIfNull(powerDb);
        var x = new double[powerDb.Values.Length];
        double mean = 0;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Max(powerDb.Values[i], clipBelowDb);
            mean += x[i];
        }

        mean /= x.Length;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] -= mean;
            min = Math.Min(min, x[i]);
            max = Math.Max(max, x[i]);
        }

        var result = new float[x.Length];
        bool scale = Math.Abs(max - min) > 1e-4;
        for (int i = 0; i < x.Length; i++)
        {
            result[i] = (float)(scale ? (2 * (x[i] - min) / (max - min)) - 1 : x[i] - min);
        }

        return new SpectrogramMatrix(powerDb.Frames, powerDb.Bands, result);
    }

    /// <summary>One normalised spectrogram per clip threshold of <paramref name="options"/>, in threshold order.</summary>
    public static IReadOnlyList<SpectrogramMatrix> Compute(ReadOnlySpan<float> samples, int sampleRate, MelSpectrogramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var db = PowerDb(FixLength(samples, sampleRate, options), sampleRate, options);
        return options.Thresholds.Select(t => ClipAndNormalise(db, t)).ToArray();
    }

    private static double[] ToDouble(ReadOnlySpan<float> samples)
    {
        var result = new double[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            result[i] = samples[i];
        }

        return result;
    }
}
