using System.Globalization;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>
/// Hyper-parameters of an auDeep autoencoder job, always taken from the spec's options
/// (<see cref="Orchestration.AuDeepOptions.JobParameters"/>: their meaning and their one set of defaults).
/// </summary>
/// <param name="Units">GRU units per layer and direction.</param>
/// <param name="Layers">GRU layers.</param>
/// <param name="Epochs">Training epochs.</param>
/// <param name="BatchSize">Spectrograms per Adam step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="KeepProbability">Dropout keep probability.</param>
/// <param name="BidirectionalEncoder">Bidirectional encoder GRU.</param>
public sealed record AuDeepJobParameters(
    int Units,
    int Layers,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double KeepProbability,
    bool BidirectionalEncoder)
{
    /// <summary>The parameters as the canonical name → value map hashed into the model key.</summary>
    public IReadOnlyDictionary<string, string> ToKeyParameters() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["units"] = Units.ToString(CultureInfo.InvariantCulture),
        ["layers"] = Layers.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["batch"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["keep"] = KeepProbability.ToString("R", CultureInfo.InvariantCulture),
        ["bidirectionalEncoder"] = BidirectionalEncoder ? "1" : "0",
    };
}

/// <summary>
/// An auDeep job on the <c>lstm-training</c> queue (the same queue and worker as the Table 1 LSTMs, told apart by
/// <see cref="Kind"/>): train one recurrent autoencoder per clip threshold on the train-partition spectrograms of one
/// corpus, read from the run's stored spectrogram artifacts. The worker writes
/// <c>models/{ModelKey}/encoder-{N}dB.onnx</c> per threshold, <c>metrics.json</c>, and last <c>audeep.json</c> (an
/// <see cref="AuDeepModel"/>: its presence means done).
/// </summary>
/// <param name="ModelKey">Content address of the encoders (see <see cref="ComputeKey"/>).</param>
/// <param name="Corpus">The corpus whose train partition trains the autoencoders.</param>
/// <param name="Seed">Seed of the weights, the batch order and the dropout masks.</param>
/// <param name="Parameters">Hyper-parameters.</param>
/// <param name="SpectrogramBlobs">Blobs (in <c>artifacts</c>) of the corpus's <see cref="SpectrogramArtifact"/>s; their names carry the artifacts' content keys.</param>
public sealed record AuDeepTrainingJob(string ModelKey, string Corpus, long Seed, AuDeepJobParameters Parameters, IReadOnlyList<string> SpectrogramBlobs) : IQueuedTrainingJob
{
    /// <summary>The <c>kind</c> of an auDeep message; a message without one is an <see cref="LstmTrainingJob"/>.</summary>
    public const string JobKind = "audeep";

    /// <summary>The auDeep kind of queued job (message kind, log names, done marker <see cref="AuDeepModelBlobs.Model"/>).</summary>
    public static QueuedJobKind<AuDeepTrainingJob> QueuedKind { get; } = new(JobKind, "auDeep", "the auDeep autoencoders", ComputeKey, AuDeepModelBlobs.Model);

    /// <summary>Version of the auDeep training stage; bump it when the trainer's output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage name in model keys.</summary>
    public const string Stage = "audeep-model";

    /// <summary>The message kind (always <see cref="JobKind"/>), so the worker dispatches the message to the auDeep trainer.</summary>
    public string Kind => JobKind;

    /// <summary>The orchestration instance waiting for this job (not part of <see cref="ModelKey"/>).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>A job with its <see cref="ModelKey"/> computed from everything else.</summary>
    public static AuDeepTrainingJob Create(string corpus, long seed, AuDeepJobParameters parameters, IReadOnlyList<string> spectrogramBlobs)
    {
        var job = new AuDeepTrainingJob(string.Empty, corpus, seed, parameters, spectrogramBlobs);
        job.Validate();
        return job with { ModelKey = ComputeKey(job) };
    }

    /// <summary>The content address: hash of the stage version, corpus, seed, parameters and spectrogram artifacts.</summary>
    public static string ComputeKey(AuDeepTrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var parameters = new Dictionary<string, string>(job.Parameters.ToKeyParameters(), StringComparer.Ordinal)
        {
            ["corpus"] = job.Corpus,
            ["seed"] = job.Seed.ToString(CultureInfo.InvariantCulture),
        };
        return ArtifactKey.Compute(Stage, Version, parameters, job.SpectrogramBlobs);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Corpus))
        {
            errors.Add("corpus: empty");
        }

        if (SpectrogramBlobs is null || SpectrogramBlobs.Count == 0 || SpectrogramBlobs.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("spectrogramBlobs: none, or an empty name");
        }

        if (Parameters is null)
        {
            errors.Add("parameters: missing");
        }
        else
        {
            if (Parameters.Units < 1 || Parameters.Layers < 1 || Parameters.Epochs < 1 || Parameters.BatchSize < 1)
            {
                errors.Add("parameters: units, layers, epochs and batchSize must be at least 1");
            }

            if (!(Parameters.LearningRate > 0))
            {
                errors.Add($"parameters.learningRate: {Parameters.LearningRate} must be positive");
            }

            if (!(Parameters.KeepProbability > 0 && Parameters.KeepProbability <= 1))
            {
                errors.Add($"parameters.keepProbability: {Parameters.KeepProbability} is outside (0, 1]");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"audeep training job: {string.Join("; ", errors)}");
        }
    }
}

/// <summary>
/// The spectrograms of one batch of a corpus's files (<c>artifacts/spectrograms/{key}/spectrograms.json</c>): for every
/// clip threshold one <c>.npy</c> of files × (frames · bands) float32 values, rows in record order.
/// </summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Start">Index of the batch's first file in the corpus record.</param>
/// <param name="Ids">File ids, one per matrix row.</param>
/// <param name="Partitions">Partition of each row.</param>
/// <param name="Frames">Time steps of every spectrogram.</param>
/// <param name="Bands">Mel bands of every spectrogram.</param>
/// <param name="Thresholds">Clip thresholds in dB, one matrix each.</param>
/// <param name="Matrices">Blob names (relative to the artifact folder) of the matrices, in threshold order.</param>
public sealed record SpectrogramArtifact(string Corpus, int Start, IReadOnlyList<string> Ids, IReadOnlyList<string> Partitions, int Frames, int Bands, IReadOnlyList<double> Thresholds, IReadOnlyList<string> Matrices);

/// <summary>A trained auDeep model (<c>models/{key}/audeep.json</c>): one ONNX encoder per clip threshold.</summary>
/// <param name="Corpus">The corpus it was trained on (train partition).</param>
/// <param name="Thresholds">Clip thresholds in dB.</param>
/// <param name="Encoders">Blob names (in <c>models</c>) of the encoders, in threshold order: spectrogram [batch, frames, bands] → representation.</param>
/// <param name="Frames">Time steps the encoders were trained on.</param>
/// <param name="Bands">Mel bands.</param>
/// <param name="RepresentationSize">Length of each encoder's representation; the feature vector is their concatenation.</param>
/// <param name="Device">The torch device that trained it (bit-identity is promised for cpu only).</param>
public sealed record AuDeepModel(string Corpus, IReadOnlyList<double> Thresholds, IReadOnlyList<string> Encoders, int Frames, int Bands, int RepresentationSize, string Device);

/// <summary>Where an auDeep job's outputs live; error, queued and waiter blobs are those of <see cref="LstmModelBlobs"/>.</summary>
public static class AuDeepModelBlobs
{
    /// <summary>The model description, written last: its presence means the job is done.</summary>
    public static string Model(string key) => $"{key}/audeep.json";

    /// <summary>The encoder of one threshold, e.g. <c>{key}/encoder-30dB.onnx</c>.</summary>
    public static string Encoder(string key, double threshold) => string.Create(CultureInfo.InvariantCulture, $"{key}/encoder-{-threshold:0.##}dB.onnx");

    /// <summary>The feature names of the concatenated representation: <c>audeep_{N}dB_{j}</c>.</summary>
    public static IReadOnlyList<string> FeatureNames(IReadOnlyList<double> thresholds, int size) =>
        [.. thresholds.SelectMany(t => Enumerable.Range(0, size).Select(j => string.Create(CultureInfo.InvariantCulture, $"audeep_{-t:0.##}dB_{j}")))];
}
