using System.Globalization;
using Affect.Audio;
using Affect.Features;
using Affect.Features.EGeMaps;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// The 88 eGeMAPS v02 functionals (openSMILE <c>eGeMAPSv02.conf</c> semantics, <see cref="EGeMapsV02"/>) of every file of
/// one batch of an ingested corpus, computed from the audio: <c>egemaps.npy</c> (files × 88 float32, record order) and
/// <c>egemaps.json</c> (a <see cref="FunctionalsArtifact"/>: ids, partitions, feature names) under <c>artifacts/egemaps/{key}/</c>.
/// <see cref="BuildFeatureSetActivity"/> turns these into the EGEMAPS feature set beside OSFUN.
/// </summary>
public sealed class EGeMapsActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<EGeMapsBatch, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>File name of the matrix inside the artifact.</summary>
    public const string MatrixFile = "egemaps.npy";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(EGeMapsBatch input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string key = ArtifactKey.Compute(
            "egemaps",
            Version,
            new Dictionary<string, string>
            {
                ["start"] = input.Start.ToString(CultureInfo.InvariantCulture),
                ["count"] = input.Count.ToString(CultureInfo.InvariantCulture),
            },
            [input.RecordKey]);
        return artifacts.GetOrCreateAsync("egemaps", key, "egemaps.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            if (input.Start < 0 || input.Count < 0 || input.Start + input.Count > record.Files.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(input), $"batch {input.Start}+{input.Count} is outside the {record.Files.Count} files of '{record.Corpus}'");
            }

            var files = record.Files.Skip(input.Start).Take(input.Count).ToList();
            var values = new float[files.Count * EGeMapsV02.FunctionalCount];
            for (int i = 0; i < files.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                string source = $"{Containers.Corpora}/{files[i].Audio}";
                await using var stream = await store.OpenReadAsync(Containers.Corpora, files[i].Audio, ct);
                using var buffered = new MemoryStream();
                await stream.CopyToAsync(buffered, ct);
                buffered.Position = 0;
                var clip = AudioLoader.LoadMono(buffered, source, AudioLoader.DefaultSampleRate);
                if (clip.Samples.Length < 960)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: duration: {clip.DurationSeconds:F3} s is shorter than one 60 ms frame"));
                }

                // openSMILE's wave-source scaling, as for the LLDs, so the values equal SMILExtract's.
                var samples = new float[clip.Samples.Length];
                LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample), samples);
                EGeMapsV02.ExtractFunctionals(samples).CopyTo(values.AsSpan(i * EGeMapsV02.FunctionalCount));
            }

            using var ms = new MemoryStream();
            NpyFormat.Write(ms, values, files.Count, EGeMapsV02.FunctionalCount);
            var doc = new FunctionalsArtifact(
                record.Corpus,
                input.Start,
                [.. files.Select(f => f.Id)],
                [.. files.Select(f => f.Partition)],
                MatrixFile,
                EGeMapsV02.FunctionalNames);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(doc), new Dictionary<string, byte[]> { [MatrixFile] = ms.ToArray() });
        }, cancellationToken);
    }
}

/// <summary>Input of <see cref="EGeMapsActivity"/>: one batch of files of one ingested corpus.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="RecordKey">Key of the ingest artifact the batch refers to.</param>
/// <param name="RecordBlob">Blob of the ingest artifact.</param>
/// <param name="Start">Index of the batch's first file in the record.</param>
/// <param name="Count">Number of files in the batch.</param>
public sealed record EGeMapsBatch(string Corpus, string RecordKey, string RecordBlob, int Start, int Count);
