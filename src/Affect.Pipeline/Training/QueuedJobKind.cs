using System.Text.Json;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>
/// A training job queued on <c>lstm-training</c> beside the LSTMs and told apart by its <see cref="Kind"/> (auDeep,
/// End2You): what the enqueue activity, the model check and the worker need of every such job.
/// </summary>
public interface IQueuedTrainingJob
{
    /// <summary>The message kind the worker dispatches on (<see cref="QueuedJobKind.Name"/>).</summary>
    string Kind { get; }

    /// <summary>Content address of the job's result under <c>models/</c>.</summary>
    string ModelKey { get; }

    /// <summary>The corpus trained on (for log lines).</summary>
    string Corpus { get; }

    /// <summary>The orchestration instance waiting for this job (not part of <see cref="ModelKey"/>).</summary>
    string? ReplyTo { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    void Validate();
}

/// <summary>Trains one kind of queued job (the TorchSharp trainer lives outside the pipeline).</summary>
/// <typeparam name="TJob">The job kind.</typeparam>
public interface IQueuedJobRunner<TJob>
    where TJob : class, IQueuedTrainingJob
{
    /// <summary>Trains <paramref name="job"/> from what <paramref name="store"/> holds; returns the blobs to write under <c>models/</c>, the done marker (<see cref="QueuedJobKind.ModelBlob"/>) last.</summary>
    Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(TJob job, IBlobStore store, CancellationToken cancellationToken);
}

/// <summary>
/// One kind of queued training job, described once for the enqueue activity, the model check and the worker: its
/// message kind, how log lines name it, and its done marker (<c>models/{key}/…json</c>, written last). A new kind is a
/// job record implementing <see cref="IQueuedTrainingJob"/>, one <see cref="QueuedJobKind{TJob}"/>, and its trainer.
/// </summary>
/// <param name="name">The message's <c>kind</c>.</param>
/// <param name="title">How log lines name the kind (<c>auDeep</c>).</param>
/// <param name="product">What a job trains, for log lines (<c>the auDeep autoencoders</c>).</param>
public abstract class QueuedJobKind(string name, string title, string product)
{
    /// <summary>The message's <c>kind</c>.</summary>
    public string Name { get; } = name;

    /// <summary>How log lines name the kind, e.g. <c>auDeep</c>.</summary>
    public string Title { get; } = title;

    /// <summary>What a job of this kind trains, e.g. <c>the auDeep autoencoders</c>.</summary>
    public string Product { get; } = product;

    /// <summary>The done marker of a model key (in <c>models</c>): its presence means the job is done.</summary>
    public abstract string ModelBlob(string modelKey);
}

/// <summary>A <see cref="QueuedJobKind"/> with its job record: how a message is read back and its content key checked.</summary>
/// <typeparam name="TJob">The job record.</typeparam>
/// <param name="name">The message's <c>kind</c>.</param>
/// <param name="title">How log lines name the kind.</param>
/// <param name="product">What a job trains, for log lines.</param>
/// <param name="computeKey">The job's content address.</param>
/// <param name="modelBlob">The done marker of a model key.</param>
public sealed class QueuedJobKind<TJob>(string name, string title, string product, Func<TJob, string> computeKey, Func<string, string> modelBlob)
    : QueuedJobKind(name, title, product)
    where TJob : class, IQueuedTrainingJob
{
    /// <inheritdoc />
    public override string ModelBlob(string modelKey) => modelBlob(modelKey);

    /// <summary>
    /// Reads a queue message of this kind as the worker does: JSON (<see cref="TrainingMessages.Json"/>) → job, validated,
    /// its model key checked against its content. Throws <see cref="JsonException"/> or <see cref="ArgumentException"/>
    /// for a job that can never succeed.
    /// </summary>
    public TJob Read(string message)
    {
        var job = JsonSerializer.Deserialize<TJob>(message, TrainingMessages.Json) ?? throw new JsonException("empty message");
        job.Validate();
        string key = computeKey(job);
        return job.ModelKey == key ? job : throw new ArgumentException($"modelKey: '{job.ModelKey}' is not the content key of the job ({key})");
    }
}
