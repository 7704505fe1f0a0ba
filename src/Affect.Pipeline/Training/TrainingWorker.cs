using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Training;

/// <summary>Runs one training job (the TorchSharp trainer lives outside the pipeline, in a separate process).</summary>
public interface ILstmJobRunner
{
    /// <summary>Trains <paramref name="job"/> on corpora read from <paramref name="store"/>; returns the ONNX model and metrics.json bytes.</summary>
    Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken);
}

/// <summary>What a job produces.</summary>
/// <param name="Model">ONNX model bytes.</param>
/// <param name="Metrics">metrics.json bytes.</param>
public sealed record LstmJobOutput(byte[] Model, byte[] Metrics);

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
/// The <c>affect worker</c> loop body: takes a job from <c>lstm-training</c>, trains it, writes
/// <c>models/{key}/metrics.json</c> then <c>models/{key}/model.onnx</c> (the model last: its presence means done), and
/// deletes the message. A job that fails is left to reappear; after <see cref="MaxAttempts"/> receives it goes to
/// <c>lstm-training-poison</c> with its error text, and <c>models/{key}/error.json</c> tells pollers to stop waiting.
/// </summary>
/// <param name="store">Where corpora are read and models written.</param>
/// <param name="jobs">The job queue.</param>
/// <param name="poison">The poison queue.</param>
/// <param name="runner">The trainer.</param>
public sealed class TrainingWorker(IBlobStore store, ITrainingQueue jobs, ITrainingQueue poison, ILstmJobRunner runner)
{
    /// <summary>Receives after which a failing job is poisoned.</summary>
    public const int MaxAttempts = 3;

    /// <summary>JSON settings of queue messages (camelCase).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>How long a received job stays hidden from other workers (renewed never: set it above the longest training).</summary>
    public TimeSpan Visibility { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Receives and handles at most one message.</summary>
    /// <param name="log">Receives one line about what happened.</param>
    /// <param name="cancellationToken">Cancels the work; the message then reappears after its visibility timeout.</param>
    public async Task<JobOutcome> ProcessNextAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var message = await jobs.ReceiveAsync(Visibility, cancellationToken);
        if (message is null)
        {
            return JobOutcome.Idle;
        }

        LstmTrainingJob? job = null;
        try
        {
            job = JsonSerializer.Deserialize<LstmTrainingJob>(message.Text, Json) ?? throw new JsonException("empty message");
            job.Validate();
            if (job.ModelKey != LstmTrainingJob.ComputeKey(job))
            {
                throw new ArgumentException($"modelKey: '{job.ModelKey}' is not the content key of the job ({LstmTrainingJob.ComputeKey(job)})");
            }

            if (await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Model(job.ModelKey), cancellationToken) is not null)
            {
                await jobs.DeleteAsync(message, cancellationToken);
                log?.Invoke($"{job.ModelKey}: model exists, job {message.Id} dropped");
                return JobOutcome.AlreadyTrained;
            }

            var output = await runner.RunAsync(job, store, cancellationToken);
            await PutAsync(LstmModelBlobs.Metrics(job.ModelKey), output.Metrics, cancellationToken);
            await PutAsync(LstmModelBlobs.Model(job.ModelKey), output.Model, cancellationToken);
            await jobs.DeleteAsync(message, cancellationToken);
            log?.Invoke($"{job.ModelKey}: trained {job.Target} on {job.TrainCorpus} (validation {job.ValidationCorpus}), wrote models/{LstmModelBlobs.Model(job.ModelKey)}");
            return JobOutcome.Trained;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var what = job is null ? $"message {message.Id}" : $"{job.ModelKey} ({job.Target} {job.TrainCorpus}→{job.ValidationCorpus})";
            var unreadable = job is null || error is ArgumentException;
            if (!unreadable && message.DequeueCount < MaxAttempts)
            {
                log?.Invoke($"{what}: attempt {message.DequeueCount} of {MaxAttempts} failed: {error.Message}");
                return JobOutcome.FailedWillRetry;
            }

            var entry = new PoisonedJob(message.Text, $"{error.GetType().Name}: {error.Message}", message.DequeueCount);
            await poison.EnqueueAsync(JsonSerializer.Serialize(entry, Json), cancellationToken);
            if (job is not null && job.ModelKey.Length > 0 && !unreadable)
            {
                await PutAsync(LstmModelBlobs.Error(job.ModelKey), JsonSerializer.SerializeToUtf8Bytes(entry, Json), cancellationToken);
            }

            await jobs.DeleteAsync(message, cancellationToken);
            log?.Invoke($"{what}: moved to {poison.Name} after {message.DequeueCount} attempt(s): {error.Message}");
            return JobOutcome.Poisoned;
        }
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

    private async Task PutAsync(string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await store.PutAsync(Containers.Models, name, stream, null, cancellationToken);
    }
}

/// <summary>A message of the poison queue: the original job text and why it failed.</summary>
/// <param name="Job">The original message text.</param>
/// <param name="Error">Exception type and message of the last attempt.</param>
/// <param name="Attempts">Receives before it was poisoned.</param>
public sealed record PoisonedJob(string Job, string Error, long Attempts);
