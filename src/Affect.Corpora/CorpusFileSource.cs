using Affect.Audio;

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
/// A corpus stored as a folder. Paths are checked with <see cref="CorpusPath.Problem"/> and must resolve inside the root
/// after every symbolic link is followed, so a manifest cannot make the reader leave the corpus folder through '..',
/// absolute paths, drive letters or links; only regular files are opened (no FIFOs, devices or directories).
/// </summary>
public sealed class FolderCorpusSource : ICorpusFileSource
{
    private readonly string _rootWithSeparator;
    private readonly string _realRootWithSeparator;

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

        _rootWithSeparator = WithSeparator(Root);
        _realRootWithSeparator = WithSeparator(RegularFile.RealPath(Root));
    }

    /// <summary>The absolute path of the corpus folder.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path or a link leads outside the folder.</exception>
    public bool Exists(string relativePath)
    {
        string full = Resolve(relativePath);
        return File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path or a link leads outside the folder.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path names a FIFO, device, socket or directory rather than a regular file.</exception>
    public Stream Open(string relativePath) => RegularFile.OpenRead(Resolve(relativePath), relativePath);

    /// <summary>
    /// Maps a corpus-relative path to the absolute path of the file it names, every symbolic link followed, and checks
    /// that this file lies inside <see cref="Root"/> (itself resolved the same way).
    /// </summary>
    /// <exception cref="ArgumentException">The path is not a safe corpus-relative path, or it resolves outside the corpus folder.</exception>
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

        string real = RegularFile.RealPath(full);
        if (!real.StartsWith(_realRootWithSeparator, StringComparison.Ordinal))
        {
            throw new CorpusPathException(relativePath, "is a symbolic link, or lies under one, that leads outside the corpus folder (expected every corpus file inside the corpus folder)");
        }

        return real;
    }

    private static string WithSeparator(string path) => Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;
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
