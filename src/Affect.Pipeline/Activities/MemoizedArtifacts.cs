using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Content-addressed memoization of stage outputs under <c>artifacts/{stage}/{key}/</c>: the main blob is written
/// last, so its presence means the whole artifact is complete, and a re-run or a resumed run finds and reuses it.
/// </summary>
public sealed class MemoizedArtifacts(IBlobStore store, ActivityLog log)
{
    /// <summary>JSON settings of every artifact: indented, camelCase, '\n' newlines, so bytes are reproducible.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n" };

    /// <summary>The store artifacts live in.</summary>
    public IBlobStore Store => store;

    /// <summary>
    /// Returns the artifact <paramref name="stage"/>/<paramref name="key"/>/<paramref name="mainFile"/> if it exists;
    /// otherwise runs <paramref name="compute"/>, writes its side files then its main file, and returns the reference.
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
        if (await store.GetInfoAsync(Containers.Artifacts, mainBlob, cancellationToken) is not null)
        {
            var reused = new ArtifactRef(stage, key, mainBlob, Reused: true);
            log.Record(reused);
            return reused;
        }

        var files = await compute(cancellationToken);
        foreach (var (name, bytes) in files.Side.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            await PutAsync(prefix + name, bytes, cancellationToken);
        }

        await PutAsync(mainBlob, files.Main, cancellationToken);
        var computed = new ArtifactRef(stage, key, mainBlob, Reused: false);
        log.Record(computed);
        return computed;
    }

    /// <summary>Reads a JSON artifact blob.</summary>
    public async Task<T> ReadJsonAsync<T>(string blob, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(Containers.Artifacts, blob, cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"artifacts/{blob}: empty JSON document");
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
