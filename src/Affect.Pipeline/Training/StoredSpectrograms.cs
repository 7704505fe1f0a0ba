using Affect.Audio;
using Affect.Features.IO;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>The train-partition spectrograms of one clip threshold, stacked as [Count, Frames, Bands] float32 values.</summary>
/// <param name="Threshold">Clip threshold in dB.</param>
/// <param name="Count">Number of spectrograms.</param>
/// <param name="Frames">Time steps of each.</param>
/// <param name="Bands">Mel bands.</param>
/// <param name="Values">Count × Frames × Bands values, in record order.</param>
public sealed record ThresholdSpectrograms(double Threshold, int Count, int Frames, int Bands, float[] Values);

/// <summary>
/// The auDeep trainer's view of a corpus: the train rows of the run's stored <see cref="SpectrogramArtifact"/>s (each
/// file checked against the artifact's integrity record), so the worker trains on exactly what the extraction encodes.
/// </summary>
public static class StoredSpectrograms
{
    /// <summary>The train-partition spectrograms of every threshold, in threshold order.</summary>
    /// <param name="store">The store holding <c>artifacts</c>.</param>
    /// <param name="blobs">The corpus's spectrogram artifacts (main blobs), in record order.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="InvalidDataException">The artifacts disagree on shape or thresholds, a matrix is malformed, or no file is in train.</exception>
    public static async Task<IReadOnlyList<ThresholdSpectrograms>> LoadTrainAsync(IBlobStore store, IReadOnlyList<string> blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(blobs);
        var artifacts = new MemoizedArtifacts(store, new ActivityLog());
        SpectrogramArtifact? first = null;
        List<float>[]? values = null;
        int count = 0;
        foreach (string blob in blobs)
        {
            var doc = await artifacts.ReadJsonAsync<SpectrogramArtifact>(blob, cancellationToken);
            first ??= doc;
            if (doc.Frames != first.Frames || doc.Bands != first.Bands || !doc.Thresholds.SequenceEqual(first.Thresholds) || doc.Matrices.Count != doc.Thresholds.Count)
            {
                throw new InvalidDataException($"{Containers.Artifacts}/{blob}: shape: [{doc.Frames} × {doc.Bands}] at {string.Join(", ", doc.Thresholds)} dB differs from {Containers.Artifacts}/{blobs[0]}");
            }

            values ??= [.. first.Thresholds.Select(_ => new List<float>())];
            var train = Enumerable.Range(0, doc.Ids.Count).Where(i => doc.Partitions[i] == "train").ToArray();
            count += train.Length;
            string folder = blob[..(blob.LastIndexOf('/') + 1)];
            int stride = doc.Frames * doc.Bands;
            for (int t = 0; t < doc.Thresholds.Count; t++)
            {
                string name = $"{Containers.Artifacts}/{folder}{doc.Matrices[t]}";
                var (matrix, rows, cols) = NpyFormat.Read(new MemoryStream(await artifacts.ReadBytesAsync(folder + doc.Matrices[t], cancellationToken), writable: false), name);
                if (rows != doc.Ids.Count || cols != stride)
                {
                    throw new InvalidDataException($"{name}: shape: {rows}×{cols}, its index names {doc.Ids.Count} files of {doc.Frames}×{doc.Bands}");
                }

                foreach (int i in train)
                {
                    values[t].AddRange(matrix.AsSpan(i * stride, stride));
                }
            }
        }

        if (first is null || values is null || count == 0)
        {
            throw new ArgumentException($"audeep training: no train-partition spectrogram in the {blobs.Count} artifact(s) {string.Join(", ", blobs.Take(3))}");
        }

        return [.. first.Thresholds.Select((t, i) => new ThresholdSpectrograms(t, count, first.Frames, first.Bands, [.. values[i]]))];
    }
}
