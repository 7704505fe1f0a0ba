using Affect.Audio;
using Affect.Learning;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence.Onnx;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>Input of <see cref="EnqueueEnd2YouTrainingActivity"/>.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Parameters">Hyper-parameters.</param>
/// <param name="RecordKey">Key of the corpus's ingest record.</param>
/// <param name="RecordBlob">Blob of the ingest record.</param>
/// <param name="ReplyTo">The orchestration instance to tell when the job ends.</param>
public sealed record End2YouTrainingRequest(string Corpus, long Seed, End2YouSpec Parameters, string RecordKey, string RecordBlob, string? ReplyTo) : IQueuedTrainingRequest<End2YouTrainingJob>
{
    /// <inheritdoc />
    public End2YouTrainingJob ToJob() => End2YouTrainingJob.Create(Corpus, Seed, Parameters, RecordKey, RecordBlob) with { ReplyTo = ReplyTo };
}

/// <summary>Queues an <see cref="End2YouTrainingJob"/> (see <see cref="EnqueueQueuedJobActivity{TRequest, TJob}"/>).</summary>
public sealed class EnqueueEnd2YouTrainingActivity(IBlobStore store, ITrainingQueue queue)
    : EnqueueQueuedJobActivity<End2YouTrainingRequest, End2YouTrainingJob>(store, queue, End2YouTrainingJob.QueuedKind);

/// <summary>Whether a queued End2You model (<c>models/{key}/end2you.json</c>) exists, or the job's give-up error.</summary>
public sealed class CheckEnd2YouModelActivity(IBlobStore store) : CheckQueuedModelActivity(store, End2YouTrainingJob.QueuedKind);

/// <summary>Input of <see cref="ScoreEnd2YouActivity"/>.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="RecordKey">Key of its ingest record.</param>
/// <param name="RecordBlob">Blob of its ingest record.</param>
/// <param name="ModelKey">The trained model's key.</param>
/// <param name="ModelBlob">Its <c>end2you.json</c> in <c>models</c>.</param>
public sealed record End2YouScoreRequest(string Corpus, string RecordKey, string RecordBlob, string ModelKey, string ModelBlob);

/// <summary>
/// The End2You baseline's class scores: the trained ONNX model run with ONNX Runtime (one intra-op thread, reproducible)
/// on every devel and test utterance of the corpus, read from <c>corpora/</c> at the ingested version, standardised and
/// cut as in training (<see cref="StandardizedExcerpt"/>). Stored like a learner's classification under
/// <c>artifacts/end2you/{key}/</c>: <c>metrics.json</c> (a <see cref="ClassifyMetrics"/> with learner
/// <see cref="Learner"/>), <c>devel.scores.csv</c> and <c>test.scores.csv</c> (the learners' layout), so the END2YOU
/// row of Table 2 and the fusion member <c>end2you</c> read it as they read a learner.
/// </summary>
public sealed class ScoreEnd2YouActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<End2YouScoreRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage name (folder under <c>artifacts</c>).</summary>
    public const string Stage = "end2you";

    /// <summary>The feature-set name of the END2YOU rows (the paper's Table 2 spelling).</summary>
    public const string FeatureSet = "END2YOU";

    /// <summary>The learner name of the END2YOU rows: the convolutional front-end and the GRU of <c>End2YouModel</c>.</summary>
    public const string Learner = "cnn+gru";

    /// <summary>Utterances per ONNX Runtime call (bounds the memory of a large corpus).</summary>
    private const int Chunk = 64;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(End2YouScoreRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string key = ArtifactKey.Compute(Stage, Version, new Dictionary<string, string> { ["model"] = input.ModelKey }, [input.RecordKey]);
        return artifacts.GetOrCreateAsync(Stage, key, "metrics.json", async ct =>
        {
            var model = await store.GetJsonAsync<End2YouModelDescription>(Containers.Models, input.ModelBlob, MemoizedArtifacts.Json, ct);
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            string modelName = $"{Containers.Models}/{model.Model}";
            using var predictor = OnnxPredictor.Load(await store.GetBytesAsync(Containers.Models, model.Model, ct), modelName);
            var side = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var scores = new Dictionary<string, (FusionScore Score, int[][]? Confusion)>(StringComparer.Ordinal);
            foreach (string partition in new[] { "devel", "test" })
            {
                var files = record.Files.Where(f => f.Partition == partition).ToList();
                var matrix = await ScoreAsync(predictor, modelName, model, files, ct);
                var truth = files.Select(f => f.Label is null ? -1 : IndexOf(model.Classes, f.Label, input.RecordBlob, f.Id)).ToArray();
                side[$"{partition}.scores.csv"] = FusionInputs.ScoreCsv([.. files.Select(f => f.Id)], matrix, model.Classes);
                scores[partition] = (FusionInputs.Score(matrix, truth, model.Classes.Count), Confusion(matrix, truth, model.Classes.Count));
            }

            var (devel, test) = (scores["devel"], scores["test"]);
            var metrics = new ClassifyMetrics(Learner, model.Classes, null, null, [], devel.Score.Uar, devel.Score.War, test.Score.Uar, test.Score.War, devel.Confusion, test.Confusion);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(metrics), side);
        }, cancellationToken);
    }

    // Class probabilities [files × classes] of the model on the files' audio, in chunks of Chunk utterances.
    private async Task<RealMatrix> ScoreAsync(OnnxPredictor predictor, string modelName, End2YouModelDescription model, IReadOnlyList<CorpusRecordFile> files, CancellationToken ct)
    {
        int samples = model.Frames * model.FrameSamples, classes = model.Classes.Count;
        var result = new RealMatrix(files.Count, classes);
        for (int start = 0; start < files.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, files.Count - start);
            var values = new float[n * samples];
            for (int i = 0; i < n; i++)
            {
                var file = files[start + i];
                var audio = await CorpusFiles.ReadVerifiedAsync(store, file.Audio, file.Sha256, ct);
                var clip = AudioLoader.LoadMono(new MemoryStream(audio, writable: false), $"{Containers.Corpora}/{file.Audio}", AudioLoader.DefaultSampleRate);
                StandardizedExcerpt.Write(clip.Samples, values.AsSpan(i * samples, samples));
            }

            var output = predictor.Run(new OnnxFloatTensor(values, n, model.Frames, model.FrameSamples));
            if (output.Shape.Count != 2 || output.Shape[0] != n || output.Shape[1] != classes)
            {
                throw new InvalidDataException($"{modelName}: output shape [{string.Join(", ", output.Shape)}] is not [{n}, {classes}]");
            }

            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < classes; k++)
                {
                    result[start + i, k] = output.Values[(i * classes) + k];
                }
            }
        }

        return result;
    }

    private static int[][]? Confusion(RealMatrix scores, int[] truth, int classes)
    {
        var labelled = Enumerable.Range(0, truth.Length).Where(i => truth[i] >= 0).ToArray();
        if (labelled.Length == 0)
        {
            return null;
        }

        var predicted = TargetCoding.ArgMax(scores);
        var m = Metrics.ConfusionMatrix([.. labelled.Select(i => truth[i])], [.. labelled.Select(i => predicted[i])], classes);
        return [.. Enumerable.Range(0, classes).Select(t => Enumerable.Range(0, classes).Select(p => m[t, p]).ToArray())];
    }

    private static int IndexOf(IReadOnlyList<string> classes, string label, string recordBlob, string id)
    {
        for (int k = 0; k < classes.Count; k++)
        {
            if (classes[k] == label)
            {
                return k;
            }
        }

        throw new InvalidDataException($"{Containers.Artifacts}/{recordBlob}: {id}: label: '{label}' is not one of the model's classes ({string.Join(", ", classes)})");
    }
}
