namespace Affect.Audio;

/// <summary>
/// Several output files committed together: each is written to its own unique temporary beside its target, and only
/// when every one is written are they renamed into place, so a failure while writing (disk full, a size limit, a bad
/// row) leaves none of the targets changed and no temporary behind. Disposing without <see cref="Commit"/> deletes
/// every temporary. The renames themselves are metadata operations on each target's volume and do not run out of space.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    private readonly List<(string Temporary, string Target)> staged = [];
    private bool committed;

    /// <summary>Writes the future content of <paramref name="path"/> through <paramref name="write"/> into a temporary.</summary>
    public void Stage(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(committed, this);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = AtomicFile.TemporaryPathFor(full);
        staged.Add((temporary, full));
        try
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
        }
        catch (Exception e) when (AtomicFile.IsWriteFailure(e))
        {
            throw AtomicFile.Named(full, e);
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) for <paramref name="path"/> into a temporary.</summary>
    public void StageText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Stage(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16);
            write(writer);
        });
    }

    /// <summary>Renames every staged temporary over its target.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        committed = true;
        foreach (var (temporary, target) in staged)
        {
            File.Move(temporary, target, overwrite: true);
        }

        staged.Clear();
    }

    /// <summary>Deletes every temporary not committed.</summary>
    public void Dispose()
    {
        foreach (var (temporary, _) in staged)
        {
            AtomicFile.DeleteQuietly(temporary);
        }

        staged.Clear();
        committed = true;
    }
}
