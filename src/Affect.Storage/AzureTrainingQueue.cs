using Azure.Storage.Queues;
using Azure.Storage.Queues.Specialized;

namespace Affect.Storage;

/// <summary>An Azure Storage queue (Azurite or Azure): the queue KEDA scales the trainer container on.</summary>
public sealed class AzureTrainingQueue : ITrainingQueue
{
    private readonly QueueClient client;

    /// <summary>Wraps <paramref name="client"/>; the queue is created on first use.</summary>
    public AzureTrainingQueue(QueueClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <inheritdoc />
    public string Name => client.Name;

    /// <inheritdoc />
    public ITrainingQueue Sibling(string name) => new AzureTrainingQueue(client.GetParentQueueServiceClient().GetQueueClient(name));

    /// <inheritdoc />
    public async Task EnqueueAsync(string text, CancellationToken cancellationToken = default)
    {
        await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await client.SendMessageAsync(text, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<QueuedMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var response = await client.ReceiveMessageAsync(visibility, cancellationToken);
        var message = response.Value;
        return message is null ? null : new QueuedMessage(message.MessageId, message.PopReceipt, message.Body.ToString(), message.DequeueCount);
    }

    /// <inheritdoc />
    public async Task<QueuedMessage> RenewAsync(QueuedMessage message, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var receipt = (await client.UpdateMessageAsync(message.Id, message.PopReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken)).Value;
            return message with { PopReceipt = receipt.PopReceipt };
        }
        catch (Azure.RequestFailedException e) when (e.Status is 400 or 404)
        {
            throw new InvalidOperationException($"{Name}/{message.Id}: the pop receipt is stale or the message is gone ({e.ErrorCode})", e);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(QueuedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await client.DeleteMessageAsync(message.Id, message.PopReceipt, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return (await client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
    }
}

/// <summary>Opens the training queues that belong to a store connection.</summary>
public static class TrainingQueues
{
    /// <summary>Folder of a folder store that holds its queues.</summary>
    public const string FolderName = ".queues";

    /// <summary>
    /// The queue <paramref name="name"/> next to the store <paramref name="connection"/>: under <c>ROOT/.queues/</c>
    /// for a folder store, the account's queue service for an Azure connection string or <c>azure-identity:ACCOUNT</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The connection is not recognised (see <see cref="Storage.BlobStore.Open"/>).</exception>
    public static ITrainingQueue Open(string connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var store = Storage.BlobStore.Open(connection);
        if (store is Storage.FolderBlobStore folder)
        {
            return new FolderTrainingQueue(Path.Combine(folder.Root, FolderName), name);
        }

        var text = connection.Trim();
        if (text.StartsWith(Storage.BlobStore.IdentityPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var account = text[Storage.BlobStore.IdentityPrefix.Length..];
            return new AzureTrainingQueue(new QueueClient(new Uri($"https://{account}.queue.core.windows.net/{name}"), new Azure.Identity.DefaultAzureCredential()));
        }

        return new AzureTrainingQueue(new QueueClient(text, name));
    }
}
