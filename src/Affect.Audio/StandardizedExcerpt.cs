namespace Affect.Audio;

/// <summary>
/// The raw-audio input of the End2You-style model (Tzirakis et al.): one utterance standardised to zero mean and unit
/// variance, x̂ = (x − μ) / √(σ² + 10⁻¹²) with μ and σ² over its real samples (in double), then cut to a fixed number of
/// samples from the start or zero-padded at the end. One function for the trainer and the pipeline's ONNX scoring, so
/// both feed the model the same values.
/// </summary>
public static class StandardizedExcerpt
{
    /// <summary>The standardised first <paramref name="samples"/> samples of <paramref name="waveform"/> (zeros after its end).</summary>
    /// <param name="waveform">Mono samples of one utterance.</param>
    /// <param name="samples">Length of the result (frames × frame samples).</param>
    public static float[] Of(ReadOnlySpan<float> waveform, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        var result = new float[samples];
        Write(waveform, result);
        return result;
    }

    /// <summary>Writes the standardised excerpt of <paramref name="waveform"/> into <paramref name="destination"/> (its whole length).</summary>
    /// <param name="waveform">Mono samples of one utterance.</param>
    /// <param name="destination">Receives the excerpt; positions after the waveform's end are set to zero.</param>
    public static void Write(ReadOnlySpan<float> waveform, Span<float> destination)
    {
        destination.Clear();
        if (waveform.IsEmpty)
        {
            return;
        }

        double mean = 0;
        foreach (float v in waveform)
        {
            mean += v;
        }

        mean /= waveform.Length;
        double variance = 0;
        foreach (float v in waveform)
        {
            variance += (v - mean) * (v - mean);
        }

        double scale = 1 / Math.Sqrt((variance / waveform.Length) + 1e-12);
        int n = Math.Min(waveform.Length, destination.Length);
        for (int i = 0; i < n; i++)
        {
            destination[i] = (float)((waveform[i] - mean) * scale);
        }
    }
}
