namespace Affect.Storage;

/// <summary>
/// A flat store of named blobs grouped in containers: the one storage abstraction of the pipeline.
/// Implemented by a local folder (the embedded default) and by Azure Blob Storage (Azurite or Azure).
/// </summary>
/// <remarks>
/// Names are '/'-separated relative paths validated by <see cref="BlobName"/>. Writes are atomic:
/// a reader sees either the previous content or the complete new content, never a partial blob.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Writes <paramref name="content"/> under <paramref name="name"/>; atomic.</summary>
    /// <param name="container">The container (a directory in a folder store).</param>
    /// <param name="name">The blob name, validated by <see cref="BlobName.Validate"/>.</param>
    /// <param name="content">The bytes to store, read to the end.</param>
    /// <param name="condition">Write condition: overwrite always, or only if absent, or only if the ETag matches.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left under the final name.</param>
    /// <returns>The stored blob's properties.</returns>
    /// <exception cref="BlobConditionFailedException">When <paramref name="condition"/> is not met.</exception>
    Task<BlobInfo> PutAsync(string container, string name, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading.</summary>
    /// <exception cref="BlobNotFoundException">When the blob does not exist.</exception>
    Task<Stream> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Returns the blob's properties, or null when it does not exist.</summary>
    Task<BlobInfo?> GetInfoAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists blobs whose names start with <paramref name="prefix"/>, in ordinal name order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default);
}

/// <summary>Properties of a stored blob.</summary>
/// <param name="Container">The container holding the blob.</param>
/// <param name="Name">The blob's name within the container.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="ETag">An opaque version tag that changes on every write.</param>
public sealed record BlobInfo(string Container, string Name, long Length, string ETag);

/// <summary>A precondition for <see cref="IBlobStore.PutAsync"/>.</summary>
/// <param name="IfNoneExists">Write only when no blob exists under the name.</param>
/// <param name="IfMatchETag">Write only when the current blob has this ETag.</param>
public sealed record WriteCondition(bool IfNoneExists = false, string? IfMatchETag = null)
{
    /// <summary>Write only when the blob is absent (create-once).</summary>
    public static WriteCondition IfAbsent { get; } = new(IfNoneExists: true);

    /// <summary>Write only when the blob still has <paramref name="etag"/> (optimistic concurrency).</summary>
    public static WriteCondition IfMatch(string etag) => new(IfMatchETag: etag);
}

/// <summary>Thrown when a blob does not exist.</summary>
public sealed class BlobNotFoundException(string container, string name)
    : IOException($"Blob '{container}/{name}' does not exist.")
{
    /// <summary>The container that was asked.</summary>
    public string Container { get; } = container;

    /// <summary>The missing blob's name.</summary>
    public string BlobName { get; } = name;
}

/// <summary>Thrown when a conditional write's precondition does not hold.</summary>
public sealed class BlobConditionFailedException(string container, string name, string reason)
    : IOException($"Conditional write of '{container}/{name}' refused: {reason}.")
{
    /// <summary>The container written to.</summary>
    public string Container { get; } = container;

    /// <summary>The blob's name.</summary>
    public string BlobName { get; } = name;
}
