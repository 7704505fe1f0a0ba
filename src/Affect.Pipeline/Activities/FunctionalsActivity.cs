using System.Globalization;
using Affect.Audio;
using Affect.Features;
using Affect.Features.Functionals;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// The 6373 ComParE 2016 functionals of every file of one LLD batch (an <see cref="ExtractLldActivity"/> artifact):
/// <c>functionals.npy</c> (files × 6373 float32, index order) and <c>functionals.json</c> (file ids, feature names)
/// under <c>artifacts/functionals/{key}/</c>.
/// </summary>
public sealed class FunctionalsActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<FunctionalsBatch, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 2;

    /// <summary>File name of the matrix inside the artifact.</summary>
    public const string MatrixFile = "functionals.npy";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(FunctionalsBatch input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Lld);
        string key = ArtifactKey.Compute("functionals", Version, new Dictionary<string, string>(), [input.Lld.Key]);
        return artifacts.GetOrCreateAsync("functionals", key, "functionals.json", async ct =>
        {
            var index = await artifacts.ReadJsonAsync<LldIndex>(input.Lld.Blob, ct);
            var values = new float[index.Files.Count * ComParEFunctionals.Count];
            for (int i = 0; i < index.Files.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var entry = index.Files[i];
                var (lld, rows, cols, source) = await LldArtifactFiles.ReadMatrixAsync(store, input.Lld.Blob, entry, ct);
                if (cols != index.Columns.Count)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: shape: {cols} columns, the index names {index.Columns.Count}"));
                }

                if (rows == 0)
                {
                    throw new InvalidDataException($"{source}: rows: no LLD frames (audio shorter than one 60 ms frame)");
                }

                float[]? tail = entry.Tail is null ? null : (await LldArtifactFiles.ReadBlobMatrixAsync(store, input.Lld.Blob, entry.Tail, ct)).Values;
                var matrix = new LldMatrix(lld, rows, index.Columns, FrameTimes(rows), tail) { PitchFramesDecidedAtEnd = entry.PitchFramesDecided };
                ComParEFunctionals.Compute(matrix, values.AsSpan(i * ComParEFunctionals.Count, ComParEFunctionals.Count), source);
            }

            using var ms = new MemoryStream();
            NpyFormat.Write(ms, values, index.Files.Count, ComParEFunctionals.Count);

            static double[] FrameTimes(int rows) => [.. Enumerable.Range(0, rows).Select(r => r * ComParEFunctionals.FramePeriod)];
            var doc = new FunctionalsArtifact(
                index.Corpus,
                index.Start,
                [.. index.Files.Select(f => f.Id)],
                [.. index.Files.Select(f => f.Partition)],
                MatrixFile,
                ComParEFunctionals.Names);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(doc), new Dictionary<string, byte[]> { [MatrixFile] = ms.ToArray() });
        }, cancellationToken);
    }
}

/// <summary>Input of <see cref="FunctionalsActivity"/>: one LLD batch artifact of one corpus.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="Lld">The <see cref="ExtractLldActivity"/> output (its <c>index.json</c>) for the batch; 130 columns (LLDs + deltas).</param>
public sealed record FunctionalsBatch(string Corpus, ArtifactRef Lld);

/// <summary>The main file (<c>functionals.json</c>) of a <see cref="FunctionalsActivity"/> artifact.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Start">Index of the batch's first file in the corpus record.</param>
/// <param name="Ids">File ids, one per matrix row.</param>
/// <param name="Partitions">Partition of each row.</param>
/// <param name="Matrix">Blob name (relative to the artifact folder) of the files × 6373 float32 matrix.</param>
/// <param name="Names">The 6373 feature names (matrix columns).</param>
public sealed record FunctionalsArtifact(string Corpus, int Start, IReadOnlyList<string> Ids, IReadOnlyList<string> Partitions, string Matrix, IReadOnlyList<string> Names);

/// <summary>Reads the per-file matrices of an <see cref="ExtractLldActivity"/> artifact.</summary>
internal static class LldArtifactFiles
{
    /// <summary>Reads one file's LLD matrix; <c>Source</c> is the blob path used in error messages.</summary>
    public static Task<(float[] Values, int Rows, int Cols, string Source)> ReadMatrixAsync(IBlobStore store, string indexBlob, LldIndexEntry entry, CancellationToken ct) =>
        ReadBlobMatrixAsync(store, indexBlob, entry.Npy, ct);

    /// <summary>Reads a <c>.npy</c> stored beside an LLD index.</summary>
    public static async Task<(float[] Values, int Rows, int Cols, string Source)> ReadBlobMatrixAsync(IBlobStore store, string indexBlob, string file, CancellationToken ct)
    {
        string folder = indexBlob[..(indexBlob.LastIndexOf('/') + 1)];
        string blob = folder + file;
        string source = $"{Containers.Artifacts}/{blob}";
        byte[] bytes = await store.GetBytesAsync(Containers.Artifacts, blob, ct);
        using var ms = new MemoryStream(bytes, writable: false);
        var (values, rows, cols) = NpyFormat.Read(ms, source);
        return (values, rows, cols, source);
    }
}
