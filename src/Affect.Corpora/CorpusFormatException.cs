namespace Affect.Corpora;

/// <summary>
/// A manifest or label file that cannot be accepted. The message lists every problem found, one per line, each as
/// <c>FILE: json.path: message</c>, so a user can fix them all in one pass.
/// </summary>
public sealed class CorpusFormatException : FormatException
{
    /// <summary>Creates the exception from the problems found (at least one).</summary>
    /// <param name="problems">Every problem found, in file order.</param>
    public CorpusFormatException(IReadOnlyList<CorpusProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, in the order they were found.</summary>
    public IReadOnlyList<CorpusProblem> Problems { get; }

    private static string Describe(IReadOnlyList<CorpusProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            throw new ArgumentException("At least one problem is required.", nameof(problems));
        }

        string noun = problems.Count == 1 ? "problem" : "problems";
        return $"{problems.Count} {noun}:\n" + string.Join('\n', problems.Select(p => p.ToString()));
    }
}
