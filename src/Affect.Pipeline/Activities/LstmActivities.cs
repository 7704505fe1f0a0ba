using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

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

/// <summary>The content of <see cref="LstmModelBlobs.Queued"/> and <see cref="LstmModelBlobs.Enqueued"/>.</summary>
/// <param name="QueuedAt">When the marker was written (the writer's clock).</param>
public sealed record LstmQueueMarker(DateTimeOffset QueuedAt);

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
        return await QueuedTraining.EnqueueOnceAsync(store, queue, job.ModelKey, LstmModelBlobs.Model(job.ModelKey), input.ReplyTo, JsonSerializer.Serialize(job, TrainingMessages.Json), cancellationToken);
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
        // that attempt's queue markers must not stop the job being queued again.
        if (await store.DeleteAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken))
        {
            await store.DeleteAsync(Containers.Models, LstmModelBlobs.Enqueued(modelKey), cancellationToken);
            await store.DeleteAsync(Containers.Models, LstmModelBlobs.Queued(modelKey), cancellationToken);
        }

        // Queued once per key: a concurrent runner, or a killed earlier run whose message is still in the queue (it
        // becomes visible again when its lease ends), already queued it, so this run waits for that job. A marker whose
        // message never followed (its runner died in between) is taken over once it is TakeOverAfter old.
        bool claimed = await TryMarkAsync(store, modelKey, null, cancellationToken);
        while (!claimed)
        {
            if (await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Enqueued(modelKey), cancellationToken) is not null)
            {
                return await WaitForOtherRunAsync(store, modelKey, resultBlob, replyTo, cancellationToken);
            }

            var marker = await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Queued(modelKey), cancellationToken);
            if (marker is null)
            {
                claimed = await TryMarkAsync(store, modelKey, null, cancellationToken);
                continue;
            }

            var queuedAt = ReadMarker(await store.GetBytesAsync(Containers.Models, LstmModelBlobs.Queued(modelKey), cancellationToken));
            if (queuedAt is null || DateTimeOffset.UtcNow - queuedAt.Value >= TakeOverAfter)
            {
                claimed = await TryMarkAsync(store, modelKey, marker.ETag, cancellationToken);
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        await queue.EnqueueAsync(message, cancellationToken);
        await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Enqueued(modelKey), JsonSerializer.SerializeToUtf8Bytes(new LstmQueueMarker(DateTimeOffset.UtcNow), TrainingMessages.Json), cancellationToken: cancellationToken);
        return new LstmTrainingTicket(modelKey, Enqueued: true);
    }

    /// <summary>
    /// How long a queue marker may stand without its <see cref="LstmModelBlobs.Enqueued"/> before another runner takes
    /// the job over: a live runner queues the message milliseconds after the marker, so only a dead one leaves it longer.
    /// </summary>
    public static TimeSpan TakeOverAfter { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The give-up message of <c>models/{key}/error.json</c> (the worker's single failure signal), or null when there is none.</summary>
    public static async Task<string?> ReadErrorAsync(IBlobStore store, string modelKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken) is null)
        {
            return null;
        }

        await using var errorStream = await store.OpenReadAsync(Containers.Models, LstmModelBlobs.Error(modelKey), cancellationToken);
        return (await JsonSerializer.DeserializeAsync<PoisonedJob>(errorStream, TrainingMessages.Json, cancellationToken))?.Error ?? "failed";
    }

    // Writes the queue marker: only if absent, or (taking over a dead runner's marker) only over the marker read.
    private static async Task<bool> TryMarkAsync(IBlobStore store, string key, string? overETag, CancellationToken cancellationToken)
    {
        try
        {
            var condition = overETag is null ? WriteCondition.IfAbsent : new WriteCondition(IfMatchETag: overETag);
            await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Queued(key), JsonSerializer.SerializeToUtf8Bytes(new LstmQueueMarker(DateTimeOffset.UtcNow), TrainingMessages.Json), condition, cancellationToken);
            return true;
        }
        catch (BlobConditionFailedException)
        {
            return false;
        }
    }

    // The job is on the queue for another run (its message names that run): register as a waiter. The worker writes
    // the result before it reads the waiters, so a result absent now is announced to this run too; one already present
    // is read without waiting.
    private static async Task<LstmTrainingTicket> WaitForOtherRunAsync(IBlobStore store, string key, string resultBlob, string? replyTo, CancellationToken cancellationToken)
    {
        if (replyTo is not { Length: > 0 })
        {
            return new LstmTrainingTicket(key, Enqueued: true);
        }

        await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Waiter(key, replyTo), JsonSerializer.SerializeToUtf8Bytes(new LstmWaiter(replyTo)), cancellationToken: cancellationToken);
        bool finished = await store.GetInfoAsync(Containers.Models, resultBlob, cancellationToken) is not null
            || await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(key), cancellationToken) is not null;
        return new LstmTrainingTicket(key, Enqueued: !finished);
    }

    // The marker's time, or null when it is unreadable (a torn or foreign marker is taken over like a stale one).
    private static DateTimeOffset? ReadMarker(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<LstmQueueMarker>(bytes, TrainingMessages.Json)?.QueuedAt;
        }
        catch (JsonException)
        {
            return null;
        }
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
