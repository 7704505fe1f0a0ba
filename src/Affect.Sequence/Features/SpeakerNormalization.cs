namespace Affect.Sequence.Features;

/// <summary>
/// Speaker-level z-normalisation of the paper (§3.2, after [2]): every feature of every frame of a speaker becomes
/// z = (x − μ_s) / σ_s, with μ_s and σ_s the mean and population standard deviation over all frames of that speaker's
/// recordings; a constant feature (σ_s = 0) becomes 0.
/// </summary>
public static class SpeakerNormalization
{
    /// <summary>Normalises each matrix with the statistics of its speaker; returns new matrices in the input order.</summary>
    /// <param name="recordings">Speaker id and features of each recording; all must have the same feature count.</param>
    /// <exception cref="ArgumentException">Feature counts differ.</exception>
    public static IReadOnlyList<FeatureMatrix> Apply(IReadOnlyList<(string Speaker, FeatureMatrix Features)> recordings)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        if (recordings.Count == 0)
        {
            return [];
        }

        var width = recordings[0].Features.Features;
        foreach (var (speaker, features) in recordings.Where(r => r.Features.Features != width))
        {
            throw new ArgumentException($"speaker {speaker}: {features.Features} features per frame, expected {width} like the first recording", nameof(recordings));
        }

        var stats = new Dictionary<string, (double[] Mean, double[] Scale)>(StringComparer.Ordinal);
        foreach (var group in recordings.GroupBy(r => r.Speaker, StringComparer.Ordinal))
        {
            var sum = new double[width];
            var squares = new double[width];
            long count = 0;
            foreach (var (_, m) in group)
            {
                for (var f = 0; f < m.Frames; f++)
                {
                    var row = m.Frame(f);
                    for (var j = 0; j < width; j++)
                    {
                        sum[j] += row[j];
                    }
                }

                count += m.Frames;
            }

            var mean = sum.Select(s => count == 0 ? 0.0 : s / count).ToArray();
            foreach (var (_, m) in group)
            {
                for (var f = 0; f < m.Frames; f++)
                {
                    var row = m.Frame(f);
                    for (var j = 0; j < width; j++)
                    {
                        var d = row[j] - mean[j];
                        squares[j] += d * d;
                    }
                }
            }

            var scale = squares.Select(s => count == 0 || s <= 0 ? 0.0 : 1.0 / Math.Sqrt(s / count)).ToArray();
            stats[group.Key] = (mean, scale);
        }

        return recordings.Select(r =>
        {
            var (mean, scale) = stats[r.Speaker];
            var m = r.Features;
            var values = new float[m.Values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var j = i % width;
                values[i] = (float)((m.Values[i] - mean[j]) * scale[j]);
            }

            return new FeatureMatrix(values, m.Frames, width, m.FrameRate);
        }).ToArray();
    }
}
