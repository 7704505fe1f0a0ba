namespace Affect.Corpora;

/// <summary>Atomic file writes for corpus folders: a crash or a concurrent writer never leaves a half file under the final name.</summary>
internal static class CorpusFileWriter
{
    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file unique to this call (<c>.NAME.GUID.tmp</c> beside the
    /// target), flushes it to disk and renames it onto <paramref name="path"/>; the temporary file is removed on failure.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
