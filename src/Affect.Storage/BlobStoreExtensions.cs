using System.Text.Encodings.Web;
using System.Text.Json;

namespace Affect.Storage;

/// <summary>Convenience reads and writes of whole blobs (bytes, JSON) on any <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>
    /// The JSON form of every blob this pipeline writes: camelCase, indented by two spaces, '\n' line
    /// endings on every OS, so the same object always serialises to the same bytes.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="content"/> as the whole blob; atomic like <see cref="IBlobStore.PutAsync"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="condition">Optional write condition.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<BlobInfo> PutBytesAsync(this IBlobStore store, string container, string name, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var stream = new ReadOnlyMemoryStream(content);
        return await store.PutAsync(container, name, stream, condition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a whole blob into memory.</summary>
    /// <param name="store">The store.</param>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="BlobNotFoundException">When the blob does not exist.</exception>
    public static async Task<byte[]> GetBytesAsync(this IBlobStore store, string container, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stream = await store.OpenReadAsync(container, name, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    /// <summary>Serialises <paramref name="value"/> with <see cref="JsonOptions"/> (or <paramref name="options"/>) and writes it.</summary>
    /// <typeparam name="T">The serialised type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <param name="value">The value to serialise.</param>
    /// <param name="condition">Optional write condition.</param>
    /// <param name="options">Serializer options; <see cref="JsonOptions"/> when null.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task<BlobInfo> PutJsonAsync<T>(this IBlobStore store, string container, string name, T value, WriteCondition? condition = null, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonOptions);
        return store.PutBytesAsync(container, name, bytes, condition, cancellationToken);
    }

    /// <summary>Reads and deserialises a JSON blob written by <see cref="PutJsonAsync{T}"/>.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <param name="options">Serializer options; <see cref="JsonOptions"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="BlobNotFoundException">When the blob does not exist.</exception>
    /// <exception cref="InvalidDataException">When the blob is not JSON of type <typeparamref name="T"/>, naming the blob and the JSON path.</exception>
    public static async Task<T> GetJsonAsync<T>(this IBlobStore store, string container, string name, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var bytes = await store.GetBytesAsync(container, name, cancellationToken).ConfigureAwait(false);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(bytes, options ?? JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{container}/{name}: {e.Path ?? "$"}: not valid JSON for {typeof(T).Name} (line {e.LineNumber + 1}): {e.Message}", e);
        }

        return value ?? throw new InvalidDataException($"{container}/{name}: $: JSON null where {typeof(T).Name} was expected.");
    }

    /// <summary>Returns whether the blob exists.</summary>
    /// <param name="store">The store.</param>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static async Task<bool> ExistsAsync(this IBlobStore store, string container, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetInfoAsync(container, name, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>A seekable read-only stream over memory, without copying it.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, memory.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => memory.Length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
