using System.Text.Json;
using Affect.Storage;
using Microsoft.DurableTask.Client;

namespace Affect.Pipeline.Training;

/// <summary>
/// The training worker's notice that a job ended: its model or its <c>error.json</c> is in the store. The worker puts it
/// on the <c>lstm-completions</c> queue (it needs nothing but store access); <see cref="LstmCompletionRelay"/> (the
/// local engine host, or the Functions app's queue trigger on Azure) raises it as the external event
/// <see cref="EventName"/> to the waiting orchestration instance.
/// </summary>
/// <param name="ModelKey">The job's model key.</param>
/// <param name="InstanceId">The orchestration instance waiting for it (the job's <see cref="LstmTrainingJob.ReplyTo"/>).</param>
/// <param name="Error">The give-up message when the job failed, else null (the model was written).</param>
public sealed record LstmCompletion(string ModelKey, string InstanceId, string? Error)
{
    /// <summary>The external event an orchestration waits on for <paramref name="modelKey"/>.</summary>
    public static string EventName(string modelKey) => "lstm-completed-" + modelKey;
}

/// <summary>Raises queued <see cref="LstmCompletion"/>s as external events to the waiting orchestration instances.</summary>
public static class LstmCompletionRelay
{
    /// <summary>Receives after which a completion that cannot be raised is dropped (the orchestration's deadline then decides).</summary>
    public const int MaxAttempts = 5;

    /// <summary>Raises one queued completion (the message text) to its instance.</summary>
    /// <exception cref="JsonException">The text is not an <see cref="LstmCompletion"/>.</exception>
    public static async Task<LstmCompletion> RaiseAsync(DurableTaskClient client, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var completion = JsonSerializer.Deserialize<LstmCompletion>(text, TrainingMessages.Json);
        if (completion is null || string.IsNullOrWhiteSpace(completion.ModelKey) || string.IsNullOrWhiteSpace(completion.InstanceId))
        {
            throw new JsonException($"{TrainingQueueNames.Completions}: '{text}' is not a completion (modelKey, instanceId, error)");
        }

        await client.RaiseEventAsync(completion.InstanceId, LstmCompletion.EventName(completion.ModelKey), completion, cancellationToken);
        return completion;
    }

    /// <summary>
    /// Relays every visible completion of <paramref name="completions"/>, then waits <paramref name="idle"/> and looks again,
    /// until <paramref name="stop"/> is cancelled. A completion that fails <see cref="MaxAttempts"/> times is dropped.
    /// </summary>
    public static async Task RunAsync(ITrainingQueue completions, DurableTaskClient client, TimeSpan idle, Action<string>? log, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(completions);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (!await RelayNextAsync(completions, client, log, stop))
                {
                    await Task.Delay(idle, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Relays the next visible completion; false when none is visible.</summary>
    public static async Task<bool> RelayNextAsync(ITrainingQueue completions, DurableTaskClient client, Action<string>? log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        QueuedMessage? message;
        try
        {
            message = await completions.ReceiveAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log?.Invoke($"{completions.Name}: not read: {e.Message}");
            return false;
        }

        if (message is null)
        {
            return false;
        }

        try
        {
            var completion = await RaiseAsync(client, message.Text, cancellationToken);
            log?.Invoke($"{completion.ModelKey}: completion raised to {completion.InstanceId}");
            await completions.DeleteAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            bool drop = e is JsonException || message.DequeueCount >= MaxAttempts;
            log?.Invoke($"{completions.Name}/{message.Id}: not raised ({e.Message}){(drop ? "; dropped" : "; retried")}");
            if (drop)
            {
                await completions.DeleteAsync(message, cancellationToken);
            }
        }

        return true;
    }
}
