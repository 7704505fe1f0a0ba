using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Affect.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> over a local directory: a container is a directory under the root and
/// a blob is a file; the embedded default store for runs on one machine.
/// </summary>
/// <remarks>
/// <para>Atomic writes: content is streamed to a temporary file under <c>&lt;root&gt;/.staging</c>
/// (same file system, never listed, since container names cannot start with '.'), flushed to disk,
/// then renamed over the final name, so a reader sees the old or the new file, never a partial one.</para>
/// <para>ETag: hex of the file's last-write time (100 ns ticks) and length. Commits are serialised per
/// container by an exclusive lock file (<c>.staging/&lt;container&gt;.lock</c>, also across processes),
/// and each commit stamps the new file with a last-write time strictly later than the file it
/// replaces, so the ETag changes on every write even within the file system's clock granularity.</para>
/// <para>A name cannot be both a blob and a "directory" of other blobs here (<c>a</c> and <c>a/b</c>),
/// unlike Azure; such a write fails with an <see cref="IOException"/> naming both.</para>
/// </remarks>
public sealed class FolderBlobStore : IBlobStore
{
    private const string StagingDirectoryName = ".staging";
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> ProcessLocks = new(StringComparer.Ordinal);
    private static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromDays(1);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    private readonly string _staging;

    /// <summary>Opens (creating if needed) a folder store rooted at <paramref name="root"/>.</summary>
    /// <param name="root">The directory holding one sub-directory per container.</param>
    public FolderBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _staging = Path.Combine(Root, StagingDirectoryName);
        Directory.CreateDirectory(_staging);
        RemoveStaleTemporaries();
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public async Task<BlobInfo> PutAsync(string container, string name, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        ArgumentNullException.ThrowIfNull(content);
        CheckCondition(container, name, condition);
        var target = BlobPath(container, name);
        if (condition is { IfNoneExists: true } && File.Exists(target))
        {
            // Fail fast without reading the content; the commit re-checks under the lock.
            throw new BlobConditionFailedException(container, name, "the blob already exists");
        }

        var temporary = Path.Combine(_staging, $".tmp-{Guid.NewGuid():N}");
        try
        {
            await using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            }))
            {
                await content.CopyToAsync(file, 1 << 17, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            using (await AcquireCommitLockAsync(container, cancellationToken).ConfigureAwait(false))
            {
                return Commit(container, name, temporary, target, condition);
            }
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        cancellationToken.ThrowIfCancellationRequested();
        var path = BlobPath(container, name);
        try
        {
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                                      || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new BlobNotFoundException(container, name);
        }
    }

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Describe(container, name, BlobPath(container, name)));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobName.ValidateContainer(container);
        ArgumentNullException.ThrowIfNull(prefix);
        var containerDirectory = ContainerPath(container);

        // Start from the deepest directory named by the prefix when that part is itself a valid name.
        var slash = prefix.LastIndexOf('/');
        var start = containerDirectory;
        if (slash > 0 && BlobName.IsValidName(prefix[..slash]))
        {
            start = Contained(container, prefix[..slash], Path.Combine(containerDirectory, prefix[..slash]));
        }

        if (!Directory.Exists(start))
        {
            yield break;
        }

        var names = new List<string>();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.None,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        foreach (var path in Directory.EnumerateFiles(start, "*", options))
        {
            var name = Path.GetRelativePath(containerDirectory, path);
            if (Path.DirectorySeparatorChar != '/')
            {
                name = name.Replace(Path.DirectorySeparatorChar, '/');
            }

            // Files put there by other means whose names no store would accept are not blobs.
            if (name.StartsWith(prefix, StringComparison.Ordinal) && BlobName.IsValidName(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = Describe(container, name, Path.Combine(containerDirectory, name));
            if (info is not null)
            {
                yield return info;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(container, name);
        var path = BlobPath(container, name);
        if (!File.Exists(path))
        {
            return false;
        }

        using (await AcquireCommitLockAsync(container, cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            RemoveEmptyParents(ContainerPath(container), Path.GetDirectoryName(path)!);
            return true;
        }
    }

    private BlobInfo Commit(string container, string name, string temporary, string target, WriteCondition? condition)
    {
        var current = new FileInfo(target);
        var exists = current.Exists;
        if (condition is { IfNoneExists: true } && exists)
        {
            throw new BlobConditionFailedException(container, name, "the blob already exists");
        }

        if (condition?.IfMatchETag is { } expected)
        {
            if (!exists)
            {
                throw new BlobConditionFailedException(container, name, $"the blob does not exist (expected ETag {expected})");
            }

            var actual = ETagOf(current);
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw new BlobConditionFailedException(container, name, $"ETag is {actual}, expected {expected}");
            }
        }

        // Stamp a last-write time strictly after the replaced file's, so the ETag always changes.
        var stamp = DateTime.UtcNow;
        if (exists && current.LastWriteTimeUtc >= stamp)
        {
            stamp = current.LastWriteTimeUtc.AddTicks(1);
        }

        File.SetLastWriteTimeUtc(temporary, stamp);
        EnsureParentDirectory(container, name, target);
        try
        {
            File.Move(temporary, target, overwrite: condition is not { IfNoneExists: true });
        }
        catch (IOException) when (condition is { IfNoneExists: true } && File.Exists(target))
        {
            throw new BlobConditionFailedException(container, name, "the blob already exists");
        }
        catch (IOException e) when (Directory.Exists(target))
        {
            throw new IOException($"Cannot write blob '{container}/{name}': a folder store cannot hold both '{name}' and blobs under '{name}/'.", e);
        }

        return Describe(container, name, target)
            ?? throw new IOException($"Blob '{container}/{name}' vanished right after it was written to '{target}'.");
    }

    private void EnsureParentDirectory(string container, string name, string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot write blob '{container}/{name}': a folder store cannot hold a blob named like one of its parent folders ({e.Message}).", e);
        }
    }

    private static BlobInfo? Describe(string container, string name, string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new BlobInfo(container, name, file.Length, ETagOf(file)) : null;
    }

    /// <summary>The ETag: last-write ticks and length in hex (one stat call, so both describe the same file).</summary>
    private static string ETagOf(FileInfo file) =>
        string.Create(CultureInfo.InvariantCulture, $"{file.LastWriteTimeUtc.Ticks:x16}-{file.Length:x}");

    private static void CheckCondition(string container, string name, WriteCondition? condition)
    {
        if (condition is { IfNoneExists: true, IfMatchETag: not null })
        {
            throw new ArgumentException($"Write condition for '{container}/{name}' cannot require both absence and ETag {condition.IfMatchETag}.", nameof(condition));
        }
    }

    private string ContainerPath(string container) => Path.Combine(Root, container);

    private string BlobPath(string container, string name) =>
        Contained(container, name, Path.Combine(ContainerPath(container), name.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>Defence in depth after name validation: the resolved path must stay inside the container.</summary>
    private string Contained(string container, string name, string path)
    {
        var full = Path.GetFullPath(path);
        var containerDirectory = ContainerPath(container) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(containerDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob name '{container}/{name}' resolves to '{full}', outside the store root '{Root}'.", nameof(name));
        }

        return full;
    }

    private async Task<IDisposable> AcquireCommitLockAsync(string container, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(_staging, container + ".lock");
        var gate = ProcessLocks.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deadline = DateTime.UtcNow + LockTimeout;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new CommitLock(file, gate);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    // Held by another process: back off briefly and try again.
                    await Task.Delay(Math.Min(50, 1 + attempt), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new IOException($"Could not lock '{lockPath}' to commit to container '{container}' within {LockTimeout.TotalSeconds:0} s; another process holds it.", e);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private static void RemoveEmptyParents(string containerDirectory, string directory)
    {
        while (directory.Length > containerDirectory.Length
               && directory.StartsWith(containerDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    return;
                }

                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return;
            }

            directory = Path.GetDirectoryName(directory)!;
        }
    }

    private void RemoveStaleTemporaries()
    {
        var cutoff = DateTime.UtcNow - StaleTemporaryAge;
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.None };
        foreach (var path in Directory.EnumerateFiles(_staging, ".tmp-*", options))
        {
            if (File.GetLastWriteTimeUtc(path) < cutoff)
            {
                TryDelete(path);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary is never listed and is removed when stale.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private sealed class CommitLock(FileStream file, SemaphoreSlim gate) : IDisposable
    {
        public void Dispose()
        {
            file.Dispose();
            gate.Release();
        }
    }
}
