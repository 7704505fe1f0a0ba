namespace Affect.Cli.Native;

/// <summary>
/// A plain <c>affect features lld IN.wav [IN2.wav ...] --csv OUT.csv [--no-deltas] [--quiet | --json]</c> command line:
/// the only form the native entry runs itself. Anything else (help, an unknown or repeated option, a missing value, a
/// word starting with <c>-</c> where a file is expected, <c>--quiet</c> with <c>--json</c>) is left to the managed CLI,
/// whose parser gives the usage error or the help text.
/// </summary>
/// <param name="Inputs">The WAV files, in order.</param>
/// <param name="Csv">The CSV to write.</param>
/// <param name="NoDeltas"><c>--no-deltas</c>: the 65 LLDs without their deltas.</param>
/// <param name="Quiet"><c>--quiet</c>: only the CSV's path on stdout.</param>
/// <param name="Json"><c>--json</c>: one JSON summary on stdout.</param>
internal sealed record LldInvocation(IReadOnlyList<string> Inputs, string Csv, bool NoDeltas, bool Quiet, bool Json)
{
    /// <summary>The invocation in <paramref name="args"/>, or null when they are not a plain <c>features lld</c> line.</summary>
    public static LldInvocation? Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "features" || args[1] != "lld")
        {
            return null;
        }

        var inputs = new List<string>();
        string? csv = null;
        bool noDeltas = false, quiet = false, json = false;
        for (int i = 2; i < args.Count; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--csv" when csv is null && i + 1 < args.Count && IsValue(args[i + 1]):
                    csv = args[++i];
                    break;
                case "--no-deltas" when !noDeltas:
                    noDeltas = true;
                    break;
                case "--quiet" when !quiet:
                    quiet = true;
                    break;
                case "--json" when !json:
                    json = true;
                    break;
                default:
                    if (a.StartsWith("--csv=", StringComparison.Ordinal) && csv is null && IsValue(a[6..]))
                    {
                        csv = a[6..];
                    }
                    else if (IsValue(a))
                    {
                        inputs.Add(a);
                    }
                    else
                    {
                        return null;
                    }

                    break;
            }
        }

        return inputs.Count > 0 && csv is not null && !(quiet && json) ? new LldInvocation(inputs, csv, noDeltas, quiet, json) : null;
    }

    // A file name as the managed parser takes it: not empty and not option-like.
    private static bool IsValue(string word) => word.Length > 0 && word[0] != '-';
}
