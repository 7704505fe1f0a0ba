namespace Affect.Audio.Dsp;

/// <summary>First-order pre-emphasis filter y[n] = x[n] − k·x[n−1] (ComParE 2016 LLDs use none; eGeMAPS-style sets do).</summary>
public static class PreEmphasis
{
    /// <summary>Applies the filter to one frame; the first sample uses <paramref name="previous"/> as x[−1].</summary>
    /// <param name="input">Frame samples.</param>
    /// <param name="output">Destination, same length as <paramref name="input"/> (may be the same span).</param>
    /// <param name="k">Coefficient k (typically 0.97).</param>
    /// <param name="previous">Sample preceding the frame (0 at the start of a signal).</param>
    public static void Apply(ReadOnlySpan<float> input, Span<float> output, float k, float previous = 0f)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("output is shorter than input", nameof(output));
        }

        float last = previous;
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = x - (k * last);
            last = x;
        }
    }
}
