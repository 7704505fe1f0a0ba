using System.Runtime.InteropServices;

namespace Affect.Audio;

/// <summary>
/// Opens input files only when they are regular files (after following symbolic links), so a FIFO, a device such as
/// /dev/zero, a socket or a directory named as audio or labels gives a clear error instead of hanging or exhausting memory.
/// Also resolves paths the way the kernel does (<see cref="RealPath"/>) so callers can confine them to a folder.
/// </summary>
public static partial class RegularFile
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Returns why <paramref name="path"/> is not a readable regular file (missing, a FIFO, a device, a socket, a
    /// directory), or null when it is one. Symbolic links are followed to their final target.
    /// </summary>
    public static string? Problem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            if (Directory.Exists(path))
            {
                return "is a directory (expected a regular file)";
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return "does not exist";
            }

            return (info.Attributes & FileAttributes.Device) != 0 ? "is a device (expected a regular file)" : null;
        }

        // SystemNative_Stat is the stat(2) shim every .NET runtime on Unix ships; its FileStatus struct starts with
        // int32 Flags, int32 Mode, where Mode carries the file type bits (S_IFMT = 0xF000).
        byte[] status = new byte[512];
        if (SystemNativeStat(path, status) != 0)
        {
            return File.Exists(path) || Directory.Exists(path) ? "cannot be inspected (expected a readable regular file)" : "does not exist";
        }

        int type = BitConverter.ToInt32(status, 4) & 0xF000;
        return type switch
        {
            0x8000 => null,
            0x4000 => "is a directory (expected a regular file)",
            0x1000 => "is a FIFO (named pipe) (expected a regular file; reading it could wait forever)",
            0x2000 => "is a character device such as /dev/zero (expected a regular file)",
            0x6000 => "is a block device (expected a regular file)",
            0xC000 => "is a socket (expected a regular file)",
            _ => "is not a regular file (expected a regular file)",
        };
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading after checking that it is a regular file no larger than
    /// <paramref name="maxBytes"/>.
    /// </summary>
    /// <param name="path">The file to open.</param>
    /// <param name="sourceName">Name used in error messages (a file or corpus-relative name).</param>
    /// <param name="maxBytes">Largest accepted size in bytes.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file is not a regular file or is larger than <paramref name="maxBytes"/>; the message reads <c>FILE: file: problem</c>.</exception>
    public static FileStream OpenRead(string path, string sourceName, long maxBytes = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sourceName);
        string? problem = Problem(path);
        if (problem == "does not exist")
        {
            throw new FileNotFoundException($"{DisplayText.Escape(sourceName)}: file: does not exist", path);
        }

        if (problem is not null)
        {
            throw new IOException($"{DisplayText.Escape(sourceName)}: file: {problem}");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (stream.Length > maxBytes)
        {
            long length = stream.Length;
            stream.Dispose();
            throw new IOException($"{DisplayText.Escape(sourceName)}: file: is {length} bytes (expected at most {maxBytes} bytes)");
        }

        return stream;
    }

    /// <summary>
    /// Returns the absolute path of <paramref name="path"/> with every symbolic link resolved and '.'/'..' applied to
    /// the resolved folders, like realpath(3); components that do not exist are kept as written.
    /// </summary>
    /// <exception cref="IOException">More than 40 symbolic links on the way (a loop).</exception>
    public static string RealPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int hops = 0;
        return Walk(Path.IsPathFullyQualified(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path), ref hops);
    }

    private static string Walk(string full, ref int hops)
    {
        string root = Path.GetPathRoot(full) ?? string.Empty;
        string current = root;
        char[] separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
        foreach (string segment in full[root.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Join(current, segment);
            string? link = new FileInfo(next).LinkTarget;
            if (link is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"{DisplayText.Escape(full)}: too many levels of symbolic links");
            }

            current = Walk(Path.IsPathRooted(link) ? link : Path.Join(current, link), ref hops);
        }

        return current;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SystemNativeStat(string path, [Out] byte[] status);
}
