using System.Globalization;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>
/// An End2You job on the <c>lstm-training</c> queue (the same queue and worker as the LSTMs and auDeep, told apart by
/// <see cref="Kind"/>): train the end-to-end model of one categorical corpus from the raw audio of its train partition
/// (devel chooses the epoch), read from <c>corpora/</c> at the version the run ingested. The worker writes
/// <c>models/{ModelKey}/end2you.onnx</c>, <c>metrics.json</c>, and last <c>end2you.json</c> (an
/// <see cref="End2YouModelDescription"/>: its presence means done).
/// </summary>
/// <param name="ModelKey">Content address of the model (see <see cref="ComputeKey"/>).</param>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="Seed">Seed of the initial weights and the batch order.</param>
/// <param name="Parameters">Hyper-parameters (<see cref="End2YouSpec.Enabled"/> is ignored).</param>
/// <param name="RecordKey">Content key of the corpus's ingest record (hashed into <paramref name="ModelKey"/>).</param>
/// <param name="RecordBlob">Blob (in <c>artifacts</c>) of that record: the files, partitions, labels and audio hashes.</param>
public sealed record End2YouTrainingJob(string ModelKey, string Corpus, long Seed, End2YouSpec Parameters, string RecordKey, string RecordBlob) : IQueuedTrainingJob
{
    /// <summary>The <c>kind</c> of an End2You message.</summary>
    public const string JobKind = "end2you";

    /// <summary>The End2You kind of queued job (message kind, log names, done marker <see cref="End2YouModelBlobs.Model"/>).</summary>
    public static QueuedJobKind<End2YouTrainingJob> QueuedKind { get; } = new(JobKind, "End2You", "the End2You model", ComputeKey, End2YouModelBlobs.Model);

    /// <summary>Version of the End2You training stage; bump it when the trainer's output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage name in model keys.</summary>
    public const string Stage = "end2you-model";

    /// <summary>The message kind (always <see cref="JobKind"/>), so the worker dispatches the message to the End2You trainer.</summary>
    public string Kind => JobKind;

    /// <summary>The orchestration instance waiting for this job (not part of <see cref="ModelKey"/>).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>A job with its <see cref="ModelKey"/> computed from everything else.</summary>
    public static End2YouTrainingJob Create(string corpus, long seed, End2YouSpec parameters, string recordKey, string recordBlob)
    {
        var job = new End2YouTrainingJob(string.Empty, corpus, seed, parameters, recordKey, recordBlob);
        job.Validate();
        return job with { ModelKey = ComputeKey(job) };
    }

    /// <summary>The content address: hash of the stage version, corpus, seed, hyper-parameters and the ingest record's key.</summary>
    public static string ComputeKey(End2YouTrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var parameters = new Dictionary<string, string>(job.Parameters.ToKeyParameters(), StringComparer.Ordinal)
        {
            ["corpus"] = job.Corpus,
            ["seed"] = job.Seed.ToString(CultureInfo.InvariantCulture),
        };
        return ArtifactKey.Compute(Stage, Version, parameters, [job.RecordKey]);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field (<c>parameters.frames: …</c>).</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Corpus))
        {
            errors.Add("corpus: empty");
        }

        if (string.IsNullOrWhiteSpace(RecordKey) || string.IsNullOrWhiteSpace(RecordBlob))
        {
            errors.Add("recordKey, recordBlob: the corpus's ingest record is not named");
        }

        if (Parameters is null)
        {
            errors.Add("parameters: missing");
        }
        else
        {
            errors.AddRange(Parameters.Validate("parameters"));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"end2you training job: {string.Join("; ", errors)}");
        }
    }
}

/// <summary>A trained End2You model (<c>models/{key}/end2you.json</c>).</summary>
/// <param name="Corpus">The corpus it was trained on (train partition; devel chose the epoch).</param>
/// <param name="Classes">Class names in score order.</param>
/// <param name="Model">Blob name (in <c>models</c>) of the ONNX model: audio [batch, frames, frame samples] → class probabilities [batch, classes].</param>
/// <param name="Frames">Frames per utterance the model reads.</param>
/// <param name="FrameSamples">Samples per frame.</param>
/// <param name="BestEpoch">The epoch kept.</param>
/// <param name="DevelUar">Devel UAR of the exported model at training time (ONNX Runtime).</param>
/// <param name="Device">The torch device that trained it (bit-identity is promised for cpu).</param>
public sealed record End2YouModelDescription(string Corpus, IReadOnlyList<string> Classes, string Model, int Frames, int FrameSamples, int BestEpoch, double DevelUar, string Device);

/// <summary>Where an End2You job's outputs live; error, queued and waiter blobs are those of <see cref="LstmModelBlobs"/>.</summary>
public static class End2YouModelBlobs
{
    /// <summary>The model description, written last: its presence means the job is done.</summary>
    public static string Model(string key) => $"{key}/end2you.json";

    /// <summary>The ONNX model.</summary>
    public static string Onnx(string key) => $"{key}/end2you.onnx";
}
