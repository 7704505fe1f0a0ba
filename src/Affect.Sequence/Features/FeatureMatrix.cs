namespace Affect.Sequence.Features;

/// <summary>
/// A frame-level feature matrix, row-major frames × features (e.g. the 130 ComParE 2016 LLDs and deltas at 100 Hz),
/// frame i describing the audio from time i / <see cref="FrameRate"/>.
/// </summary>
/// <remarks>
/// The LSTM's input, checked once on construction (every value finite, a uniform frame rate) so that windows, speaker
/// normalisation and training need not check again. It is deliberately not <c>Affect.Features.LldMatrix</c>: that one is
/// openSMILE's LLD output with column names, openSMILE's irregular last frame time and NaN-bearing end-of-input rows for
/// the functionals' parity, and Affect.Sequence does not depend on the feature library.
/// </remarks>
public sealed record FeatureMatrix
{
    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The sizes disagree, the rate is not positive, or a value is not finite.</exception>
    public FeatureMatrix(float[] values, int frames, int features, double frameRate)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (frames < 0 || features < 1 || (long)frames * features != values.Length)
        {
            throw new ArgumentException($"feature matrix: {values.Length} values do not form {frames} frames × {features} features", nameof(values));
        }

        if (!(frameRate > 0))
        {
            throw new ArgumentException($"feature matrix: frame rate {frameRate} Hz must be positive", nameof(frameRate));
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"feature matrix: frame {i / features}, feature {i % features}: {values[i]} is not finite", nameof(values));
            }
        }

        Values = values;
        Frames = frames;
        Features = features;
        FrameRate = frameRate;
    }

    /// <summary>Row-major values, frames × features.</summary>
    public float[] Values { get; }

    /// <summary>Number of frames.</summary>
    public int Frames { get; }

    /// <summary>Features per frame.</summary>
    public int Features { get; }

    /// <summary>Frames per second (100 for a 10 ms hop).</summary>
    public double FrameRate { get; }

    /// <summary>Duration covered in seconds (frames / rate).</summary>
    public double DurationSeconds => Frames / FrameRate;

    /// <summary>The features of one frame.</summary>
    public ReadOnlySpan<float> Frame(int index) => Values.AsSpan(index * Features, Features);

    /// <summary>The frame nearest to time <paramref name="seconds"/>, clamped to the matrix.</summary>
    public int FrameAt(double seconds) => Math.Clamp((int)Math.Round(seconds * FrameRate, MidpointRounding.AwayFromZero), 0, Math.Max(0, Frames - 1));
}
