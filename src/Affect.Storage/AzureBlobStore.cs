using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Affect.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> over Azure Blob Storage (Azure or the Azurite emulator): a container is
/// a blob container, a blob a block blob.
/// </summary>
/// <remarks>
/// Atomic writes come from the service: a block blob upload (one Put Blob, or staged blocks and one
/// Put Block List) becomes visible only when committed, so readers never see partial content.
/// Conditions map to <c>If-None-Match: *</c> (<see cref="WriteCondition.IfAbsent"/>) and
/// <c>If-Match</c>. Containers are created on first write. ETags are reported in their quoted HTTP
/// form everywhere (listing included), so an ETag from any call can be passed back to
/// <see cref="WriteCondition.IfMatch"/>.
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>The newest Blob service version Azurite 3.37 accepts without <c>--skipApiVersionCheck</c>.</summary>
    private const BlobClientOptions.ServiceVersion EmulatorServiceVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    private readonly BlobServiceClient _service;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _createdContainers = new(StringComparer.Ordinal);

    /// <summary>Connects with a storage connection string (<c>UseDevelopmentStorage=true</c> or a full one).</summary>
    /// <param name="connectionString">An Azure Storage connection string.</param>
    /// <param name="options">Client options (retries, service version); defaults suit Azure and Azurite.</param>
    public AzureBlobStore(string connectionString, BlobClientOptions? options = null)
        : this(new BlobServiceClient(
            connectionString ?? throw new ArgumentNullException(nameof(connectionString)),
            options ?? DefaultOptions(connectionString)))
    {
    }

    /// <summary>Uses an existing client, e.g. one built with a managed identity credential.</summary>
    /// <param name="service">The Blob service client.</param>
    public AzureBlobStore(BlobServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <summary>The account's Blob service endpoint.</summary>
    public Uri Endpoint => _service.Uri;

    /// <inheritdoc />
    public async Task<BlobInfo> PutAsync(string container, string name, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        ArgumentNullException.ThrowIfNull(content);
        if (condition is { IfNoneExists: true, IfMatchETag: not null })
        {
            throw new ArgumentException($"Write condition for '{container}/{name}' cannot require both absence and ETag {condition.IfMatchETag}.", nameof(condition));
        }

        // The SDK reads a non-seekable stream exactly once, so counting it gives the stored length.
        Stream source;
        long? knownLength = null;
        if (content.CanSeek)
        {
            knownLength = content.Length - content.Position;
            source = content;
        }
        else
        {
            source = new CountingStream(content);
        }

        var options = new BlobUploadOptions { Conditions = ToConditions(condition) };
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        var start = content.CanSeek ? content.Position : 0;
        for (var attempt = 1; ; attempt++)
        {
            await EnsureContainerAsync(container, cancellationToken).ConfigureAwait(false);
            try
            {
                var response = await blob.UploadAsync(source, options, cancellationToken).ConfigureAwait(false);
                var length = knownLength ?? ((CountingStream)source).Count;
                return new BlobInfo(container, name, length, Quoted(response.Value.ETag.ToString()));
            }
            catch (RequestFailedException e) when (condition is not null && IsConditionFailure(e, condition))
            {
                var reason = e.Status switch
                {
                    409 => "the blob already exists",
                    404 => $"the blob does not exist (expected ETag {condition.IfMatchETag})",
                    _ => condition.IfMatchETag is { } etag ? $"the blob's ETag is no longer {etag}" : "the blob already exists",
                };
                throw new BlobConditionFailedException(container, name, reason);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound.ToString())
            {
                // Deleted since this store created it: create it again and retry once if the content can be replayed.
                _createdContainers.TryRemove(container, out _);
                if (attempt > 1 || !content.CanSeek)
                {
                    throw new IOException($"Container '{container}' vanished while writing '{container}/{name}'; retry the write.", e);
                }

                content.Position = start;
            }
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        try
        {
            // One GET of the whole blob: the response is a single committed version; if the
            // connection drops, the SDK resumes with If-Match on that version's ETag.
            var response = await blob.DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken).ConfigureAwait(false);
            return response.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(container, name);
        }
    }

    /// <inheritdoc />
    public async Task<BlobInfo?> GetInfoAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BlobInfo(container, name, properties.ContentLength, Quoted(properties.ETag.ToString()));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>The listing is collected and sorted ordinally (UTF-16), since the service orders by UTF-8 bytes.</remarks>
    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobName.ValidateContainer(container);
        ArgumentNullException.ThrowIfNull(prefix);
        var client = _service.GetBlobContainerClient(container);
        var items = new List<BlobInfo>();
        try
        {
            await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length == 0 ? null : prefix, cancellationToken).ConfigureAwait(false))
            {
                items.Add(new BlobInfo(container, item.Name, item.Properties.ContentLength ?? 0, Quoted(item.Properties.ETag?.ToString() ?? "")));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A container that was never written to holds no blobs.
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var item in items)
        {
            yield return item;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        try
        {
            var response = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Client options for a connection string: for the local emulator (development storage or a
    /// loopback endpoint) the service version is pinned to one Azurite accepts.
    /// </summary>
    /// <param name="connectionString">The connection string the client will use.</param>
    public static BlobClientOptions DefaultOptions(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return TargetsEmulator(connectionString) ? new BlobClientOptions(EmulatorServiceVersion) : new BlobClientOptions();
    }

    private static bool TargetsEmulator(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) && value.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (key.Equals("BlobEndpoint", StringComparison.OrdinalIgnoreCase)
                && Uri.TryCreate(value, UriKind.Absolute, out var endpoint)
                && (endpoint.IsLoopback || endpoint.Host.Equals("azurite", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        var creation = _createdContainers.GetOrAdd(container, c => new Lazy<Task>(() => CreateContainerAsync(c)));
        return creation.Value.WaitAsync(cancellationToken);
    }

    private async Task CreateContainerAsync(string container)
    {
        try
        {
            await _service.GetBlobContainerClient(container).CreateIfNotExistsAsync().ConfigureAwait(false);
        }
        catch
        {
            _createdContainers.TryRemove(container, out _);
            throw;
        }
    }

    private static bool IsConditionFailure(RequestFailedException e, WriteCondition condition) => e.Status switch
    {
        412 => true,
        409 => e.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString(),
        404 => condition.IfMatchETag is not null && e.ErrorCode != BlobErrorCode.ContainerNotFound.ToString(),
        _ => false,
    };

    private static BlobRequestConditions? ToConditions(WriteCondition? condition) => condition switch
    {
        { IfNoneExists: true } => new BlobRequestConditions { IfNoneMatch = ETag.All },
        { IfMatchETag: { } etag } => new BlobRequestConditions { IfMatch = new ETag(Quoted(etag)) },
        _ => null,
    };

    /// <summary>Normalises an ETag to its quoted HTTP header form (listings return it unquoted).</summary>
    private static string Quoted(string etag) =>
        etag.Length >= 2 && etag[0] == '"' && etag[^1] == '"' ? etag : $"\"{etag}\"";

    /// <summary>A read-only, forward-only wrapper that counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            Count += read;
            return read;
        }
    }
}
