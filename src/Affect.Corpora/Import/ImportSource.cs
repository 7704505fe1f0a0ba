using Affect.Audio;

namespace Affect.Corpora.Import;

/// <summary>
/// The source corpus as the layouts see it: the relative paths of its files and their text, so layouts stay pure
/// mappings from a file list to manifest entries and tests can hand them an in-memory tree.
/// </summary>
public interface IImportSource
{
    /// <summary>Every regular file under the source folder, '/' separated, relative, in ordinal order.</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>Reads a source file (relative path) as UTF-8 text.</summary>
    /// <exception cref="CorpusImportException">The file is missing or unreadable.</exception>
    string ReadText(string relativePath);
}

/// <summary>A source corpus in memory: file paths and the text of the annotation files (tests, and anything not on disk).</summary>
/// <param name="Files">Relative paths of every file.</param>
/// <param name="Texts">Text of the files a layout reads.</param>
public sealed record MemoryImportSource(IReadOnlyList<string> Files, IReadOnlyDictionary<string, string> Texts) : IImportSource
{
    /// <inheritdoc />
    public string ReadText(string relativePath) =>
        Texts.TryGetValue(relativePath, out string? text) ? text : throw new CorpusImportException(relativePath, "file", "does not exist");
}

/// <summary>
/// A source folder on disk. Scanning refuses what could smuggle files in from elsewhere: a symbolic link (to a file or
/// folder) that resolves outside the folder, and special files (FIFOs, devices, sockets) among the corpus's files.
/// </summary>
public sealed class FolderImportSource : IImportSource
{
    /// <summary>Largest annotation file read, in bytes (256 MiB).</summary>
    public const long MaxTextBytes = BoundedText.MaxFileBytes;

    private readonly string realRoot;

    /// <summary>Scans <paramref name="root"/>.</summary>
    /// <exception cref="CorpusImportException">The folder is missing, or a link leads outside it.</exception>
    public FolderImportSource(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root))
        {
            throw new CorpusImportException(root, "folder", "does not exist (expected the folder of the corpus as downloaded)");
        }

        realRoot = RegularFile.RealPath(Root);
        var files = new List<string>();
        Scan(Root, string.Empty, files);
        files.Sort(StringComparer.Ordinal);
        Files = files;
    }

    /// <summary>The absolute source folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Files { get; }

    /// <summary>The absolute path of a file of the source, refusing one that resolves outside the source folder.</summary>
    public string FullPath(string relativePath)
    {
        string full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!Inside(RegularFile.RealPath(full)))
        {
            throw new CorpusImportException(relativePath, "path", "leads outside the source folder (a '..' segment or a symbolic link; expected a file inside it)");
        }

        return full;
    }

    /// <inheritdoc />
    public string ReadText(string relativePath)
    {
        string full = FullPath(relativePath);
        try
        {
            using var stream = RegularFile.OpenRead(full, relativePath, MaxTextBytes);
            string? text = BoundedText.Read(stream, MaxTextBytes, out string? why);
            return text ?? throw new CorpusImportException(relativePath, "file", why ?? "is unreadable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorpusImportException(relativePath, "file", e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : $"cannot be read ({e.Message})");
        }
    }

    private bool Inside(string real) =>
        real == realRoot || real.StartsWith(realRoot.EndsWith(Path.DirectorySeparatorChar) ? realRoot : realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private void Scan(string folder, string prefix, List<string> files)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            string relative = prefix + name;
            var info = new FileInfo(entry);
            bool isLink = info.LinkTarget is not null;
            if (isLink && !Inside(RegularFile.RealPath(entry)))
            {
                throw new CorpusImportException(relative, "path", "is a symbolic link that leads outside the source folder (copy the file in, or import from the folder it points to)");
            }

            if (name.StartsWith('.'))
            {
                continue; // hidden files and folders (.DS_Store, .git, editor backups) are not part of a corpus
            }

            if (Directory.Exists(entry))
            {
                if (!isLink)
                {
                    Scan(entry, relative + "/", files);
                }

                continue;
            }

            files.Add(relative);
        }
    }
}
