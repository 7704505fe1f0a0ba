using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Hosting;

/// <summary>What happened to one received message.</summary>
public enum JobOutcome
{
    /// <summary>The queue had no visible message.</summary>
    Idle,

    /// <summary>Trained; the model and metrics were written and the message deleted.</summary>
    Trained,

    /// <summary>The model already existed (a duplicate job); the message was deleted.</summary>
    AlreadyTrained,

    /// <summary>The job failed and will be retried after its visibility timeout.</summary>
    FailedWillRetry,

    /// <summary>The job failed for the last time (or was unreadable) and went to the poison queue.</summary>
    Poisoned,
}

/// <summary>
/// The <c>affect worker</c> loop body: takes a job from <c>lstm-training</c>, trains it while renewing the message's
/// visibility (so a long training is never picked up by a second worker), writes <c>models/{key}/metrics.json</c> then
/// <c>models/{key}/model.onnx</c> (the model last: its presence means done), and deletes the message.
/// </summary>
/// <remarks>
/// Every ended job (model written, duplicate dropped, or given up) is announced on <see cref="Completions"/> as an
/// <see cref="LstmCompletion"/> for the orchestration waiting on it (the job's <c>replyTo</c>); no one polls.
/// Giving up always leaves <c>models/{key}/error.json</c> (a <see cref="PoisonedJob"/>, the single failure signal the
/// orchestration's <c>CheckLstmModel</c> reads, failing the run with its message) and a copy on <c>lstm-training-poison</c>: at once for a job that
/// cannot succeed (bad arguments, no windows: an <see cref="ArgumentException"/>), after <see cref="MaxAttempts"/>
/// failed attempts otherwise, and without training when a message is received more than <see cref="MaxAttempts"/>
/// times (its earlier attempts ended with the process: out of memory, CUDA abort, kill). A stale error.json never
/// poisons a later run of the same key: <c>EnqueueLstmTrainingActivity</c> deletes it before enqueueing the new job.
/// </remarks>
/// <param name="store">Where corpora are read and models written.</param>
/// <param name="jobs">The job queue.</param>
/// <param name="poison">The poison queue.</param>
/// <param name="runner">The trainer.</param>
public sealed class TrainingWorker(IBlobStore store, ITrainingQueue jobs, ITrainingQueue poison, ILstmJobRunner runner)
{
    /// <summary>
    /// The job kinds this worker trains besides the LSTMs (messages with a <c>kind</c> on the same queue), each with its
    /// trainer: by default auDeep and End2You, trained by the LSTM runner when it trains those too. A kind without a
    /// trainer is given up at once; a message of an unknown kind is read as an LSTM job (and fails as one).
    /// </summary>
    public IReadOnlyList<QueuedJobTrainer> Kinds { get; init; } =
    [
        QueuedJobTrainer.For(AuDeepTrainingJob.QueuedKind, runner as IQueuedJobRunner<AuDeepTrainingJob>),
        QueuedJobTrainer.For(End2YouTrainingJob.QueuedKind, runner as IQueuedJobRunner<End2YouTrainingJob>),
    ];

    /// <summary>Default of <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>Attempts (receives) a job gets; a message received more often than this is poisoned without training.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>JSON settings of queue messages (camelCase): <see cref="TrainingMessages.Json"/>.</summary>
    public static JsonSerializerOptions Json => TrainingMessages.Json;

    /// <summary>
    /// How long a received job stays hidden from other workers after each renewal; the worker renews it every half of
    /// this while training, so it only bounds how soon a crashed worker's job is retried.
    /// </summary>
    public TimeSpan Visibility { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where the worker announces each ended job (<see cref="LstmCompletion"/>) for the orchestration waiting on it
    /// (the job's <see cref="LstmTrainingJob.ReplyTo"/>); null announces nothing.
    /// </summary>
    public ITrainingQueue? Completions { get; init; } = CompletionsBeside(jobs);

    /// <summary>The <c>lstm-completions</c> queue beside <paramref name="jobs"/>, or null when that queue has no siblings.</summary>
    public static ITrainingQueue? CompletionsBeside(ITrainingQueue jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        try
        {
            return jobs.Sibling(TrainingQueueNames.Completions);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Handles jobs until <paramref name="cancellationToken"/> is cancelled (or, with <paramref name="drain"/>, until the
    /// queue has no visible message), waiting <paramref name="idle"/> whenever the queue is empty. A job cut short by
    /// the cancellation goes back to the queue when its visibility ends.
    /// </summary>
    /// <returns>Jobs handled.</returns>
    public async Task<int> RunAsync(TimeSpan idle, bool drain = false, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        int handled = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await ProcessNextAsync(log, cancellationToken) != JobOutcome.Idle)
                {
                    handled++;
                    continue;
                }

                if (drain)
                {
                    break;
                }

                await Task.Delay(idle, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return handled;
    }

    /// <summary>Receives and handles at most one message.</summary>
    /// <param name="log">Receives one line about what happened.</param>
    /// <param name="cancellationToken">Cancels the work; the message then reappears after its visibility timeout.</param>
    public async Task<JobOutcome> ProcessNextAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var received = await jobs.ReceiveAsync(Visibility, cancellationToken);
        if (received is null)
        {
            return JobOutcome.Idle;
        }

        string? what = null;
        string? key = ModelKeyOf(received.Text);
        if (received.DequeueCount > MaxAttempts)
        {
            var error = new InvalidOperationException(
                $"gave up after {MaxAttempts} attempt(s): each ended without a result (the worker process died: out of memory, CUDA abort or killed)");
            return await GiveUpAsync(received, key, key is null ? $"message {received.Id}" : $"{key} (message {received.Id})", error, MaxAttempts, log, cancellationToken);
        }

        await using var lease = new VisibilityLease(jobs, received, Visibility, log);
        try
        {
            string? kind = StringProperty(received.Text, "kind");
            if (Kinds.FirstOrDefault(k => k.Kind.Name == kind) is { } trainer)
            {
                var queued = trainer.Read(received.Text);
                what = $"{queued.ModelKey} ({trainer.Kind.Title} {queued.Corpus})";
                string done = trainer.Kind.ModelBlob(queued.ModelKey);
                if (await store.GetInfoAsync(Containers.Models, done, cancellationToken) is not null)
                {
                    return await DropDuplicateAsync(lease, received, queued.ModelKey, queued.ReplyTo, log, cancellationToken);
                }

                foreach (var (name, bytes) in await trainer.RunAsync(queued, store, cancellationToken))
                {
                    await PutAsync(name, bytes, cancellationToken);
                }

                await jobs.DeleteAsync(await lease.StopAsync(), cancellationToken);
                log?.Invoke($"{queued.ModelKey}: trained {trainer.Kind.Product} of {queued.Corpus}, wrote models/{done}");
                await AnnounceAsync(queued.ModelKey, queued.ReplyTo, null, log, cancellationToken);
                return JobOutcome.Trained;
            }

            var job = JsonSerializer.Deserialize<LstmTrainingJob>(received.Text, Json) ?? throw new JsonException("empty message");
            job.Validate();
            if (job.ModelKey != LstmTrainingJob.ComputeKey(job))
            {
                throw new ArgumentException($"modelKey: '{job.ModelKey}' is not the content key of the job ({LstmTrainingJob.ComputeKey(job)})");
            }

            what = $"{job.ModelKey} ({job.Target} {job.TrainCorpus}→{job.ValidationCorpus})";
            if (await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Model(job.ModelKey), cancellationToken) is not null)
            {
                return await DropDuplicateAsync(lease, received, job.ModelKey, job.ReplyTo, log, cancellationToken);
            }

            var output = await runner.RunAsync(job, store, cancellationToken);
            await PutAsync(LstmModelBlobs.Metrics(job.ModelKey), output.Metrics, cancellationToken);
            await PutAsync(LstmModelBlobs.Model(job.ModelKey), output.Model, cancellationToken);
            await jobs.DeleteAsync(await lease.StopAsync(), cancellationToken);
            log?.Invoke($"{job.ModelKey}: trained {job.Target} on {job.TrainCorpus} (validation {job.ValidationCorpus}), wrote models/{LstmModelBlobs.Model(job.ModelKey)}");
            await AnnounceAsync(job.ModelKey, job.ReplyTo, null, log, cancellationToken);
            return JobOutcome.Trained;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var message = await lease.StopAsync();
            var hopeless = what is null || error is ArgumentException or JsonException;
            what ??= $"message {message.Id}";
            if (!hopeless && message.DequeueCount < MaxAttempts)
            {
                log?.Invoke($"{what}: attempt {message.DequeueCount} of {MaxAttempts} failed: {error.Message}");
                return JobOutcome.FailedWillRetry;
            }

            return await GiveUpAsync(message, key, what, error, message.DequeueCount, log, cancellationToken);
        }
    }

    /// <summary>A job whose result already exists (a duplicate): its message is deleted and its waiters told.</summary>
    private async Task<JobOutcome> DropDuplicateAsync(VisibilityLease lease, QueuedMessage received, string modelKey, string? replyTo, Action<string>? log, CancellationToken cancellationToken)
    {
        await jobs.DeleteAsync(await lease.StopAsync(), cancellationToken);
        log?.Invoke($"{modelKey}: model exists, job {received.Id} dropped");
        await AnnounceAsync(modelKey, replyTo, null, log, cancellationToken);
        return JobOutcome.AlreadyTrained;
    }

    /// <summary>Handles messages until the queue has none visible; returns the outcomes in order.</summary>
    public async Task<IReadOnlyList<JobOutcome>> DrainAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<JobOutcome>();
        while (true)
        {
            var outcome = await ProcessNextAsync(log, cancellationToken);
            if (outcome == JobOutcome.Idle)
            {
                return outcomes;
            }

            outcomes.Add(outcome);
        }
    }

    /// <summary>The message's <c>modelKey</c> when it is JSON with a safe key, so even an unreadable job leaves error.json.</summary>
    private static string? ModelKeyOf(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("modelKey", out var k) && k.ValueKind == JsonValueKind.String
                && k.GetString() is { Length: > 0 } key && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !key.Contains("..", StringComparison.Ordinal)
                ? key
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<JobOutcome> GiveUpAsync(QueuedMessage message, string? key, string what, Exception error, long attempts, Action<string>? log, CancellationToken cancellationToken)
    {
        var entry = new PoisonedJob(message.Text, $"{error.GetType().Name}: {error.Message}", attempts, message.Id);
        if (key is not null)
        {
            await PutAsync(LstmModelBlobs.Error(key), JsonSerializer.SerializeToUtf8Bytes(entry, Json), cancellationToken);
        }

        await poison.EnqueueAsync(JsonSerializer.Serialize(entry, Json), cancellationToken);
        await jobs.DeleteAsync(message, cancellationToken);
        log?.Invoke($"{what}: moved to {poison.Name} after {attempts} attempt(s): {error.Message}");
        if (key is not null)
        {
            await AnnounceAsync(key, StringProperty(message.Text, "replyTo"), entry.Error, log, cancellationToken);
        }

        return JobOutcome.Poisoned;
    }

    /// <summary>
    /// Puts the job's <see cref="LstmCompletion"/> on <see cref="Completions"/> for its waiting orchestration. The
    /// model or error.json is already stored, so a lost announcement only delays that run to its deadline, where the
    /// orchestration looks at the store once more: it is logged, never fatal.
    /// </summary>
    private async Task AnnounceAsync(string modelKey, string? replyTo, string? error, Action<string>? log, CancellationToken cancellationToken)
    {
        if (Completions is null)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(replyTo))
        {
            await AnnounceToAsync(modelKey, replyTo, error, log, cancellationToken);
        }

        // Runs that found this job queued by another run registered as waiters; the result is already written, so
        // every waiter listed now is told, and one registering later sees the result itself.
        var waiters = new List<BlobInfo>();
        try
        {
            await foreach (var waiter in store.ListAsync(Containers.Models, LstmModelBlobs.WaitersPrefix(modelKey), cancellationToken))
            {
                waiters.Add(waiter);
            }

            foreach (var waiter in waiters)
            {
                var entry = JsonSerializer.Deserialize<LstmWaiter>(await store.GetBytesAsync(Containers.Models, waiter.Name, cancellationToken), Json);
                if (entry?.InstanceId is { Length: > 0 } instance && instance != replyTo)
                {
                    await AnnounceToAsync(modelKey, instance, error, log, cancellationToken);
                }

                await store.DeleteAsync(Containers.Models, waiter.Name, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            log?.Invoke($"{modelKey}: waiters not all announced ({e.Message}); they find the result at their deadline");
        }
    }

    private async Task AnnounceToAsync(string modelKey, string instance, string? error, Action<string>? log, CancellationToken cancellationToken)
    {
        try
        {
            await Completions!.EnqueueAsync(JsonSerializer.Serialize(new LstmCompletion(modelKey, instance, error), Json), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log?.Invoke($"{modelKey}: completion for {instance} not announced ({e.Message}); the run finds the result at its deadline");
        }
    }

    /// <summary>A string property of a JSON object message, or null.</summary>
    private static string? StringProperty(string text, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task PutAsync(string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await store.PutAsync(Containers.Models, name, stream, null, cancellationToken);
    }

    /// <summary>
    /// Renews a received message's visibility every half <c>visibility</c> until stopped, so the job stays hidden while
    /// it trains; <see cref="StopAsync"/> returns the message with its latest pop receipt (for the delete).
    /// </summary>
    private sealed class VisibilityLease : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private QueuedMessage current;

        public VisibilityLease(ITrainingQueue queue, QueuedMessage message, TimeSpan visibility, Action<string>? log)
        {
            current = message;
            var period = visibility / 2;
            loop = period <= TimeSpan.Zero ? Task.CompletedTask : Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        await Task.Delay(period, stop.Token);
                        current = await queue.RenewAsync(current, visibility, stop.Token);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log?.Invoke($"{queue.Name}/{message.Id}: visibility not renewed, another worker may receive it: {e.Message}");
                }
            });
        }

        public async Task<QueuedMessage> StopAsync()
        {
            await stop.CancelAsync();
            await loop;
            return current;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
        }
    }
}
