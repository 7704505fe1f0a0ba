namespace Affect.Corpora;

/// <summary>
/// Read access to the files of one corpus by corpus-relative path ('/' separated), so validation and ingestion work
/// the same on a folder, a blob container or in memory.
/// </summary>
public interface ICorpusFileSource
{
    /// <summary>True when the file exists.</summary>
    /// <param name="relativePath">A corpus-relative path such as <c>audio/s01.wav</c>.</param>
    bool Exists(string relativePath);

    /// <summary>Opens the file for reading; the caller disposes the stream.</summary>
    /// <param name="relativePath">A corpus-relative path such as <c>audio/s01.wav</c>.</param>
    Stream Open(string relativePath);
}

/// <summary>
/// A corpus stored as a folder. Paths are checked with <see cref="CorpusPath.Problem"/> and must resolve inside the root,
/// so a manifest cannot make the reader leave the corpus folder through '..', absolute paths or drive letters.
/// </summary>
public sealed class FolderCorpusSource : ICorpusFileSource
{
    private readonly string _rootWithSeparator;

    /// <summary>Opens the corpus folder at <paramref name="root"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public FolderCorpusSource(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"{Root}: the corpus folder does not exist.");
        }

        _rootWithSeparator = Path.EndsInDirectorySeparator(Root) ? Root : Root + Path.DirectorySeparatorChar;
    }

    /// <summary>The absolute path of the corpus folder.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path.</exception>
    public bool Exists(string relativePath) => File.Exists(Resolve(relativePath));

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public Stream Open(string relativePath) =>
        new FileStream(Resolve(relativePath), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    /// <summary>Maps a corpus-relative path to an absolute path inside <see cref="Root"/>.</summary>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path.</exception>
    public string Resolve(string relativePath)
    {
        string? problem = CorpusPath.Problem(relativePath);
        if (problem is not null)
        {
            throw new ArgumentException($"{Root}: path {problem}", nameof(relativePath));
        }

        string full = Path.GetFullPath(Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{Root}: path '{relativePath}' resolves outside the corpus folder", nameof(relativePath));
        }

        return full;
    }
}

/// <summary>A corpus held in memory, e.g. straight from <see cref="Synthetic.SyntheticCorpusGenerator.Generate"/>.</summary>
public sealed class InMemoryCorpusSource : ICorpusFileSource
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <summary>Holds <paramref name="files"/>; a later file with the same path replaces an earlier one.</summary>
    public InMemoryCorpusSource(IEnumerable<CorpusFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var f in files)
        {
            _files[f.RelativePath] = f.Content;
        }
    }

    /// <inheritdoc/>
    public bool Exists(string relativePath) => _files.ContainsKey(relativePath);

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">No file has that path.</exception>
    public Stream Open(string relativePath) =>
        _files.TryGetValue(relativePath, out var bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new FileNotFoundException($"{relativePath}: no such file in the in-memory corpus.", relativePath);
}

/// <summary>One file of a corpus: its corpus-relative path ('/' separated) and its bytes.</summary>
/// <param name="RelativePath">Path relative to the corpus root, e.g. <c>audio/s01.wav</c>.</param>
/// <param name="Content">The complete file content.</param>
public sealed record CorpusFile(string RelativePath, byte[] Content);
