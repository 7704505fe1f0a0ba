using System.Text;

namespace Affect.Audio;

/// <summary>
/// Whole-file writes that readers never see half done: each writer fills its own hidden temporary file beside the target
/// (a unique name, so concurrent writers of one path never share it) and renames it over the target; the last rename wins.
/// A failed write (disk full, file size limit, an exception from the producer) deletes the temporary and leaves the target
/// as it was. Shared by the CLI and the pipeline's folder queue; <see cref="AtomicFileSet"/> commits several files together.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes the file at <paramref name="path"/> through <paramref name="write"/>, then renames it into place.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            DeleteQuietly(temporary);
            throw Named(full, e);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>A write failure (disk full, size limit) named by the target the user asked for, not the hidden temporary.</summary>
    internal static IOException Named(string target, Exception e) =>
        new($"{DisplayText.Escape(target)}: write: {DisplayText.Escape(e.Message.Split(" : ")[0])}; nothing was written", e);

    // Disk full is an IOException (ENOSPC); a file size limit surfaces as ArgumentOutOfRangeException (EFBIG).
    internal static bool IsWriteFailure(Exception e) =>
        e is ArgumentOutOfRangeException || (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException);

    /// <summary>Deletes <paramref name="path"/> if it exists, ignoring I/O errors (for cleaning up after a failure).</summary>
    internal static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) through <paramref name="write"/>, atomically.</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            write(writer);
        });
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark), atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteText(path, w => w.Write(text));

    /// <summary>Writes <paramref name="bytes"/>, atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>".name.pid.random.tmp" in the target's folder: unique per writer, same volume, so the rename is atomic.</summary>
    public static string TemporaryPathFor(string fullPath)
        => Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}
