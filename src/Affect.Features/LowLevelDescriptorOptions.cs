using System.Numerics;

namespace Affect.Features;

/// <summary>Options of <see cref="LowLevelDescriptors"/>.</summary>
/// <param name="IncludeDeltas">Append the 65 <c>_sma_de</c> delta columns (130 columns in all) — the paper's LSTM input.</param>
/// <param name="SampleRate">Sample rate of the input; ComParE 2016's configuration is defined for 16 kHz only.</param>
/// <param name="InputGain">Factor applied to the samples before analysis; <see cref="OpenSmilePcm16Gain"/> reproduces
/// openSMILE's scaling of 16-bit PCM (x/32767 instead of the x/32768 of <c>Affect.Audio</c>).</param>
public sealed record LowLevelDescriptorOptions(bool IncludeDeltas = true, int SampleRate = 16000, double InputGain = 1.0)
{
    /// <summary>32768/32767: makes samples decoded as x/32768 equal openSMILE's x/32767 for 16-bit PCM input.</summary>
    public const double OpenSmilePcm16Gain = 32768.0 / 32767.0;

    /// <summary>8388608/8388352: makes samples decoded as x/2²³ equal openSMILE's x/(32767·256) for 24-bit PCM input.</summary>
    public const double OpenSmilePcm24Gain = 8388608.0 / 8388352.0;

    /// <summary>
    /// The gain that reproduces openSMILE's wave-source scaling for a source with this many bits per sample: 16-bit PCM
    /// is divided by 32767 and 24-bit PCM by 32767·256 there (instead of 2¹⁵ and 2²³); 32-bit PCM (÷ (float)2³¹−1, which
    /// is 2³¹ in float) and float WAV need no gain. 8-bit PCM gets none either: openSMILE reads its unsigned bytes as
    /// signed, which is not reproduced.
    /// </summary>
    /// <param name="bitsPerSample">Bits per sample of the decoded WAV file.</param>
    public static double OpenSmileGainFor(int bitsPerSample) => bitsPerSample switch
    {
        16 => OpenSmilePcm16Gain,
        24 => OpenSmilePcm24Gain,
        _ => 1.0,
    };

    /// <summary>
    /// Scales samples by an input gain as the extractor does. For <see cref="OpenSmilePcm16Gain"/> (which equals
    /// <see cref="OpenSmilePcm24Gain"/>: both are 1 + 1/32767) the sample x is rescaled as x · 32768f / 32767f: for x = s/2¹⁵
    /// that is (float)s / 32767f, and for x = s/2²³ it is (s/256) / 32767f, the same float as openSMILE's
    /// (float)s / 8388352f since the power-of-two scaling is exact; a multiplication by the gain would differ from
    /// openSMILE in the last bit for some samples.
    /// </summary>
    /// <param name="samples">Samples as decoded.</param>
    /// <param name="gain">Gain as float (1 for none).</param>
    /// <param name="destination">Scaled samples; may be the same memory as <paramref name="samples"/>.</param>
    public static void ApplyInputGain(ReadOnlySpan<float> samples, float gain, Span<float> destination)
    {
        if (gain == 1f)
        {
            samples.CopyTo(destination);
        }
        else if (gain == (float)OpenSmilePcm16Gain)
        {
            MultiplyDivide(samples, 32768f, 32767f, destination);
        }
        else
        {
            MultiplyDivide(samples, gain, 1f, destination);
        }
    }

    // destination[i] = samples[i] · multiplier / divisor in float, element by element (so any vector width gives the
    // same bits); x / 1f is x.
    private static void MultiplyDivide(ReadOnlySpan<float> samples, float multiplier, float divisor, Span<float> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} samples (expected at least {samples.Length})", nameof(destination));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var m = new Vector<float>(multiplier);
            var d = new Vector<float>(divisor);
            for (; i <= samples.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(samples[i..]) * m / d).CopyTo(destination[i..]);
            }
        }

        for (; i < samples.Length; i++)
        {
            destination[i] = samples[i] * multiplier / divisor;
        }
    }

    /// <summary>Checks the options, reporting every problem at once.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (SampleRate != 16000)
        {
            problems.Add($"SampleRate: {SampleRate} is not supported (ComParE 2016 LLDs are defined at 16000 Hz; resample with AudioLoader)");
        }

        if (!double.IsFinite(InputGain) || InputGain <= 0)
        {
            problems.Add($"InputGain: {InputGain} must be a positive finite number");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("LowLevelDescriptorOptions: " + string.Join("; ", problems));
        }
    }
}
