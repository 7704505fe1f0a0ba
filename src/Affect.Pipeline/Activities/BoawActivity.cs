using System.Globalization;
using Affect.Features.Boaw;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Bag-of-audio-words of one corpus (openXBOW semantics, see <see cref="BoawCodebook"/>): codebooks learned on the
/// train-partition files of the corpus's LLD batches only, then one histogram per file of every partition. Writes
/// <c>boaw.npy</c> (files × words float32, batch then index order), the codebook (<c>codebook.json</c>,
/// <c>codebook-{stream}.npy</c>) and <c>boaw.json</c> under <c>artifacts/boaw/{key}/</c>.
/// </summary>
public sealed class BoawActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<BoawRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>File name of the histogram matrix inside the artifact.</summary>
    public const string MatrixFile = "boaw.npy";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(BoawRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Lld);
        var options = input.ToOptions();
        options.Validate();
        if (input.Lld.Count == 0)
        {
            throw new ArgumentException($"{input.Corpus}: lld: at least one LLD batch is required", nameof(input));
        }

        var parameters = new Dictionary<string, string>
        {
            ["size"] = options.CodebookSize.ToString(CultureInfo.InvariantCulture),
            ["assignments"] = options.Assignments.ToString(CultureInfo.InvariantCulture),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["method"] = options.Method.ToString(),
            ["iterations"] = options.MaxIterations.ToString(CultureInfo.InvariantCulture),
            ["trainFrames"] = options.MaxTrainingFrames.ToString(CultureInfo.InvariantCulture),
            ["log"] = options.LogWeighting ? "1" : "0",
        };
        string key = ArtifactKey.Compute("boaw", Version, parameters, input.Lld.Select(r => r.Key));
        return artifacts.GetOrCreateAsync("boaw", key, "boaw.json", async ct =>
        {
            var files = new List<(LldIndexEntry Entry, BoawFrames Frames)>();
            IReadOnlyList<string>? columns = null;
            foreach (var batch in input.Lld)
            {
                var index = await artifacts.ReadJsonAsync<LldIndex>(batch.Blob, ct);
                if (columns is null)
                {
                    columns = index.Columns;
                }
                else if (!columns.SequenceEqual(index.Columns, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"{Containers.Artifacts}/{batch.Blob}: columns: differ from the first batch's");
                }

                foreach (var entry in index.Files)
                {
                    ct.ThrowIfCancellationRequested();
                    var (values, rows, cols, source) = await LldArtifactFiles.ReadMatrixAsync(store, batch.Blob, entry, ct);
                    if (cols != columns.Count)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: shape: {cols} columns, the index names {columns.Count}"));
                    }

                    files.Add((entry, new BoawFrames(source, values, rows)));
                }
            }

            var train = files.Where(f => f.Entry.Partition == "train").Select(f => f.Frames).ToList();
            if (train.Count == 0)
            {
                throw new InvalidDataException($"{input.Corpus}: partition: no train files to learn the bag-of-audio-words codebook from");
            }

            var codebook = BoawCodebook.Learn(train, columns!, options);
            var rowsOut = files.Select(f => new BoawRow(f.Entry.Id, codebook.Histogram(f.Frames))).ToList();
            var side = new Dictionary<string, byte[]>(codebook.ToFiles(), StringComparer.Ordinal);
            using (var ms = new MemoryStream())
            {
                BoawTable.WriteNpy(ms, rowsOut);
                side[MatrixFile] = ms.ToArray();
            }

            var doc = new BoawArtifact(
                input.Corpus,
                [.. files.Select(f => f.Entry.Id)],
                [.. files.Select(f => f.Entry.Partition)],
                MatrixFile,
                BoawCodebook.JsonFile,
                codebook.WordNames,
                train.Count,
                [.. codebook.Streams.Select(s => new BoawStreamSummary(s.Stream.Name, s.Size, s.TrainingFrames, s.Iterations, s.Converged))]);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(doc), side);
        }, cancellationToken);
    }
}

/// <summary>Input of <see cref="BoawActivity"/>: every LLD batch of one corpus and the codebook settings (see <see cref="BoawOptions"/>).</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="Lld">The corpus's <see cref="ExtractLldActivity"/> outputs, in batch order.</param>
/// <param name="CodebookSize">Words per codebook.</param>
/// <param name="Assignments">Nearest words each frame counts for.</param>
/// <param name="Seed">Seed of the codebook's random choices.</param>
/// <param name="MaxIterations">Largest number of Lloyd updates.</param>
/// <param name="MaxTrainingFrames">Training frames subsampled per codebook (0 = all).</param>
/// <param name="LogWeighting">log10(TF + 1) term weighting.</param>
public sealed record BoawRequest(
    string Corpus,
    IReadOnlyList<ArtifactRef> Lld,
    int CodebookSize = 1000,
    int Assignments = 10,
    ulong Seed = 1,
    int MaxIterations = 500,
    int MaxTrainingFrames = 0,
    bool LogWeighting = true)
{
    /// <summary>The library options this request stands for (k-means++ codebooks).</summary>
    public BoawOptions ToOptions() => new(CodebookSize, Assignments, Seed, CodebookMethod.KMeansPlusPlus, MaxIterations, MaxTrainingFrames, LogWeighting);
}

/// <summary>The main file (<c>boaw.json</c>) of a <see cref="BoawActivity"/> artifact.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Ids">File ids, one per matrix row.</param>
/// <param name="Partitions">Partition of each row.</param>
/// <param name="Matrix">Blob name (relative to the artifact folder) of the files × words float32 matrix.</param>
/// <param name="Codebook">Blob name of the codebook JSON (with its <c>codebook-{stream}.npy</c> files beside it).</param>
/// <param name="Words">Histogram column names.</param>
/// <param name="TrainingFiles">Number of train-partition files the codebook was learned from.</param>
/// <param name="Streams">Per-codebook statistics.</param>
public sealed record BoawArtifact(
    string Corpus,
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> Partitions,
    string Matrix,
    string Codebook,
    IReadOnlyList<string> Words,
    int TrainingFiles,
    IReadOnlyList<BoawStreamSummary> Streams);

/// <summary>Statistics of one learned codebook.</summary>
/// <param name="Name">Stream name (lld, delta).</param>
/// <param name="Size">Words.</param>
/// <param name="TrainingFrames">Frames clustered.</param>
/// <param name="Iterations">Lloyd updates performed.</param>
/// <param name="Converged">Whether the assignment stopped changing.</param>
public sealed record BoawStreamSummary(string Name, int Size, int TrainingFrames, int Iterations, bool Converged);
