using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>The input of an <see cref="EnqueueQueuedJobActivity{TRequest, TJob}"/>: what the orchestration asks to train.</summary>
/// <typeparam name="TJob">The job it becomes.</typeparam>
public interface IQueuedTrainingRequest<out TJob>
    where TJob : class, IQueuedTrainingJob
{
    /// <summary>The job, its model key computed from its content and its <see cref="IQueuedTrainingJob.ReplyTo"/> set.</summary>
    TJob ToJob();
}

/// <summary>
/// Queues a job of one <see cref="QueuedJobKind"/> on <c>lstm-training</c> (the LSTM worker's queue: no new moving part
/// on Azure) unless its model exists; once per key, as <see cref="QueuedTraining.EnqueueOnceAsync"/> describes.
/// </summary>
/// <typeparam name="TRequest">The activity input.</typeparam>
/// <typeparam name="TJob">The queued job.</typeparam>
/// <param name="store">The store holding <c>models/</c>.</param>
/// <param name="queue">The <c>lstm-training</c> queue.</param>
/// <param name="kind">The job kind.</param>
public abstract class EnqueueQueuedJobActivity<TRequest, TJob>(IBlobStore store, ITrainingQueue queue, QueuedJobKind<TJob> kind) : IPipelineActivity<TRequest, LstmTrainingTicket>
    where TRequest : IQueuedTrainingRequest<TJob>
    where TJob : class, IQueuedTrainingJob
{
    /// <inheritdoc />
    public async Task<LstmTrainingTicket> RunAsync(TRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var job = input.ToJob();
        return await QueuedTraining.EnqueueOnceAsync(store, queue, job.ModelKey, kind.ModelBlob(job.ModelKey), job.ReplyTo, JsonSerializer.Serialize(job, TrainingMessages.Json), cancellationToken);
    }
}

/// <summary>Output of a <see cref="CheckQueuedModelActivity"/>.</summary>
/// <param name="ModelKey">The model key asked about.</param>
/// <param name="Exists">Whether the kind's done marker (<c>models/{key}/audeep.json</c>, <c>end2you.json</c>) exists.</param>
/// <param name="ModelBlob">Its blob name in <c>models</c> when it exists.</param>
/// <param name="Poisoned">The worker's give-up message (<c>error.json</c>), or null.</param>
public sealed record QueuedModelStatus(string ModelKey, bool Exists, string? ModelBlob, string? Poisoned);

/// <summary>Whether a queued model of one <see cref="QueuedJobKind"/> exists, or the job's give-up error (read once its completion event arrives, or at the deadline).</summary>
/// <param name="store">The store holding <c>models/</c>.</param>
/// <param name="kind">The job kind.</param>
public abstract class CheckQueuedModelActivity(IBlobStore store, QueuedJobKind kind) : IPipelineActivity<string, QueuedModelStatus>
{
    /// <inheritdoc />
    public async Task<QueuedModelStatus> RunAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        string blob = kind.ModelBlob(input);
        return await store.GetInfoAsync(Containers.Models, blob, cancellationToken) is not null
            ? new QueuedModelStatus(input, true, blob, null)
            : new QueuedModelStatus(input, false, null, await QueuedTraining.ReadErrorAsync(store, input, cancellationToken));
    }
}
