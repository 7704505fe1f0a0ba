namespace Affect.Sequence.Windows;

/// <summary>
/// Context windows cut from a list of recordings: inputs [count, steps, features] row-major, the labels at each step
/// [count, steps] (zeros when the recordings are unannotated), and where each window came from.
/// </summary>
/// <param name="Inputs">Feature values, window-major then step then feature.</param>
/// <param name="Targets">Label per window step.</param>
/// <param name="Origins">Recording index and start time of every window.</param>
/// <param name="Steps">Steps per window.</param>
/// <param name="Features">Features per step.</param>
/// <param name="Options">Geometry the windows were cut with.</param>
public sealed record ContextWindowSet(float[] Inputs, float[] Targets, IReadOnlyList<WindowOrigin> Origins, int Steps, int Features, ContextWindowOptions Options)
{
    /// <summary>Number of windows.</summary>
    public int Count => Origins.Count;

    /// <summary>Copies windows <paramref name="indices"/> into a batch: inputs [n, steps, features] and targets [n, steps].</summary>
    public (float[] Inputs, float[] Targets) Gather(ReadOnlySpan<int> indices)
    {
        var inputs = new float[indices.Length * Steps * Features];
        var targets = new float[indices.Length * Steps];
        for (var b = 0; b < indices.Length; b++)
        {
            Inputs.AsSpan(indices[b] * Steps * Features, Steps * Features).CopyTo(inputs.AsSpan(b * Steps * Features));
            Targets.AsSpan(indices[b] * Steps, Steps).CopyTo(targets.AsSpan(b * Steps));
        }

        return (inputs, targets);
    }
}

/// <summary>Where a window was cut: the recording's index in the list and the time of its first step.</summary>
/// <param name="Recording">Index of the recording.</param>
/// <param name="StartSeconds">Time of step 0 in seconds.</param>
public readonly record struct WindowOrigin(int Recording, double StartSeconds);
