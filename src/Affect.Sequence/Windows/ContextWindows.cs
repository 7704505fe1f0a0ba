namespace Affect.Sequence.Windows;

/// <summary>
/// Cuts sparsed context windows and maps window predictions back to the label grid.
/// Step k of a window starting at s lies at time t_k = s + k·Δ (Δ = context / steps = 0.5 s); its input is the feature
/// frame at t_k (or the mean of <see cref="ContextWindowOptions.StepFrames"/> frames centred there) and its target the
/// gold standard linearly interpolated at t_k. Windows start at 0, hop, 2·hop, … while the last step stays inside the
/// recording; a recording shorter than one window gives one window at 0 whose steps past the end repeat the last frame.
/// </summary>
public static class ContextWindows
{
    /// <summary>Cuts the windows of every recording, in recording order.</summary>
    /// <exception cref="ArgumentException">The options are invalid or the recordings have different feature counts.</exception>
    public static ContextWindowSet Build(IReadOnlyList<SequenceRecording> recordings, ContextWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (recordings.Count == 0)
        {
            throw new ArgumentException("no recordings to cut windows from", nameof(recordings));
        }

        var width = recordings[0].Features.Features;
        var origins = new List<WindowOrigin>();
        for (var r = 0; r < recordings.Count; r++)
        {
            if (recordings[r].Features.Features != width)
            {
                throw new ArgumentException($"recording {recordings[r].Id}: {recordings[r].Features.Features} features per frame, expected {width}", nameof(recordings));
            }

            foreach (var start in Starts(recordings[r], options))
            {
                origins.Add(new WindowOrigin(r, start));
            }
        }

        var steps = options.Steps;
        var inputs = new float[origins.Count * steps * width];
        var targets = new float[origins.Count * steps];
        for (var w = 0; w < origins.Count; w++)
        {
            var recording = recordings[origins[w].Recording];
            var features = recording.Features;
            var labelEnd = (recording.LabelFrames - 1) / recording.LabelRate;
            for (var k = 0; k < steps; k++)
            {
                var t = origins[w].StartSeconds + (k * options.StepSeconds);
                var destination = inputs.AsSpan(((w * steps) + k) * width, width);
                var centre = features.FrameAt(Math.Min(t, labelEnd));
                var first = centre - ((options.StepFrames - 1) / 2);
                for (var f = 0; f < options.StepFrames; f++)
                {
                    var row = features.Frame(Math.Clamp(first + f, 0, features.Frames - 1));
                    for (var j = 0; j < width; j++)
                    {
                        destination[j] += row[j] / options.StepFrames;
                    }
                }

                if (recording.Labels is { } labels)
                {
                    targets[(w * steps) + k] = (float)Interpolate(labels, recording.LabelFrames, Math.Min(t, labelEnd) * recording.LabelRate);
                }
            }
        }

        return new ContextWindowSet(inputs, targets, origins, steps, width, options);
    }

    /// <summary>
    /// Averages overlapping window predictions back onto each recording's label grid: a step prediction at time t adds to
    /// the two label frames around t·rate with linear (tent) weights; every frame's value is its weighted mean; a frame no
    /// step reached takes the value of the nearest reached frames (linear interpolation, edge values held).
    /// </summary>
    /// <param name="recordings">The recordings the windows were cut from.</param>
    /// <param name="windows">The windows.</param>
    /// <param name="predictions">One prediction per window step, [count, steps].</param>
    /// <returns>One array per recording, <see cref="SequenceRecording.LabelFrames"/> long.</returns>
    public static double[][] ToLabelGrid(IReadOnlyList<SequenceRecording> recordings, ContextWindowSet windows, ReadOnlySpan<float> predictions)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(windows);
        if (predictions.Length != windows.Count * windows.Steps)
        {
            throw new ArgumentException($"{predictions.Length} predictions for {windows.Count} windows × {windows.Steps} steps", nameof(predictions));
        }

        var sums = recordings.Select(r => new double[r.LabelFrames]).ToArray();
        var weights = recordings.Select(r => new double[r.LabelFrames]).ToArray();
        for (var w = 0; w < windows.Count; w++)
        {
            var origin = windows.Origins[w];
            var recording = recordings[origin.Recording];
            var frames = recording.LabelFrames;
            for (var k = 0; k < windows.Steps; k++)
            {
                var position = (origin.StartSeconds + (k * windows.Options.StepSeconds)) * recording.LabelRate;
                if (position > frames - 1 + 1e-9)
                {
                    continue;   // a padded step past the end of a short recording
                }

                var left = (int)Math.Floor(position + 1e-9);
                var fraction = Math.Max(0.0, position - left);
                var value = predictions[(w * windows.Steps) + k];
                Accumulate(sums[origin.Recording], weights[origin.Recording], left, 1.0 - fraction, value);
                Accumulate(sums[origin.Recording], weights[origin.Recording], left + 1, fraction, value);
            }
        }

        return sums.Select((s, r) => Fill(s, weights[r])).ToArray();
    }

    private static IEnumerable<double> Starts(SequenceRecording recording, ContextWindowOptions options)
    {
        var end = (recording.LabelFrames - 1) / recording.LabelRate;
        var span = (options.Steps - 1) * options.StepSeconds;
        var count = end >= span ? (int)Math.Floor(((end - span) / options.HopSeconds) + 1e-9) + 1 : 1;
        for (var i = 0; i < count; i++)
        {
            yield return i * options.HopSeconds;
        }
    }

    private static double Interpolate(double[] labels, int frames, double position)
    {
        var left = Math.Clamp((int)Math.Floor(position + 1e-9), 0, frames - 1);
        var right = Math.Min(left + 1, frames - 1);
        var fraction = Math.Clamp(position - left, 0.0, 1.0);
        return labels[left] + ((labels[right] - labels[left]) * fraction);
    }

    private static void Accumulate(double[] sums, double[] weights, int index, double weight, double value)
    {
        if (weight > 1e-12 && index >= 0 && index < sums.Length)
        {
            sums[index] += weight * value;
            weights[index] += weight;
        }
    }

    private static double[] Fill(double[] sums, double[] weights)
    {
        var result = new double[sums.Length];
        var previous = -1;
        for (var i = 0; i < result.Length; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }

            result[i] = sums[i] / weights[i];
            for (var gap = previous + 1; gap < i; gap++)
            {
                result[gap] = previous < 0 ? result[i] : result[previous] + ((result[i] - result[previous]) * (gap - previous) / (i - previous));
            }

            previous = i;
        }

        for (var gap = previous + 1; gap < result.Length; gap++)
        {
            result[gap] = previous < 0 ? 0.0 : result[previous];
        }

        return result;
    }
}
