using System.Security.Cryptography;
using System.Text.Json;

namespace Affect.Storage;

/// <summary>Length and SHA-256 of one committed artifact file.</summary>
/// <param name="File">File name within the artifact folder.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the bytes.</param>
public sealed record ArtifactFileDigest(string File, long Length, string Sha256);

/// <summary>
/// The integrity record of one artifact folder (<c>artifacts/{stage}/{key}/sha256.json</c>), written after every
/// other file of the artifact, so that its presence means the commit finished and its digests say what was committed.
/// A file whose bytes no longer match (truncated, overwritten, partly written) is detected on reuse and on read.
/// </summary>
/// <param name="Version">Format version (1).</param>
/// <param name="Files">Digest of every file of the artifact, in ordinal name order.</param>
public sealed record ArtifactIntegrity(int Version, IReadOnlyList<ArtifactFileDigest> Files)
{
    /// <summary>File name of the record inside the artifact folder.</summary>
    public const string FileName = "sha256.json";

    /// <summary>Digests of <paramref name="files"/> (file name → bytes).</summary>
    public static ArtifactIntegrity Of(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new ArtifactIntegrity(1, [.. files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => Digest(f.Key, f.Value))]);
    }

    /// <summary>Digest of one file's bytes.</summary>
    public static ArtifactFileDigest Digest(string file, ReadOnlySpan<byte> bytes) =>
        new(file, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    /// <summary>Serialized form (stable bytes: same digests ⇒ same record).</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, BlobStoreExtensions.JsonOptions);

    /// <summary>
    /// Checks the artifact folder <paramref name="prefix"/> (<c>{stage}/{key}/</c>) of <paramref name="container"/>
    /// against its record: null when every file is present with its committed length and SHA-256, otherwise the
    /// first problem as <c>container/blob: what</c>.
    /// </summary>
    public static async Task<string?> VerifyAsync(IBlobStore store, string container, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (record, problem) = await ReadAsync(store, container, prefix, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return problem;
        }

        foreach (var file in record.Files)
        {
            byte[] bytes;
            try
            {
                bytes = await store.GetBytesAsync(container, prefix + file.File, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobNotFoundException)
            {
                return $"{container}/{prefix}{file.File}: missing (committed {file.Length} bytes)";
            }

            if (Mismatch(file, bytes) is { } what)
            {
                return $"{container}/{prefix}{file.File}: {what}";
            }
        }

        return null;
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the blob when <paramref name="bytes"/>, read from
    /// <paramref name="blob"/>, differ from what its artifact's record committed; blobs without a record pass.
    /// </summary>
    public static async Task RequireCommittedAsync(IBlobStore store, string container, string blob, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(bytes);
        int slash = blob.LastIndexOf('/');
        string prefix = blob[..(slash + 1)];
        var (record, _) = await ReadAsync(store, container, prefix, cancellationToken).ConfigureAwait(false);
        var file = record?.Files.FirstOrDefault(f => f.File == blob[(slash + 1)..]);
        if (file is not null && Mismatch(file, bytes) is { } what)
        {
            throw new InvalidDataException($"{container}/{blob}: {what}: the artifact is corrupt; re-run to recompute it");
        }
    }

    private static string? Mismatch(ArtifactFileDigest file, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != file.Length)
        {
            return $"{bytes.Length} bytes, committed {file.Length} (truncated or overwritten)";
        }

        var actual = Digest(file.File, bytes);
        return actual.Sha256 == file.Sha256 ? null : $"sha256 {actual.Sha256[..12]}…, committed {file.Sha256[..12]}… (content changed)";
    }

    private static async Task<(ArtifactIntegrity? Record, string? Problem)> ReadAsync(IBlobStore store, string container, string prefix, CancellationToken cancellationToken)
    {
        string name = prefix + FileName;
        byte[] bytes;
        try
        {
            bytes = await store.GetBytesAsync(container, name, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return (null, $"{container}/{name}: missing (the commit did not finish, or the artifact predates integrity records)");
        }

        try
        {
            var record = JsonSerializer.Deserialize<ArtifactIntegrity>(bytes, BlobStoreExtensions.JsonOptions);
            if (record is not { Version: 1, Files: not null } || !record.Files.All(f => f is { File: not null, Sha256.Length: 64 }))
            {
                return (null, $"{container}/{name}: not an integrity record of version 1");
            }

            // The record is written in one canonical form: any other bytes (a flipped digit that still parses, an appended
            // space) mean it was changed after the commit, so it vouches for nothing.
            return bytes.AsSpan().SequenceEqual(record.ToBytes())
                ? (record, null)
                : (null, $"{container}/{name}: differs from the committed record's canonical form (changed after the commit)");
        }
        catch (JsonException e)
        {
            return (null, $"{container}/{name}: {e.Path ?? "$"}: not valid JSON (truncated or overwritten)");
        }
    }
}
