using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Stage 1 (Fig. 1): reads <c>corpora/{corpus}/manifest.json</c>, validates the manifest, audio and labels, and stores a
/// <see cref="CorpusRecord"/> keyed by the corpus content, so an unchanged upload is never processed twice.
/// </summary>
public sealed class IngestCorpusActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<IngestRequest, IngestedCorpus>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 2;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public async Task<IngestedCorpus> RunAsync(IngestRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string manifestBlob = $"{input.Corpus}/manifest.json";
        BlobName.Validate(Containers.Corpora, manifestBlob);
        string source = $"{Containers.Corpora}/{manifestBlob}";
        if (await store.GetInfoAsync(Containers.Corpora, manifestBlob, cancellationToken) is null)
        {
            throw new CorpusFormatException([new CorpusProblem(source, "manifest", "not found: upload the corpus's manifest.json last, after its audio and labels")]);
        }

        byte[] manifestBytes = await store.GetBytesAsync(Containers.Corpora, manifestBlob, cancellationToken);
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(manifestBytes), source);
        var files = new StoreCorpusSource(store, input.Corpus);
        var problems = CorpusValidator.Validate(manifest, files);
        if (problems.Count > 0)
        {
            throw new CorpusFormatException(problems);
        }

        // The corpus's content address: the manifest and every file it references, hashed in a fixed order.
        var fileHashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in ReferencedFiles(manifest))
        {
            byte[] bytes = await store.GetBytesAsync(Containers.Corpora, $"{input.Corpus}/{path}", cancellationToken);
            fileHashes[path] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        var canonical = new StringBuilder();
        canonical.Append("manifest\n").Append(Convert.ToHexStringLower(SHA256.HashData(manifestBytes))).Append('\n');
        foreach (var (path, hash) in fileHashes)
        {
            canonical.Append(path).Append('\n').Append(hash).Append('\n');
        }

        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        string key = ArtifactKey.Compute("ingest", Version, new Dictionary<string, string> { ["corpus"] = input.Corpus }, [fingerprint]);
        var record = await artifacts.GetOrCreateAsync("ingest", key, "corpus.json", async ct =>
        {
            var rows = new List<CorpusRecordFile>(manifest.Files.Count);
            foreach (var f in manifest.Files)
            {
                byte[] audio = await CorpusFiles.ReadVerifiedAsync(store, $"{input.Corpus}/{f.Audio}", fileHashes[f.Audio], ct);
                using var buffered = new MemoryStream(audio, writable: false);
                var header = WavReader.ReadHeader(buffered, $"{Containers.Corpora}/{input.Corpus}/{f.Audio}");
                double duration = Math.Round(header.FrameCount / (double)header.SampleRate, 6, MidpointRounding.ToEven);
                rows.Add(new CorpusRecordFile(
                    f.Id,
                    $"{input.Corpus}/{f.Audio}",
                    f.Speaker,
                    f.Partition.ToString().ToLowerInvariant(),
                    f.Label,
                    f.Labels is null ? null : $"{input.Corpus}/{f.Labels.Path}",
                    fileHashes[f.Audio],
                    header.SampleRate,
                    duration)
                {
                    LabelsSha256 = f.Labels is null ? null : fileHashes[f.Labels.Path],
                });
            }

            var corpusRecord = new CorpusRecord(input.Corpus, manifest.Kind.ToString().ToLower(CultureInfo.InvariantCulture), fingerprint, rows)
            {
                ManifestSha256 = Convert.ToHexStringLower(SHA256.HashData(manifestBytes)),
            };
            return ArtifactFiles.Only(MemoizedArtifacts.ToJsonBytes(corpusRecord));
        }, cancellationToken);
        var labelled = manifest.Files.Where(f => f.Label is not null).Select(f => f.Partition.ToString().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new IngestedCorpus(input.Corpus, record, manifest.Files.Count, manifest.Kind.ToString().ToLower(CultureInfo.InvariantCulture), labelled);
    }

    private static IEnumerable<string> ReferencedFiles(CorpusManifest manifest)
    {
        foreach (var f in manifest.Files)
        {
            yield return f.Audio;
            if (f.Labels is not null)
            {
                yield return f.Labels.Path;
            }
        }
    }
}

/// <summary>Presents a corpus stored under <c>corpora/{corpus}/</c> to the validator.</summary>
internal sealed class StoreCorpusSource(IBlobStore store, string corpus) : ICorpusFileSource
{
    public bool Exists(string relativePath) =>
        IsSafe(relativePath) && store.GetInfoAsync(Containers.Corpora, $"{corpus}/{relativePath}").GetAwaiter().GetResult() is not null;

    public Stream Open(string relativePath)
    {
        if (!IsSafe(relativePath))
        {
            throw new ArgumentException($"'{relativePath}' is not a safe relative path inside the corpus", nameof(relativePath));
        }

        byte[] bytes = store.GetBytesAsync(Containers.Corpora, $"{corpus}/{relativePath}").GetAwaiter().GetResult();
        return new MemoryStream(bytes, writable: false);
    }

    private bool IsSafe(string relativePath)
    {
        try
        {
            BlobName.Validate(Containers.Corpora, $"{corpus}/{relativePath}");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
