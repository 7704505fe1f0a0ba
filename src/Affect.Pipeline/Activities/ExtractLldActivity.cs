using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// ComParE 2016 LLDs + deltas (130 per 10 ms frame, the paper's LSTM input) of one batch of an ingested corpus:
/// one float32 <c>.npy</c> matrix and one JSON sidecar per file under <c>artifacts/lld/{key}/</c>, listed by <c>index.json</c>.
/// </summary>
public sealed class ExtractLldActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<LldBatch, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 4;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public async Task<ArtifactRef> RunAsync(LldBatch input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string key = ArtifactKey.Compute(
            "lld",
            Version,
            new Dictionary<string, string>
            {
                ["start"] = input.Start.ToString(CultureInfo.InvariantCulture),
                ["count"] = input.Count.ToString(CultureInfo.InvariantCulture),
                ["deltas"] = input.IncludeDeltas ? "1" : "0",
            },
            [await BatchFingerprint.ComputeAsync(store, artifacts, input.RecordBlob, input.Start, input.Count, cancellationToken)]);
        return await artifacts.GetOrCreateAsync("lld", key, "index.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            if (input.Start < 0 || input.Count < 0 || input.Start + input.Count > record.Files.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(input), $"batch {input.Start}+{input.Count} is outside the {record.Files.Count} files of '{record.Corpus}'");
            }

            var side = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var entries = new List<LldIndexEntry>(input.Count);
            foreach (var file in record.Files.Skip(input.Start).Take(input.Count))
            {
                ct.ThrowIfCancellationRequested();
                using var buffered = new MemoryStream(await CorpusFiles.ReadVerifiedAsync(store, file.Audio, file.Sha256, ct), writable: false);
                var clip = AudioLoader.LoadMono(buffered, $"{Containers.Corpora}/{file.Audio}", AudioLoader.DefaultSampleRate);
                var extractor = new LowLevelDescriptors(new LowLevelDescriptorOptions(
                    IncludeDeltas: input.IncludeDeltas,
                    InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample)));
                LldMatrix m = extractor.Extract(clip.Samples);

                string npy = file.Id + ".npy";
                string json = file.Id + ".json";
                using (var ms = new MemoryStream())
                {
                    NpyFormat.Write(ms, m.Values, m.Rows, m.Columns);
                    side[npy] = ms.ToArray();
                }

                side[json] = Encoding.UTF8.GetBytes(m.NpySidecar(file.Audio));
                string? tail = null;
                if (m.TrailingSpectralRow is { } trailing)
                {
                    // The genuine extra 20 ms frame openSMILE's functionals of the spectral deltas see (NaN elsewhere).
                    tail = file.Id + ".tail.npy";
                    using var ms = new MemoryStream();
                    NpyFormat.Write(ms, trailing, 1, trailing.Length);
                    side[tail] = ms.ToArray();
                }

                entries.Add(new LldIndexEntry(file.Id, file.Speaker, file.Partition, m.Rows, m.Columns, npy, json) { Tail = tail, PitchFramesDecided = m.PitchFramesDecidedAtEnd });
            }

            var index = new LldIndex(record.Corpus, input.Start, input.IncludeDeltas ? LldColumns.All : LldColumns.Lld, 0.01, entries);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(index), side);
        }, cancellationToken);
    }
}

/// <summary>
/// The content address of a batch of an ingested corpus: id, speaker, partition, path and audio hash of each of its
/// files. Per-file stages key on it instead of the corpus record, so a changed WAV recomputes only its own batch.
/// </summary>
internal static class BatchFingerprint
{
    /// <summary>Reads the record and hashes the batch's files.</summary>
    public static async Task<string> ComputeAsync(IBlobStore store, MemoizedArtifacts artifacts, string recordBlob, int start, int count, CancellationToken cancellationToken)
    {
        var record = await artifacts.ReadJsonAsync<CorpusRecord>(recordBlob, cancellationToken);
        if (start < 0 || count < 0 || start + count > record.Files.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"batch {start}+{count} is outside the {record.Files.Count} files of '{record.Corpus}'");
        }

        var canonical = new StringBuilder(record.Corpus).Append('\n');
        foreach (var file in record.Files.Skip(start).Take(count))
        {
            byte[] audio = await store.GetBytesAsync(Containers.Corpora, file.Audio, cancellationToken);
            canonical.Append(file.Id).Append('\t').Append(file.Speaker).Append('\t').Append(file.Partition).Append('\t').Append(file.Audio).Append('\t')
                .Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(audio))).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}

/// <summary>Input of <see cref="ExtractLldActivity"/>: one batch of files of one ingested corpus.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="RecordKey">Key of the ingest artifact the batch refers to.</param>
/// <param name="RecordBlob">Blob of the ingest artifact.</param>
/// <param name="Start">Index of the batch's first file in the record.</param>
/// <param name="Count">Number of files in the batch.</param>
/// <param name="IncludeDeltas">130 columns (LLDs + deltas, default) or the 65 LLDs only.</param>
public sealed record LldBatch(string Corpus, string RecordKey, string RecordBlob, int Start, int Count, bool IncludeDeltas = true);

/// <summary>The main file (<c>index.json</c>) of an <see cref="ExtractLldActivity"/> artifact.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Start">Index of the batch's first file.</param>
/// <param name="Columns">Column names of every matrix.</param>
/// <param name="FrameStepSeconds">Frame step (0.01 s).</param>
/// <param name="Files">One entry per file.</param>
public sealed record LldIndex(string Corpus, int Start, IReadOnlyList<string> Columns, double FrameStepSeconds, IReadOnlyList<LldIndexEntry> Files);

/// <summary>One file of an <see cref="LldIndex"/>.</summary>
/// <param name="Id">File id.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">Partition.</param>
/// <param name="Rows">Number of frames.</param>
/// <param name="Columns">Number of columns.</param>
/// <param name="Npy">Blob name (relative to the artifact folder) of the float32 matrix.</param>
/// <param name="Sidecar">Blob name (relative to the artifact folder) of the JSON sidecar.</param>
public sealed record LldIndexEntry(string Id, string Speaker, string Partition, int Rows, int Columns, string Npy, string Sidecar)
{
    /// <summary>Blob (relative to the index) of the 1 × columns trailing spectral row (<see cref="LldMatrix.TrailingSpectralRow"/>), if any.</summary>
    public string? Tail { get; init; }

    /// <summary>Pitch frames decided when the input ended (<see cref="LldMatrix.PitchFramesDecidedAtEnd"/>), if known.</summary>
    public int? PitchFramesDecided { get; init; }
}
