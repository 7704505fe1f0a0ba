using System.Text;
using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>
/// The trainer's view of a stored corpus (§3.2 inputs): the frame features come from the stage-2 LLD artifacts of the
/// run (65 ComParE 2016 LLDs + deltas per 10 ms frame), the annotations from the label files the ingest record names,
/// each checked against its ingest hash, so the trainer sees exactly the corpus version the run was keyed on.
/// </summary>
public static class StoredSequenceCorpus
{
    /// <summary>Loads <paramref name="source"/> for <paramref name="target"/> from the stored LLDs and labels.</summary>
    /// <param name="store">The store holding <c>artifacts</c> and <c>corpora</c>.</param>
    /// <param name="source">The corpus's ingest record and LLD indexes.</param>
    /// <param name="target">arousal or valence.</param>
    /// <param name="labels">Annotator-lag handling.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CorpusChangedException">The manifest or a label file changed after ingest.</exception>
    /// <exception cref="InvalidDataException">An LLD artifact is missing a file of the record or is malformed.</exception>
    public static async Task<SequenceCorpus> LoadAsync(IBlobStore store, LstmCorpusSource source, string target, LabelOptions labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(source);
        var record = await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, source.RecordBlob, MemoizedArtifacts.Json, cancellationToken);
        var manifestBytes = await CorpusFiles.ReadVerifiedAsync(store, record.ManifestBlob, record.ManifestSha256, cancellationToken);
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(manifestBytes), $"{Containers.Corpora}/{record.ManifestBlob}");

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string prefix = record.Corpus + "/";
        foreach (var file in record.Files.Where(f => f.Labels is not null))
        {
            files[file.Labels![prefix.Length..]] = await CorpusFiles.ReadVerifiedAsync(store, file.Labels, file.LabelsSha256, cancellationToken);
        }

        var byId = new Dictionary<string, FeatureMatrix>(StringComparer.Ordinal);
        foreach (string indexBlob in source.LldIndexBlobs)
        {
            var index = await store.GetJsonAsync<LldIndex>(Containers.Artifacts, indexBlob, MemoizedArtifacts.Json, cancellationToken);
            string folder = indexBlob[..(indexBlob.LastIndexOf('/') + 1)];
            double rate = Math.Round(1.0 / index.FrameStepSeconds, 9);
            foreach (var entry in index.Files)
            {
                string name = $"{Containers.Artifacts}/{folder}{entry.Npy}";
                var bytes = await store.GetBytesAsync(Containers.Artifacts, folder + entry.Npy, cancellationToken);
                var (values, rows, cols) = NpyFormat.Read(new MemoryStream(bytes, writable: false), name);
                byId[entry.Id] = new FeatureMatrix(values, rows, cols, rate);
            }
        }

        var matrices = manifest.Files.Select(f => byId.TryGetValue(f.Id, out var m)
            ? m
            : throw new InvalidDataException($"{Containers.Artifacts}/{source.RecordBlob}: files[{f.Id}]: no stored LLDs of this file in the job's {source.LldIndexBlobs.Count} LLD artifact(s)")).ToList();
        return SequenceCorpus.Load(new InMemoryCorpusSource(files), manifest, target, new CorpusFeatures(LstmCorpusSource.Features, matrices), labels);
    }

    /// <summary>
    /// Loads corpus <paramref name="corpus"/> straight from <c>corpora/</c> through another front-end (no stored LLDs:
    /// the audio is read from the store and <paramref name="extractor"/> runs on it).
    /// </summary>
    public static async Task<SequenceCorpus> LoadWithExtractorAsync(IBlobStore store, string corpus, string target, IFrameFeatureExtractor extractor, LabelOptions labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string manifestBlob = $"{corpus}/{CorpusManifest.FileName}";
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Corpora, manifestBlob, cancellationToken)), $"{Containers.Corpora}/{manifestBlob}");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var f in manifest.Files)
        {
            foreach (string path in f.Labels is null ? [f.Audio] : new[] { f.Audio, f.Labels.Path })
            {
                files[path] = await store.GetBytesAsync(Containers.Corpora, $"{corpus}/{path}", cancellationToken);
            }
        }

        return SequenceCorpus.Load(new InMemoryCorpusSource(files), manifest, target, extractor, labels);
    }

    /// <summary>Corpus files already read from the store, by corpus-relative path.</summary>
    private sealed class InMemoryCorpusSource(IReadOnlyDictionary<string, byte[]> files) : ICorpusFileSource
    {
        public bool Exists(string relativePath) => files.ContainsKey(relativePath);

        public Stream Open(string relativePath) => files.TryGetValue(relativePath, out var bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new FileNotFoundException($"{relativePath}: not among the corpus files read from the store", relativePath);
    }
}
