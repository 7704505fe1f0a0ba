using Affect.Audio;

namespace Affect.Corpora;

/// <summary>
/// A corpus-relative path that may not be read: unsafe as written, or leading outside the corpus folder through a
/// symbolic link. The message reads <c>PATH: problem</c> with control characters escaped.
/// </summary>
public sealed class CorpusPathException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The corpus-relative path as the manifest wrote it.</param>
    /// <param name="problem">What is wrong, followed by what was expected in parentheses.</param>
    public CorpusPathException(string path, string problem)
        : base($"{DisplayText.Escape(path)}: {DisplayText.Escape(problem)}")
    {
        CorpusRelativePath = path;
        Problem = problem;
    }

    /// <summary>The corpus-relative path at fault.</summary>
    public string CorpusRelativePath { get; }

    /// <summary>The description of the problem without the path prefix.</summary>
    public string Problem { get; }
}
