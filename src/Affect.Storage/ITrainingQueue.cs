
namespace Affect.Storage;

/// <summary>
/// A message queue of training jobs with at-least-once delivery, the semantics of an Azure Storage queue: a received
/// message is hidden for a visibility timeout and comes back (with a higher dequeue count) unless deleted.
/// </summary>
public interface ITrainingQueue
{
    /// <summary>The queue name (<c>lstm-training</c>, <c>lstm-training-poison</c>).</summary>
    string Name { get; }

    /// <summary>Appends a message (UTF-8 JSON text).</summary>
    Task EnqueueAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Takes the next visible message and hides it for <paramref name="visibility"/>; null when none is visible.</summary>
    Task<QueuedMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps a received message hidden for another <paramref name="visibility"/> from now (the worker's lease while it
    /// trains); returns the message with its new pop receipt, which later renewals and the delete must use.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pop receipt is stale: another receiver holds the message now.</exception>
    Task<QueuedMessage> RenewAsync(QueuedMessage message, TimeSpan visibility, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Name}: this queue cannot renew a message's visibility");

    /// <summary>Deletes a received message (its pop receipt must be current).</summary>
    Task DeleteAsync(QueuedMessage message, CancellationToken cancellationToken = default);

    /// <summary>Number of messages (visible or not), approximately for Azure.</summary>
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The queue <paramref name="name"/> beside this one (same folder or storage account).</summary>
    ITrainingQueue Sibling(string name) => throw new NotSupportedException($"{Name}: this queue has no sibling queues");
}

/// <summary>A received message.</summary>
/// <param name="Id">Message id.</param>
/// <param name="PopReceipt">Receipt proving this receiver holds the message.</param>
/// <param name="Text">The message text.</param>
/// <param name="DequeueCount">How many times it has been received, this time included.</param>
public sealed record QueuedMessage(string Id, string PopReceipt, string Text, long DequeueCount);

/// <summary>The queue names of LSTM training.</summary>
public static class TrainingQueueNames
{
    /// <summary>Jobs to run.</summary>
    public const string Jobs = "lstm-training";

    /// <summary>Jobs that failed the worker's maximum attempts (or could not run at all), with their error.</summary>
    public const string Poison = "lstm-training-poison";

    /// <summary>Completions (one per finished or given-up job) that are raised as events to the waiting orchestrations.</summary>
    public const string Completions = "lstm-completions";
}
