namespace Affect.Corpora;

/// <summary>
/// Rules for corpus-relative paths in manifests: '/' separated, relative, and unable to leave the corpus root or to
/// mean different files on different operating systems.
/// </summary>
public static class CorpusPath
{
    /// <summary>Longest accepted path, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// Returns why <paramref name="path"/> is not a safe corpus-relative path, or null when it is. Rejected: empty paths,
    /// absolute paths, backslashes, ':' (drive letters, alternate data streams), control characters, empty segments
    /// ('//' or a trailing '/'), '.' and '..' segments, and segments ending in '.' or ' ' (trimmed by Windows).
    /// </summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is empty (expected a path relative to the corpus root, e.g. audio/s01.wav)";
        }

        if (path.Length > MaxLength)
        {
            return $"is {path.Length} characters long (expected at most {MaxLength})";
        }

        foreach (char c in path)
        {
            if (char.IsControl(c))
            {
                return $"contains the control character U+{(int)c:X4} (expected printable characters only)";
            }
        }

        if (path.Contains('\\'))
        {
            return $"'{path}' contains a backslash (expected '/' as the separator)";
        }

        if (path.StartsWith('/'))
        {
            return $"'{path}' is absolute (expected a path relative to the corpus root)";
        }

        if (path.Contains(':'))
        {
            return $"'{path}' contains ':' (drive letters, URLs and alternate data streams are not allowed)";
        }

        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return $"'{path}' has an empty segment ('//' or a trailing '/')";
            }

            if (segment is "." or "..")
            {
                return $"'{path}' has a '{segment}' segment (expected a path that stays inside the corpus root)";
            }

            if (segment.EndsWith('.') || segment.EndsWith(' ') || segment.StartsWith(' '))
            {
                return $"'{path}' has the segment '{segment}' that starts with a space or ends with '.' or a space (ambiguous on Windows)";
            }
        }

        return null;
    }
}
