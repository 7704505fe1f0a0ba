using System.Security.Cryptography;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Reads corpus files at the exact version a run ingested: the SHA-256 the ingest record holds for a file is checked on
/// every read, so a file replaced during a run fails that run (naming the file) instead of mixing two corpus versions.
/// </summary>
public static class CorpusFiles
{
    /// <summary>Reads <c>corpora/{blob}</c> and checks its SHA-256 against <paramref name="sha256"/> (lower-case hex).</summary>
    /// <param name="store">The store holding the <c>corpora</c> container.</param>
    /// <param name="blob">Blob name inside <c>corpora</c> (e.g. <c>recola/audio/a.wav</c>).</param>
    /// <param name="sha256">The hash recorded at ingest; null skips the check (records written before hashes were kept).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="CorpusChangedException">The stored bytes are not the ingested ones.</exception>
    public static async Task<byte[]> ReadVerifiedAsync(IBlobStore store, string blob, string? sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[] bytes = await store.GetBytesAsync(Containers.Corpora, blob, cancellationToken);
        Verify(blob, bytes, sha256);
        return bytes;
    }

    /// <summary>Checks that <paramref name="bytes"/> of <c>corpora/{blob}</c> hash to <paramref name="sha256"/> (null: no check).</summary>
    /// <exception cref="CorpusChangedException">They do not.</exception>
    public static void Verify(string blob, ReadOnlySpan<byte> bytes, string? sha256)
    {
        if (sha256 is null)
        {
            return;
        }

        string found = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(found, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new CorpusChangedException($"{Containers.Corpora}/{blob}", sha256, found);
        }
    }
}

/// <summary>
/// A corpus file changed after the run ingested it (its SHA-256 differs from the ingest record's). Permanent for the
/// run: activities are not retried on it (its type is not a transient one); a new upload starts a new run keyed on the new content.
/// </summary>
/// <param name="file">The file, as <c>corpora/...</c>.</param>
/// <param name="expected">SHA-256 at ingest.</param>
/// <param name="found">SHA-256 now.</param>
public sealed class CorpusChangedException(string file, string expected, string found)
    : IOException($"{file}: sha256: the file changed after this run ingested it (ingested {expected[..Math.Min(12, expected.Length)]}…, now {found[..12]}…); the run stops instead of mixing corpus versions: start a new run for the new upload")
{
    /// <summary>The changed file, as <c>corpora/...</c>.</summary>
    public string File { get; } = file;
}
