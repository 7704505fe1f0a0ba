using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Activities;

/// <summary>Input of <see cref="EnqueueLstmTrainingActivity"/>: one Table 1 cell pair.</summary>
/// <param name="TrainCorpus">Training corpus name.</param>
/// <param name="ValidationCorpus">Validation corpus name.</param>
/// <param name="TestCorpus">Test corpus name, or null.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Parameters">Hyper-parameters (null: defaults).</param>
/// <param name="CorpusKeys">Content keys of the corpora (ingest record keys), hashed into the model key.</param>
public sealed record LstmTrainingRequest(string TrainCorpus, string ValidationCorpus, string? TestCorpus, string Target, long Seed, LstmJobParameters? Parameters, IReadOnlyList<string>? CorpusKeys)
{
    /// <summary>The corpora's stored stage-2 LLDs the trainer reads (see <see cref="LstmTrainingJob.Sources"/>), or null.</summary>
    public IReadOnlyList<LstmCorpusSource>? Sources { get; init; }

    /// <summary>The orchestration instance to raise the job's completion to (see <see cref="LstmTrainingJob.ReplyTo"/>), or null.</summary>
    public string? ReplyTo { get; init; }
}

/// <summary>A run waiting on a job another run queued (see <see cref="LstmModelBlobs.Waiter"/>).</summary>
/// <param name="InstanceId">The waiting orchestration instance.</param>
public sealed record LstmWaiter(string InstanceId);

/// <summary>Output of <see cref="EnqueueLstmTrainingActivity"/>.</summary>
/// <param name="ModelKey">Key of the model under <c>models/</c>: its completion event is <see cref="LstmCompletion.EventName"/> of it; <see cref="CheckLstmModelActivity"/> reads its result.</param>
/// <param name="Enqueued">True when a job was queued; false when the model already existed.</param>
public sealed record LstmTrainingTicket(string ModelKey, bool Enqueued);

/// <summary>Output of <see cref="CheckLstmModelActivity"/>.</summary>
/// <param name="ModelKey">The model key asked about.</param>
/// <param name="Exists">Whether <c>models/{key}/model.onnx</c> exists.</param>
/// <param name="ModelBlob">Blob name of the model in <c>models</c> when it exists.</param>
/// <param name="BestEpoch">Chosen epoch, from metrics.json.</param>
/// <param name="ValidationPearson">Validation CC at the chosen epoch.</param>
/// <param name="TestPearsonAtEpoch1">Test CC after one epoch (Table 1, "1 epoch").</param>
/// <param name="TestPearsonAtBest">Test CC at the chosen epoch (Table 1, "optimal epoch").</param>
/// <param name="Poisoned">Error text of <c>models/{key}/error.json</c>, the worker's single give-up signal (the orchestration fails the run with it).</param>
public sealed record LstmModelStatus(string ModelKey, bool Exists, string? ModelBlob, int? BestEpoch, double? ValidationPearson, double? TestPearsonAtEpoch1, double? TestPearsonAtBest, string? Poisoned = null);

/// <summary>
/// Enqueues an LSTM training job on <c>lstm-training</c> unless its model already exists (idempotent: re-running the
/// activity, or the whole run, never trains twice; a duplicate message is dropped by the worker). A stale
/// <c>error.json</c> of the key (an earlier run's give-up) is deleted first, so only this job's outcome is reported.
/// </summary>
public sealed class EnqueueLstmTrainingActivity(IBlobStore store, ITrainingQueue queue) : IPipelineActivity<LstmTrainingRequest, LstmTrainingTicket>
{
    /// <inheritdoc />
    public async Task<LstmTrainingTicket> RunAsync(LstmTrainingRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var created = LstmTrainingJob.Create(input.TrainCorpus, input.ValidationCorpus, input.TestCorpus, input.Target, input.Seed, input.Parameters ?? new LstmJobParameters(), input.CorpusKeys, input.Sources);
        var job = created with { ReplyTo = input.ReplyTo };
        return await QueuedTraining.EnqueueOnceAsync(store, queue, job.ModelKey, LstmModelBlobs.Model(job.ModelKey), input.ReplyTo, JsonSerializer.Serialize(job, TrainingWorker.Json), cancellationToken);
    }
}

/// <summary>
/// Queueing a training job once per model key, shared by every job kind on <c>lstm-training</c> (LSTM, auDeep): nothing is
/// queued when the result exists; a stale <c>error.json</c> is deleted first; a create-once <c>queued.json</c> marker
/// makes a second run of the same key register as a waiter instead of queueing a duplicate.
/// </summary>
public static class QueuedTraining
{
    /// <summary>Queues <paramref name="message"/> for <paramref name="modelKey"/> unless <paramref name="resultBlob"/> exists or the job is already queued.</summary>
    /// <param name="store">The store holding <c>models/</c>.</param>
    /// <param name="queue">The <c>lstm-training</c> queue.</param>
    /// <param name="modelKey">The job's model key.</param>
    /// <param name="resultBlob">The blob (in <c>models</c>) whose presence means done.</param>
    /// <param name="replyTo">The orchestration instance waiting, or null.</param>
    /// <param name="message">The job as JSON.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async Task<LstmTrainingTicket> EnqueueOnceAsync(IBlobStore store, ITrainingQueue queue, string modelKey, string resultBlob, string? replyTo, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(queue);
        if (await store.GetInfoAsync(Containers.Models, resultBlob, cancellationToken) is not null)
        {
            return new LstmTrainingTicket(modelKey, Enqueued: false);
        }

        // error.json is the failure signal of the key: one left by an earlier attempt must not fail this new job, and
        // that attempt's queued marker must not stop the job being queued again.
        if (await store.DeleteAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken))
        {
            await store.DeleteAsync(Containers.Models, LstmModelBlobs.Queued(modelKey), cancellationToken);
        }

        // Queued once per key: a concurrent runner, or a killed earlier run whose message is still in the queue (it
        // becomes visible again when its lease ends), already queued it, so this run waits for that job.
        try
        {
            await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Queued(modelKey), JsonSerializer.SerializeToUtf8Bytes(new { queuedAt = DateTimeOffset.UtcNow }), WriteCondition.IfAbsent, cancellationToken);
        }
        catch (BlobConditionFailedException)
        {
            // Queued by another run: its message names that run, so this one registers as a waiter. The worker writes
            // the result before it reads the waiters, so a result that is absent now is announced to this run too;
            // one already present is read without waiting.
            if (replyTo is { Length: > 0 })
            {
                await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Waiter(modelKey, replyTo), JsonSerializer.SerializeToUtf8Bytes(new LstmWaiter(replyTo)), cancellationToken: cancellationToken);
                bool finished = await store.GetInfoAsync(Containers.Models, resultBlob, cancellationToken) is not null
                    || await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken) is not null;
                return new LstmTrainingTicket(modelKey, Enqueued: !finished);
            }

            return new LstmTrainingTicket(modelKey, Enqueued: true);
        }

        await queue.EnqueueAsync(message, cancellationToken);
        return new LstmTrainingTicket(modelKey, Enqueued: true);
    }

    /// <summary>The give-up message of <c>models/{key}/error.json</c> (the worker's single failure signal), or null when there is none.</summary>
    public static async Task<string?> ReadErrorAsync(IBlobStore store, string modelKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken) is null)
        {
            return null;
        }

        await using var errorStream = await store.OpenReadAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken);
        return (await JsonSerializer.DeserializeAsync<PoisonedJob>(errorStream, TrainingWorker.Json, cancellationToken))?.Error ?? "failed";
    }
}

/// <summary>
/// Reports whether a model exists and, if so, its Table 1 numbers from metrics.json, or the job's give-up error. The
/// orchestration calls it once the worker's completion event arrives (and once more at the wait's deadline).
/// </summary>
public sealed class CheckLstmModelActivity(IBlobStore store) : IPipelineActivity<string, LstmModelStatus>
{
    /// <inheritdoc />
    public async Task<LstmModelStatus> RunAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        var modelBlob = LstmModelBlobs.Model(input);
        if (await store.GetInfoAsync(Containers.Models, modelBlob, cancellationToken) is null)
        {
            return new LstmModelStatus(input, false, null, null, null, null, null, await QueuedTraining.ReadErrorAsync(store, input, cancellationToken));
        }

        await using var stream = await store.OpenReadAsync(Containers.Models, LstmModelBlobs.Metrics(input), cancellationToken);
        using var metrics = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = metrics.RootElement;
        double? Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return new LstmModelStatus(input, true, modelBlob, (int?)Number("bestEpoch"), Number("validationPearsonAtBest"), Number("testPearsonAtEpoch1"), Number("testPearsonAtBest"));
    }
}
