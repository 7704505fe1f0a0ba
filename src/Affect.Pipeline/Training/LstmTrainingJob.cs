using System.Globalization;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>
/// Hyper-parameters of an LSTM training job (§3.3). Defaults follow the paper (Adam lr 0.001, 5 epochs, 8 s context
/// sparsed to 16 steps) and the trainer's documented choices (2 × 32 units, batch 32, MSE, 2 s annotator lag).
/// </summary>
/// <param name="Epochs">Epochs over the training corpus.</param>
/// <param name="HiddenSize">LSTM units per layer.</param>
/// <param name="Layers">Stacked LSTM layers.</param>
/// <param name="BatchSize">Windows per Adam step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="Loss"><c>mse</c> or <c>ccc</c> (1 − CCC).</param>
/// <param name="LagSeconds">Annotator lag to correct; null estimates it per corpus.</param>
/// <param name="StepFrames">Feature frames averaged per window step (1 = pure sparsing).</param>
/// <param name="Features">Front-end name: <c>compare2016-lld</c> (the paper's 130 LLDs) or <c>basic-prosody-10</c>.</param>
public sealed record LstmJobParameters(
    int Epochs = 5,
    int HiddenSize = 32,
    int Layers = 2,
    int BatchSize = 32,
    double LearningRate = 0.001,
    string Loss = "mse",
    double? LagSeconds = 2.0,
    int StepFrames = 1,
    string Features = "compare2016-lld")
{
    /// <summary>The parameters as the canonical name → value map hashed into the model key.</summary>
    public IReadOnlyDictionary<string, string> ToKeyParameters() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = HiddenSize.ToString(CultureInfo.InvariantCulture),
        ["layers"] = Layers.ToString(CultureInfo.InvariantCulture),
        ["batch"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["loss"] = Loss,
        ["lag"] = LagSeconds?.ToString("R", CultureInfo.InvariantCulture) ?? "auto",
        ["stepFrames"] = StepFrames.ToString(CultureInfo.InvariantCulture),
        ["features"] = Features,
    };
}

/// <summary>
/// One Table 1 training job on the <c>lstm-training</c> queue: train on one corpus, choose the epoch on a second, test
/// on an optional third. The worker writes <c>models/{ModelKey}/model.onnx</c> and <c>metrics.json</c>.
/// </summary>
/// <param name="ModelKey">Content address of the model (see <see cref="ComputeKey"/>).</param>
/// <param name="TrainCorpus">Corpus name under <c>corpora/</c>.</param>
/// <param name="ValidationCorpus">Corpus choosing the epoch.</param>
/// <param name="TestCorpus">Corpus scored for the report, or null.</param>
/// <param name="Target"><c>arousal</c> or <c>valence</c>.</param>
/// <param name="Seed">Seed of the initial weights and batch order.</param>
/// <param name="Parameters">Hyper-parameters.</param>
/// <param name="CorpusKeys">Content keys of the corpora (e.g. ingest record keys), so a changed corpus changes the model key.</param>
public sealed record LstmTrainingJob(
    string ModelKey,
    string TrainCorpus,
    string ValidationCorpus,
    string? TestCorpus,
    string Target,
    long Seed,
    LstmJobParameters Parameters,
    IReadOnlyList<string> CorpusKeys)
{
    /// <summary>Version of the training stage; bump it when the trainer's output changes (3: features from the stored stage-2 LLDs).</summary>
    public const int Version = 3;

    /// <summary>
    /// Where the worker reads each corpus: its ingest record and stage-2 LLD artifacts (so the trainer neither downloads
    /// audio nor extracts LLDs again). Null for a job that names only corpora (front-ends other than the stored LLDs).
    /// Their blob names carry the artifacts' content keys, so they are part of <see cref="ModelKey"/>.
    /// </summary>
    public IReadOnlyList<LstmCorpusSource>? Sources { get; init; }

    /// <summary>
    /// The orchestration instance waiting for this job: the worker raises its completion (model or error) to it, through
    /// the <c>lstm-completions</c> queue. Not part of <see cref="ModelKey"/>: every waiter of a key gets the same model.
    /// </summary>
    public string? ReplyTo { get; init; }

    /// <summary>The stage name in model keys.</summary>
    public const string Stage = "lstm";

    /// <summary>A job with its <see cref="ModelKey"/> computed from everything else.</summary>
    /// <param name="trainCorpus">Training corpus name.</param>
    /// <param name="validationCorpus">Corpus choosing the epoch.</param>
    /// <param name="testCorpus">Test corpus, or null.</param>
    /// <param name="target">arousal or valence.</param>
    /// <param name="seed">Training seed.</param>
    /// <param name="parameters">Hyper-parameters.</param>
    /// <param name="corpusKeys">Content keys of the corpora.</param>
    /// <param name="sources">Stored LLD sources of the corpora (see <see cref="Sources"/>), or null.</param>
    public static LstmTrainingJob Create(string trainCorpus, string validationCorpus, string? testCorpus, string target, long seed, LstmJobParameters parameters, IReadOnlyList<string>? corpusKeys = null, IReadOnlyList<LstmCorpusSource>? sources = null)
    {
        var job = new LstmTrainingJob(string.Empty, trainCorpus, validationCorpus, testCorpus, target, seed, parameters, corpusKeys ?? []) { Sources = sources };
        job.Validate();
        return job with { ModelKey = ComputeKey(job) };
    }

    /// <summary>The content address: hash of the stage version, target, seed, corpora, their keys and the parameters.</summary>
    public static string ComputeKey(LstmTrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var parameters = new Dictionary<string, string>(job.Parameters.ToKeyParameters(), StringComparer.Ordinal)
        {
            ["train"] = job.TrainCorpus,
            ["validation"] = job.ValidationCorpus,
            ["test"] = job.TestCorpus ?? string.Empty,
            ["target"] = job.Target,
            ["seed"] = job.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (job.Sources is { Count: > 0 } sources)
        {
            parameters["sources"] = string.Join("\n", sources.Select(c => c.Corpus + "=" + c.RecordBlob + ";" + string.Join(",", c.LldIndexBlobs)));
        }

        return ArtifactKey.Compute(Stage, Version, parameters, job.CorpusKeys);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[] { ("trainCorpus", TrainCorpus), ("validationCorpus", ValidationCorpus), ("target", Target) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{name}: empty");
            }
        }

        if (Target is not ("arousal" or "valence"))
        {
            errors.Add($"target: '{Target}' is not arousal or valence");
        }

        if (Sources is not null)
        {
            foreach (var corpus in new[] { TrainCorpus, ValidationCorpus, TestCorpus }.OfType<string>())
            {
                if (!Sources.Any(c => c.Corpus == corpus))
                {
                    errors.Add($"sources: no stored LLDs of corpus '{corpus}'");
                }
            }

            if (Parameters is not null && Parameters.Features != LstmCorpusSource.Features)
            {
                errors.Add($"parameters.features: '{Parameters.Features}' cannot be read from the stored LLDs ({LstmCorpusSource.Features})");
            }
        }

        if (Parameters is null)
        {
            errors.Add("parameters: missing");
        }
        else
        {
            if (Parameters.Epochs < 1 || Parameters.HiddenSize < 1 || Parameters.Layers < 1 || Parameters.BatchSize < 1 || Parameters.StepFrames < 1)
            {
                errors.Add("parameters: epochs, hiddenSize, layers, batchSize and stepFrames must be at least 1");
            }

            if (!(Parameters.LearningRate > 0))
            {
                errors.Add($"parameters.learningRate: {Parameters.LearningRate} must be positive");
            }

            if (Parameters.Loss is not ("mse" or "ccc"))
            {
                errors.Add($"parameters.loss: '{Parameters.Loss}' is not mse or ccc");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"lstm training job: {string.Join("; ", errors)}");
        }
    }
}

/// <summary>A corpus as the trainer reads it from the store: its ingest record and its stage-2 LLD artifacts.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="RecordBlob">Blob (in <c>artifacts</c>) of its ingest record: file order, speakers, label files and their hashes.</param>
/// <param name="LldIndexBlobs">Blobs (in <c>artifacts</c>) of its LLD batch indexes, in record order.</param>
public sealed record LstmCorpusSource(string Corpus, string RecordBlob, IReadOnlyList<string> LldIndexBlobs)
{
    /// <summary>The front-end of the stored LLDs: 65 ComParE 2016 LLDs + 65 deltas at 100 Hz.</summary>
    public const string Features = "compare2016-lld";
}

/// <summary>Where a job's outputs live: <c>models/{key}/model.onnx</c> (written last: its presence means done) and <c>metrics.json</c>.</summary>
public static class LstmModelBlobs
{
    /// <summary>The model blob name within the <c>models</c> container.</summary>
    public static string Model(string key) => $"{key}/model.onnx";

    /// <summary>The metrics blob name within the <c>models</c> container.</summary>
    public static string Metrics(string key) => $"{key}/metrics.json";

    /// <summary>
    /// The marker written (only if absent) before a job is queued: a second runner of the same run, or a resumed run
    /// whose killed predecessor already queued the job, finds it and waits for that job instead of queueing a duplicate.
    /// </summary>
    public static string Queued(string key) => $"{key}/queued.json";

    /// <summary>
    /// Written once the job's message is on the queue (after <see cref="Queued"/>): a marker without it is a job whose
    /// runner died between the marker and the message, which a later runner takes over instead of waiting for ever.
    /// </summary>
    public static string Enqueued(string key) => $"{key}/enqueued.json";

    /// <summary>
    /// Where a run that found its job already queued by another run registers to be told of the outcome (the queued
    /// message names only the first run); the worker announces the job's end to every waiter, then removes the entry.
    /// </summary>
    public static string Waiter(string key, string instanceId) =>
        $"{WaitersPrefix(key)}{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(instanceId)))[..32]}.json";

    /// <summary>The prefix of every waiter entry of <paramref name="key"/> (see <see cref="Waiter"/>).</summary>
    public static string WaitersPrefix(string key) => $"{key}/waiters/";

    /// <summary>The error blob a given-up job leaves (a <see cref="PoisonedJob"/>): the run waiting on it fails with its message.</summary>
    public static string Error(string key) => $"{key}/error.json";
}
