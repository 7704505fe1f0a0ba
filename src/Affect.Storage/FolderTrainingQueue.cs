using System.Globalization;
using System.Text.Json;
using Affect.Audio;

namespace Affect.Storage;

/// <summary>
/// A queue in a folder (the folder store's <c>.queues/{name}/</c>): one JSON file per message named by enqueue time and
/// id, so files sort in arrival order; receiving rewrites the file with a new pop receipt, dequeue count and visibility
/// time. A lock file serialises receivers across processes.
/// </summary>
public sealed class FolderTrainingQueue : ITrainingQueue
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private readonly string root;
    private readonly string directory;
    private readonly TimeProvider clock;

    /// <summary>Opens (creating) the queue <paramref name="name"/> under <paramref name="root"/>.</summary>
    public FolderTrainingQueue(string root, string name, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        this.root = root;
        directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        this.clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ITrainingQueue Sibling(string name) => new FolderTrainingQueue(root, name, clock);

    /// <inheritdoc />
    public async Task EnqueueAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var record = new StoredMessage(id, text, 0, string.Empty, now);
        var name = $"{now.UtcTicks.ToString("D20", CultureInfo.InvariantCulture)}-{id}.json";
        await WriteAsync(Path.Combine(directory, name), record, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<QueuedMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        await using var gate = await LockAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var record = await ReadAsync(path, cancellationToken);
            if (record is null || record.VisibleAt > now)
            {
                continue;
            }

            var received = record with { DequeueCount = record.DequeueCount + 1, PopReceipt = Guid.NewGuid().ToString("N"), VisibleAt = now + visibility };
            await WriteAsync(path, received, cancellationToken);
            return new QueuedMessage(Path.GetFileName(path), received.PopReceipt, received.Text, received.DequeueCount);
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<QueuedMessage> RenewAsync(QueuedMessage message, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var gate = await LockAsync(cancellationToken);
        var path = Path.Combine(directory, message.Id);
        var record = await ReadAsync(path, cancellationToken);
        if (record is null || record.PopReceipt != message.PopReceipt)
        {
            throw new InvalidOperationException($"{Name}/{message.Id}: the pop receipt is stale or the message is gone");
        }

        var renewed = record with { PopReceipt = Guid.NewGuid().ToString("N"), VisibleAt = clock.GetUtcNow() + visibility };
        await WriteAsync(path, renewed, cancellationToken);
        return message with { PopReceipt = renewed.PopReceipt };
    }

    /// <inheritdoc />
    public async Task DeleteAsync(QueuedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var gate = await LockAsync(cancellationToken);
        var path = Path.Combine(directory, message.Id);
        var record = await ReadAsync(path, cancellationToken);
        if (record is null)
        {
            return;
        }

        if (record.PopReceipt != message.PopReceipt)
        {
            throw new InvalidOperationException($"{Name}/{message.Id}: the pop receipt is stale (the message was received again after its visibility timeout)");
        }

        File.Delete(path);
    }

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Directory.EnumerateFiles(directory, "*.json").Count());

    private static async Task<StoredMessage?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<StoredMessage>(stream, cancellationToken: cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(string path, StoredMessage record, CancellationToken cancellationToken)
    {
        // A unique temporary per writer (never "x.json.tmp" shared by two), deleted when the write fails.
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(record);
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Run(() => AtomicFile.WriteAllBytes(path, bytes), cancellationToken);
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private sealed record StoredMessage(string Id, string Text, long DequeueCount, string PopReceipt, DateTimeOffset VisibleAt);
}
