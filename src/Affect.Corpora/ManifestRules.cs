using System.Text.RegularExpressions;
using Affect.Audio;

namespace Affect.Corpora;

/// <summary>The semantic rules of the manifest schema, checked on the record tree (whether parsed or built in code).</summary>
internal static partial class ManifestRules
{
    /// <summary>Highest accepted label frame rate in Hz.</summary>
    public const double MaxLabelRate = 1000;

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Token();

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex DimensionName();

    /// <summary>
    /// Appends the rule problems not already explained by a structural problem at the same or an enclosing field
    /// (a missing field reported by the reader is not reported again as empty by the rules).
    /// </summary>
    public static void AddUncovered(List<CorpusProblem> structural, IEnumerable<CorpusProblem> rules)
    {
        var reported = structural.Select(p => p.Field).ToList();
        foreach (var p in rules)
        {
            if (!reported.Any(r => Covers(r, p.Field)))
            {
                structural.Add(p);
            }
        }
    }

    private static bool Covers(string reported, string field) =>
        reported == "$"
        || field == reported
        || field.StartsWith(reported + ".", StringComparison.Ordinal)
        || field.StartsWith(reported + "[", StringComparison.Ordinal)
        || (reported == "kind" && field.StartsWith("files[", StringComparison.Ordinal));

    public static List<CorpusProblem> Check(CorpusManifest m, string source)
    {
        ArgumentNullException.ThrowIfNull(m);
        var problems = new List<CorpusProblem>();
        void Add(string field, string message) => problems.Add(new CorpusProblem(source, field, message));

        if (m.SchemaVersion != CorpusManifest.CurrentSchemaVersion)
        {
            Add("schemaVersion", $"{m.SchemaVersion} is not supported (expected {CorpusManifest.CurrentSchemaVersion})");
        }

        if (m.Name is null || !Token().IsMatch(m.Name) || m.Name.Length > 64)
        {
            Add("name", $"'{Quote(m.Name)}' is not a valid corpus name (expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }

        if (!Enum.IsDefined(m.Kind))
        {
            Add("kind", $"{(int)m.Kind} is not a known kind (expected dimensional or categorical)");
        }

        if (m.SampleRate < WavReader.MinSampleRate || m.SampleRate > WavReader.MaxSampleRate)
        {
            Add("sampleRate", $"{m.SampleRate} Hz is out of range (expected {WavReader.MinSampleRate}..{WavReader.MaxSampleRate}, e.g. 16000)");
        }

        var dimensions = m.Dimensions ?? [];
        CheckNames(dimensions, "dimensions", DimensionName(), "a letter followed by letters, digits or '_'", Add);
        if (m.Kind == CorpusKind.Dimensional && dimensions.Count == 0)
        {
            Add("dimensions", "is empty (dimensional corpora need at least one dimension, e.g. [\"arousal\", \"valence\"])");
        }

        var classes = m.Classes ?? [];
        CheckNames(classes, "classes", Token(), "letters, digits, '.', '_' or '-'", Add);
        if (m.Kind == CorpusKind.Categorical && classes.Count < 2)
        {
            Add("classes", $"has {classes.Count} class(es) (categorical corpora need at least 2, e.g. [\"L\", \"M\", \"H\"])");
        }

        if (m.Kind == CorpusKind.Dimensional && classes.Count > 0)
        {
            Add("classes", "is only allowed in categorical corpora (remove it, or set kind to categorical)");
        }

        var files = m.Files ?? [];
        if (files.Count == 0)
        {
            Add("files", "is empty (expected one entry per audio file)");
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var audioPaths = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var labelPaths = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var classSet = new HashSet<string>(classes, StringComparer.Ordinal);
        for (int i = 0; i < files.Count; i++)
        {
            string at = $"files[{i}]";
            var f = files[i];
            if (f is null)
            {
                Add(at, "is null (expected an object)");
                continue;
            }

            if (f.Id is null || !Token().IsMatch(f.Id))
            {
                Add(at + ".id", $"'{Quote(f.Id)}' is not a valid id (expected 1-128 letters, digits, '.', '_' or '-')");
            }
            else if (ids.TryGetValue(f.Id, out int first))
            {
                Add(at + ".id", $"'{Quote(f.Id)}' is already the id of files[{first}] (expected unique ids)");
            }
            else
            {
                ids[f.Id] = i;
            }

            CheckPath(f.Audio, at + ".audio", ".wav", audioPaths, i, Add);
            if (string.IsNullOrWhiteSpace(f.Speaker) || f.Speaker.Any(char.IsControl) || f.Speaker.Length > 128)
            {
                Add(at + ".speaker", $"'{Quote(f.Speaker)}' is not a valid speaker id (expected 1-128 printable characters)");
            }

            if (!Enum.IsDefined(f.Partition))
            {
                Add(at + ".partition", $"{(int)f.Partition} is not a known partition (expected train, devel or test)");
            }

            if (m.Kind == CorpusKind.Dimensional)
            {
                if (f.Labels is null)
                {
                    Add(at + ".labels", "is missing (dimensional corpora need {\"path\", \"rate\", \"raters\"} per file)");
                }
                else
                {
                    CheckLabels(f.Labels, at + ".labels", dimensions, labelPaths, i, Add);
                }

                if (f.Label is not null)
                {
                    Add(at + ".label", "is only allowed in categorical corpora (dimensional corpora use labels)");
                }
            }
            else
            {
                if (f.Labels is not null)
                {
                    Add(at + ".labels", "is only allowed in dimensional corpora (categorical corpora use label)");
                }

                if (f.Label is null)
                {
                    if (f.Partition != CorpusPartition.Test)
                    {
                        Add(at + ".label", $"is missing or null in the {CorpusNames.Partition(f.Partition)} partition (null is allowed only in test; expected one of {string.Join(", ", classes)})");
                    }
                }
                else if (!classSet.Contains(f.Label))
                {
                    Add(at + ".label", $"'{Quote(f.Label)}' is not one of the classes (expected one of {string.Join(", ", classes)})");
                }
            }
        }

        if (files.Count > 0 && !files.Any(f => f is not null && f.Partition == CorpusPartition.Train))
        {
            Add("files", "has no file in the train partition (expected at least one)");
        }

        if (m.Kind == CorpusKind.Categorical)
        {
            var trainClasses = files.Where(f => f is not null && f.Partition == CorpusPartition.Train && f.Label is not null)
                .Select(f => f.Label!).ToHashSet(StringComparer.Ordinal);
            foreach (string c in classes.Distinct(StringComparer.Ordinal))
            {
                if (!trainClasses.Contains(c))
                {
                    Add("classes", $"class '{Quote(c)}' has no file in the train partition (expected every class to be trainable)");
                }
            }
        }

        return problems;
    }

    /// <summary>A user value as quoted in a problem: control characters escaped, clipped to 80 characters.</summary>
    private static string Quote(string? value) => DisplayText.Excerpt(value, 80);

    private static void CheckNames(IReadOnlyList<string> names, string field, Regex pattern, string expected, Action<string, string> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            string n = names[i];
            if (n is null || !pattern.IsMatch(n))
            {
                add($"{field}[{i}]", $"'{Quote(n)}' is not a valid name (expected {expected})");
            }
            else if (!seen.Add(n))
            {
                add($"{field}[{i}]", $"'{Quote(n)}' appears twice (expected unique names)");
            }
        }
    }

    private static void CheckPath(string path, string field, string extension, Dictionary<string, int> seen, int index, Action<string, string> add)
    {
        string? problem = CorpusPath.Problem(path);
        if (problem is not null)
        {
            add(field, problem);
            return;
        }

        if (!path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            add(field, $"'{path}' does not end in {extension} (expected a {extension[1..].ToUpperInvariant()} file)");
        }

        if (seen.TryGetValue(path, out int first))
        {
            add(field, $"'{path}' is also used by files[{first}] (expected one file per entry; paths compare case-insensitively)");
        }
        else
        {
            seen[path] = index;
        }
    }

    private static void CheckLabels(CorpusLabels labels, string at, IReadOnlyList<string> dimensions, Dictionary<string, int> seen, int index, Action<string, string> add)
    {
        CheckPath(labels.Path, at + ".path", ".csv", seen, index, add);
        if (!double.IsFinite(labels.Rate) || labels.Rate <= 0 || labels.Rate > MaxLabelRate)
        {
            add(at + ".rate", $"{labels.Rate} is not a valid frame rate (expected a number of Hz in (0, {MaxLabelRate}], e.g. 25)");
        }

        var raters = labels.Raters ?? new Dictionary<string, IReadOnlyList<string>>();
        foreach (string dim in dimensions)
        {
            if (!raters.ContainsKey(dim))
            {
                add($"{at}.raters.{dim}", $"is missing (expected the rater columns of dimension '{Quote(dim)}')");
            }
        }

        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (dim, cols) in raters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string field = $"{at}.raters.{dim}";
            if (!dimensions.Contains(dim))
            {
                add(field, $"'{Quote(dim)}' is not one of the dimensions (expected one of {string.Join(", ", dimensions)})");
            }

            if (cols is null || cols.Count == 0)
            {
                add(field, "is empty (expected at least one rater column)");
                continue;
            }

            for (int i = 0; i < cols.Count; i++)
            {
                string c = cols[i];
                if (string.IsNullOrEmpty(c) || c.Trim() != c || c.Any(ch => ch == ',' || ch == '"' || char.IsControl(ch)))
                {
                    add($"{field}[{i}]", $"'{Quote(c)}' is not a valid column name (expected a non-empty name without commas, quotes or surrounding spaces)");
                }
                else if (c == LabelTable.TimeColumn)
                {
                    add($"{field}[{i}]", $"'{Quote(c)}' is the time column (expected a rater column)");
                }
                else if (columns.TryGetValue(c, out string? other))
                {
                    add($"{field}[{i}]", $"column '{Quote(c)}' is already listed under {other} (expected each column once)");
                }
                else
                {
                    columns[c] = dim;
                }
            }
        }
    }
}
