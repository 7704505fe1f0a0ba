using System.Globalization;
using Affect.Audio;
using Affect.Features.AuDeep;
using Affect.Features.IO;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence.Onnx;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>Input of <see cref="SpectrogramsActivity"/>: one batch of files of one ingested corpus and the spectrogram settings.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="RecordKey">Key of the ingest artifact the batch refers to.</param>
/// <param name="RecordBlob">Blob of the ingest artifact.</param>
/// <param name="Start">Index of the batch's first file in the record.</param>
/// <param name="Count">Number of files in the batch.</param>
/// <param name="Options">The run's auDeep options (only the spectrogram settings are used here).</param>
public sealed record SpectrogramsBatch(string Corpus, string RecordKey, string RecordBlob, int Start, int Count, AuDeepOptions Options);

/// <summary>
/// auDeep's input (Freitag et al., JMLR 2018): the Mel spectrogram of every file of one batch, cut or padded to the
/// chunk length, power in dB clipped below each threshold and normalised to [−1, 1] (<see cref="MelSpectrogram"/>),
/// read from the stored audio, stored as a <see cref="SpectrogramArtifact"/> (one <c>.npy</c> per threshold) under
/// <c>artifacts/spectrograms/{key}/</c>. The training worker reads the train rows; the extraction reads every row.
/// </summary>
public sealed class SpectrogramsActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<SpectrogramsBatch, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage name (folder under <c>artifacts</c>).</summary>
    public const string Stage = "spectrograms";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(SpectrogramsBatch input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Options);
        var parameters = new Dictionary<string, string>(input.Options.SpectrogramKeyParameters(), StringComparer.Ordinal)
        {
            ["start"] = input.Start.ToString(CultureInfo.InvariantCulture),
            ["count"] = input.Count.ToString(CultureInfo.InvariantCulture),
        };
        string key = ArtifactKey.Compute(Stage, Version, parameters, [input.RecordKey]);
        return artifacts.GetOrCreateAsync(Stage, key, "spectrograms.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            if (input.Start < 0 || input.Count < 1 || input.Start + input.Count > record.Files.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(input), $"batch {input.Start}+{input.Count} is outside the {record.Files.Count} files of '{record.Corpus}'");
            }

            var options = SpectrogramOptions(input.Options);
            var files = record.Files.Skip(input.Start).Take(input.Count).ToList();
            var thresholds = input.Options.ThresholdsOrDefault;
            float[][]? matrices = null;
            int frames = 0, bands = 0;
            for (int i = 0; i < files.Count; i++)
            {
                string source = $"{Containers.Corpora}/{files[i].Audio}";
                var audio = await CorpusFiles.ReadVerifiedAsync(store, files[i].Audio, files[i].Sha256, ct);
                var clip = AudioLoader.LoadMono(new MemoryStream(audio, writable: false), source, AudioLoader.DefaultSampleRate);
                IReadOnlyList<SpectrogramMatrix> spectrograms;
                try
                {
                    spectrograms = MelSpectrogram.Compute(clip.Samples, clip.SampleRate, options);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"{source}: audio: {e.Message}", e);
                }

                if (matrices is null)
                {
                    (frames, bands) = (spectrograms[0].Frames, spectrograms[0].Bands);
                    matrices = [.. thresholds.Select(_ => new float[files.Count * frames * bands])];
                }

                for (int t = 0; t < thresholds.Count; t++)
                {
                    spectrograms[t].Values.CopyTo(matrices[t], i * frames * bands);
                }
            }

            var side = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var names = new List<string>();
            for (int t = 0; t < thresholds.Count; t++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"clip-{-thresholds[t]:0.##}dB.npy");
                using var ms = new MemoryStream();
                NpyFormat.Write(ms, matrices![t], files.Count, frames * bands);
                side[name] = ms.ToArray();
                names.Add(name);
            }

            var doc = new SpectrogramArtifact(record.Corpus, input.Start, [.. files.Select(f => f.Id)], [.. files.Select(f => f.Partition)], frames, bands, thresholds, names);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(doc), side);
        }, cancellationToken);
    }

    /// <summary>The <see cref="MelSpectrogramOptions"/> of a run's auDeep options.</summary>
    public static MelSpectrogramOptions SpectrogramOptions(AuDeepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new MelSpectrogramOptions(
            WindowSeconds: options.WindowSeconds,
            OverlapSeconds: options.WindowSeconds - options.HopSeconds,
            MelBands: options.MelBands,
            FixedSeconds: options.ChunkSeconds,
            CenterFixed: true,
            ClipBelowDb: options.ThresholdsOrDefault);
        result.Validate();
        return result;
    }
}

/// <summary>Input of <see cref="EnqueueAuDeepTrainingActivity"/>.</summary>
/// <param name="Corpus">The corpus whose train partition trains the autoencoders.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Parameters">Hyper-parameters.</param>
/// <param name="SpectrogramBlobs">The corpus's <see cref="SpectrogramsActivity"/> artifacts (main blobs), in record order.</param>
/// <param name="ReplyTo">The orchestration instance to tell when the job ends.</param>
public sealed record AuDeepTrainingRequest(string Corpus, long Seed, AuDeepJobParameters Parameters, IReadOnlyList<string> SpectrogramBlobs, string? ReplyTo) : IQueuedTrainingRequest<AuDeepTrainingJob>
{
    /// <inheritdoc />
    public AuDeepTrainingJob ToJob() => AuDeepTrainingJob.Create(Corpus, Seed, Parameters, SpectrogramBlobs) with { ReplyTo = ReplyTo };
}

/// <summary>Queues an <see cref="AuDeepTrainingJob"/> (see <see cref="EnqueueQueuedJobActivity{TRequest, TJob}"/>).</summary>
public sealed class EnqueueAuDeepTrainingActivity(IBlobStore store, ITrainingQueue queue)
    : EnqueueQueuedJobActivity<AuDeepTrainingRequest, AuDeepTrainingJob>(store, queue, AuDeepTrainingJob.QueuedKind);

/// <summary>Whether a queued auDeep model (<c>models/{key}/audeep.json</c>) exists, or the job's give-up error.</summary>
public sealed class CheckAuDeepModelActivity(IBlobStore store) : CheckQueuedModelActivity(store, AuDeepTrainingJob.QueuedKind);

/// <summary>Input of <see cref="ExtractAuDeepActivity"/>.</summary>
/// <param name="Corpus">The corpus.</param>
/// <param name="Spectrograms">One <see cref="SpectrogramsActivity"/> artifact of it.</param>
/// <param name="ModelKey">The trained auDeep model's key.</param>
/// <param name="ModelBlob">Its <c>audeep.json</c> in <c>models</c>.</param>
public sealed record AuDeepExtractRequest(string Corpus, ArtifactRef Spectrograms, string ModelKey, string ModelBlob);

/// <summary>
/// auDeep representations of one spectrogram batch: every threshold's ONNX encoder run with ONNX Runtime (one intra-op
/// thread, reproducible) on that threshold's spectrograms, the representations concatenated in threshold order, stored
/// as <c>audeep.npy</c> + <c>audeep.json</c> (a <see cref="FunctionalsArtifact"/>) under <c>artifacts/audeep/{key}/</c>;
/// <see cref="BuildFeatureSetActivity"/> turns these into the feature set <c>AuDeep</c>.
/// </summary>
public sealed class ExtractAuDeepActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<AuDeepExtractRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>File name of the matrix inside the artifact.</summary>
    public const string MatrixFile = "audeep.npy";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(AuDeepExtractRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string key = ArtifactKey.Compute("audeep", Version, new Dictionary<string, string> { ["model"] = input.ModelKey }, [input.Spectrograms.Key]);
        return artifacts.GetOrCreateAsync("audeep", key, "audeep.json", async ct =>
        {
            var model = await store.GetJsonAsync<AuDeepModel>(Containers.Models, input.ModelBlob, MemoizedArtifacts.Json, ct);
            var batch = await artifacts.ReadJsonAsync<SpectrogramArtifact>(input.Spectrograms.Blob, ct);
            if (batch.Frames != model.Frames || batch.Bands != model.Bands || !batch.Thresholds.SequenceEqual(model.Thresholds))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{Containers.Models}/{input.ModelBlob}: the encoders take [{model.Frames} × {model.Bands}] spectrograms clipped at {string.Join(", ", model.Thresholds)} dB, {Containers.Artifacts}/{input.Spectrograms.Blob} holds [{batch.Frames} × {batch.Bands}] at {string.Join(", ", batch.Thresholds)} dB"));
            }

            int count = batch.Ids.Count, size = model.RepresentationSize, width = size * model.Thresholds.Count;
            var values = new float[count * width];
            string folder = input.Spectrograms.Blob[..(input.Spectrograms.Blob.LastIndexOf('/') + 1)];
            for (int t = 0; t < model.Thresholds.Count; t++)
            {
                ct.ThrowIfCancellationRequested();
                var (spectrograms, rows, cols) = NpyFormat.Read(new MemoryStream(await artifacts.ReadBytesAsync(folder + batch.Matrices[t], ct), writable: false), $"{Containers.Artifacts}/{folder}{batch.Matrices[t]}");
                if (rows != count || cols != batch.Frames * batch.Bands)
                {
                    throw new InvalidDataException($"{Containers.Artifacts}/{folder}{batch.Matrices[t]}: shape: {rows}×{cols}, its index names {count} files of {batch.Frames}×{batch.Bands}");
                }

                string encoderName = $"{Containers.Models}/{model.Encoders[t]}";
                using var encoder = OnnxPredictor.Load(await store.GetBytesAsync(Containers.Models, model.Encoders[t], ct), encoderName);
                var output = encoder.Run(new OnnxFloatTensor(spectrograms, count, batch.Frames, batch.Bands));
                if (output.Shape.Count != 2 || output.Shape[0] != count || output.Shape[1] != size)
                {
                    throw new InvalidDataException($"{encoderName}: output shape [{string.Join(", ", output.Shape)}] is not [{count}, {size}]");
                }

                for (int i = 0; i < count; i++)
                {
                    output.Values.AsSpan(i * size, size).CopyTo(values.AsSpan((i * width) + (t * size)));
                }
            }

            using var ms = new MemoryStream();
            NpyFormat.Write(ms, values, count, width);
            var doc = new FunctionalsArtifact(batch.Corpus, batch.Start, batch.Ids, batch.Partitions, MatrixFile, AuDeepModelBlobs.FeatureNames(model.Thresholds, size));
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(doc), new Dictionary<string, byte[]> { [MatrixFile] = ms.ToArray() });
        }, cancellationToken);
    }
}
