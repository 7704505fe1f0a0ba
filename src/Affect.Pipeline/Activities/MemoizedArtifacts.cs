using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Content-addressed memoization of stage outputs under <c>artifacts/{stage}/{key}/</c>: side files, then the main
/// blob, then the artifact's <see cref="ArtifactIntegrity"/> record (length and SHA-256 of every file) are written, so
/// the record's presence means the whole artifact was committed. A re-run or a resumed run reuses an artifact only when
/// every file still matches its record; a corrupt or partial one is reported (<see cref="ActivityLog.CorruptFound"/>,
/// naming the file) and recomputed, never used. Reads through <see cref="ReadJsonAsync{T}"/> and
/// <see cref="ReadBytesAsync"/> verify the bytes against the record too.
/// </summary>
public sealed class MemoizedArtifacts(IBlobStore store, ActivityLog log)
{
    /// <summary>JSON settings of every artifact: indented, camelCase, '\n' newlines, so bytes are reproducible.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n" };

    /// <summary>The store artifacts live in.</summary>
    public IBlobStore Store => store;

    /// <summary>
    /// Returns the artifact <paramref name="stage"/>/<paramref name="key"/>/<paramref name="mainFile"/> if it exists and
    /// matches its integrity record; otherwise runs <paramref name="compute"/>, writes its side files, its main file and
    /// the record last, and returns the reference.
    /// </summary>
    /// <param name="stage">Stage name (folder under <c>artifacts</c>).</param>
    /// <param name="key">Content address from <see cref="ArtifactKey"/>.</param>
    /// <param name="mainFile">File name of the main blob.</param>
    /// <param name="compute">Produces the files: the main file's bytes and any side files (name → bytes).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<ArtifactRef> GetOrCreateAsync(
        string stage,
        string key,
        string mainFile,
        Func<CancellationToken, Task<ArtifactFiles>> compute,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compute);
        string prefix = $"{stage}/{key}/";
        string mainBlob = prefix + mainFile;
        var wait = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await IntactAsync(prefix, mainBlob, cancellationToken) is null)
            {
                return Reused(stage, key, mainBlob);
            }

            // Claim the work, so another runner on this store waits for this commit instead of computing it too.
            await using var claim = await ArtifactClaim.TryAcquireAsync(store, Containers.Artifacts, prefix + ArtifactClaim.FileName, cancellationToken);
            if (claim is null)
            {
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 1000));
                continue;
            }

            // Checked again under the claim: the previous holder may have committed just before releasing it.
            string? problem = await IntactAsync(prefix, mainBlob, cancellationToken);
            if (problem is null)
            {
                return Reused(stage, key, mainBlob);
            }

            if (problem.Length > 0)
            {
                log.RecordCorrupt(new CorruptArtifact(stage, key, problem));
            }

            return await CommitAsync(stage, key, mainFile, compute, cancellationToken);
        }
    }

    // null: committed and intact; "": never committed; otherwise what is wrong with the committed artifact (a record
    // without its main file is a damaged artifact too, not a new one).
    private async Task<string?> IntactAsync(string prefix, string mainBlob, CancellationToken cancellationToken) =>
        await store.GetInfoAsync(Containers.Artifacts, mainBlob, cancellationToken) is null
            && await store.GetInfoAsync(Containers.Artifacts, prefix + ArtifactIntegrity.FileName, cancellationToken) is null
            ? string.Empty
            : await ArtifactIntegrity.VerifyAsync(store, Containers.Artifacts, prefix, cancellationToken);

    private ArtifactRef Reused(string stage, string key, string mainBlob)
    {
        var reused = new ArtifactRef(stage, key, mainBlob, Reused: true);
        log.Record(reused);
        return reused;
    }

    private async Task<ArtifactRef> CommitAsync(string stage, string key, string mainFile, Func<CancellationToken, Task<ArtifactFiles>> compute, CancellationToken cancellationToken)
    {
        string prefix = $"{stage}/{key}/";
        string mainBlob = prefix + mainFile;
        var files = await compute(cancellationToken);
        if (files.Side.ContainsKey(mainFile) || new[] { ArtifactIntegrity.FileName, ArtifactClaim.FileName }.Any(n => n == mainFile || files.Side.ContainsKey(n)))
        {
            throw new InvalidOperationException($"{Containers.Artifacts}/{prefix}: side files may not be named like the main file, {ArtifactIntegrity.FileName} or {ArtifactClaim.FileName}");
        }

        foreach (var (name, bytes) in files.Side.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            await PutAsync(prefix + name, bytes, cancellationToken);
        }

        await PutAsync(mainBlob, files.Main, cancellationToken);
        var record = ArtifactIntegrity.Of(files.Side.Append(new KeyValuePair<string, byte[]>(mainFile, files.Main)));
        await PutAsync(prefix + ArtifactIntegrity.FileName, record.ToBytes(), cancellationToken);
        var computed = new ArtifactRef(stage, key, mainBlob, Reused: false);
        log.Record(computed);
        return computed;
    }

    /// <summary>Reads a JSON artifact blob, verified against its artifact's integrity record; errors name the blob.</summary>
    public async Task<T> ReadJsonAsync<T>(string blob, CancellationToken cancellationToken = default)
    {
        byte[] bytes = await ReadBytesAsync(blob, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json)
                ?? throw new InvalidDataException($"{Containers.Artifacts}/{blob}: empty JSON document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Containers.Artifacts}/{blob}: {e.Path ?? "$"}: not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Reads an artifact blob whole, verified against its artifact's integrity record (a mismatch names the blob).</summary>
    public async Task<byte[]> ReadBytesAsync(string blob, CancellationToken cancellationToken = default)
    {
        byte[] bytes = await store.GetBytesAsync(Containers.Artifacts, blob, cancellationToken);
        await ArtifactIntegrity.RequireCommittedAsync(store, Containers.Artifacts, blob, bytes, cancellationToken);
        return bytes;
    }

    /// <summary>Serializes a value the way every artifact is serialized.</summary>
    public static byte[] ToJsonBytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    private async Task PutAsync(string blob, byte[] bytes, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        await store.PutAsync(Containers.Artifacts, blob, ms, null, cancellationToken);
    }
}

/// <summary>The files of one artifact: the main file (written last, marks completion) and side files.</summary>
/// <param name="Main">Bytes of the main file.</param>
/// <param name="Side">Other files of the artifact, by file name.</param>
public sealed record ArtifactFiles(byte[] Main, IReadOnlyDictionary<string, byte[]> Side)
{
    /// <summary>An artifact made of its main file only.</summary>
    public static ArtifactFiles Only(byte[] main) => new(main, new Dictionary<string, byte[]>());
}
