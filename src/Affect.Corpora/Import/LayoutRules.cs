using System.Text;
using System.Text.RegularExpressions;

namespace Affect.Corpora.Import;

/// <summary>Rules every layout shares: ids from file names, unique ids, speaker-independent given partitions, class order.</summary>
internal static partial class LayoutRules
{
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Token();

    /// <summary>The file name without folder and extension.</summary>
    public static string Stem(string relativePath)
    {
        string name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }

    /// <summary>True for a path whose extension is .wav (any case).</summary>
    public static bool IsWav(string relativePath) => relativePath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A manifest id for a file: its stem with every character outside letters, digits, '.', '_' and '-' replaced by
    /// '_' (ids become file names and CSV cells downstream).
    /// </summary>
    public static string IdFor(string relativePath)
    {
        var sb = new StringBuilder();
        foreach (char c in Stem(relativePath))
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        string id = sb.ToString().TrimStart('.', '_', '-');
        return Token().IsMatch(id) ? id : throw new CorpusImportException(relativePath, "name", "gives no usable id (expected a file name with letters or digits, at most 128 characters)");
    }

    /// <summary>True when <paramref name="token"/> is a valid manifest id, class or speaker token.</summary>
    public static bool IsToken(string token) => Token().IsMatch(token);

    /// <summary>The first capture group of <paramref name="regex"/> on <paramref name="relativePath"/>, or an error naming the option.</summary>
    public static string Group(Regex regex, string relativePath, string option)
    {
        var m = regex.Match(relativePath);
        if (!m.Success)
        {
            throw new CorpusImportException(relativePath, option, $"the pattern '{regex}' does not match this path (expected every WAV path to match)");
        }

        if (m.Groups.Count < 2)
        {
            throw new CorpusImportException(relativePath, option, $"the pattern '{regex}' has no capture group (expected one, e.g. '^([0-9]+)_')");
        }

        if (!m.Groups[1].Success || m.Groups[1].Value.Length == 0)
        {
            throw new CorpusImportException(relativePath, option, $"the pattern '{regex}' matches but its first group captures nothing");
        }

        return m.Groups[1].Value;
    }

    /// <summary>Parses a partition name (train, devel/dev, test).</summary>
    public static CorpusPartition? Partition(string text) => text.ToLowerInvariant() switch
    {
        "train" or "training" => CorpusPartition.Train,
        "devel" or "dev" or "development" or "val" or "validation" => CorpusPartition.Devel,
        "test" => CorpusPartition.Test,
        _ => null,
    };

    /// <summary>Fails on two items with one id, naming both source files.</summary>
    public static void RequireUniqueIds(IEnumerable<ImportItem> items)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (!seen.TryAdd(item.Id, item.Source))
            {
                throw new CorpusImportException(item.Source, "id", $"'{item.Id}' is also the id of {seen[item.Id]} (expected unique file names; ids compare case-insensitively, as audio/ID.wav must be unique)");
            }
        }
    }

    /// <summary>Fails when a speaker appears in two given partitions, naming the file and the two partitions.</summary>
    public static void RequireSpeakerIndependent(IEnumerable<ImportItem> items, string? where = null)
    {
        var first = new Dictionary<string, ImportItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (first.TryGetValue(item.Speaker, out var other) && other.Partition != item.Partition)
            {
                throw new CorpusImportException(
                    where ?? item.Source,
                    "partition",
                    $"speaker '{item.Speaker}' of {item.Source} is in {CorpusNames.Partition(item.Partition)} and in {CorpusNames.Partition(other.Partition)} ({other.Source}) (expected speaker-independent partitions)");
            }

            first.TryAdd(item.Speaker, item);
        }
    }

    /// <summary>Assigns partitions to items by a seeded speaker split.</summary>
    public static List<ImportItem> SplitBySpeaker(IReadOnlyList<ImportItem> items, ImportOptions options)
    {
        var partitions = options.Split.Assign(items.Select(i => i.Speaker), options.Seed);
        return [.. items.Select(i => i with { Partition = partitions[i.Speaker] })];
    }

    /// <summary>
    /// The class list: the user's <paramref name="given"/> order (every label must be in it), else
    /// <paramref name="natural"/> filtered to the labels that occur, else the labels in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> Classes(IEnumerable<ImportItem> items, IReadOnlyList<string>? given, IReadOnlyList<string>? natural, string field)
    {
        var used = items.Where(i => i.Label is not null).Select(i => (i.Label!, i.Source)).ToList();
        if (given is not null)
        {
            foreach (var (label, source) in used)
            {
                if (!given.Contains(label, StringComparer.Ordinal))
                {
                    throw new CorpusImportException(source, field, $"class '{label}' is not one of --classes {string.Join(",", given)}");
                }
            }

            return given;
        }

        var present = used.Select(u => u.Item1).ToHashSet(StringComparer.Ordinal);
        return natural is not null ? [.. natural.Where(present.Contains)] : [.. present.Order(StringComparer.Ordinal)];
    }

    /// <summary>The items ordered by id (ordinal), so the manifest does not depend on how the source was listed.</summary>
    public static IReadOnlyList<ImportItem> Ordered(IEnumerable<ImportItem> items) => [.. items.OrderBy(i => i.Id, StringComparer.Ordinal)];
}
