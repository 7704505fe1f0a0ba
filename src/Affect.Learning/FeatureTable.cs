using System.Globalization;
using System.Text;

namespace Affect.Learning;

/// <summary>
/// A labelled feature table: one row per utterance with its name, its feature vector and its class (null when
/// unknown). Read from CSV (first column <c>name</c>, a column named <c>class</c> — last as openSMILE, openXBOW and
/// <c>affect features</c> write it — and every other column a feature; comma or semicolon detected from the header) or
/// ARFF as openSMILE writes it (<c>@attribute name string</c> or nominal, numeric attributes, <c>@attribute class {..}</c>,
/// <c>@data</c>). The class column is found by name, never by position: a table without one is refused, since taking
/// the last feature as the class silently gives meaningless results. A <c>frameTime</c> column (openSMILE functionals)
/// is not a feature and is skipped.
/// </summary>
/// <param name="Source">File the table came from (used in error messages).</param>
/// <param name="Names">Utterance names.</param>
/// <param name="FeatureNames">Feature column names.</param>
/// <param name="Features">Feature matrix (rows × features).</param>
/// <param name="Labels">Class of each row, or null where unknown (<c>?</c> or empty).</param>
public sealed record FeatureTable(string Source, IReadOnlyList<string> Names, IReadOnlyList<string> FeatureNames, RealMatrix Features, IReadOnlyList<string?> Labels)
{
    /// <summary>Line of each row in <see cref="Source"/> (1-based), or empty when the table was built in memory.</summary>
    public IReadOnlyList<int> SourceLines { get; init; } = [];

    /// <summary>Where row <paramref name="row"/> (0-based) came from, for error messages: "line N" or "row N".</summary>
    public string Where(int row) => row < SourceLines.Count ? $"line {SourceLines[row]}" : $"row {row + 1}";

    /// <summary>Name of the class column when none is given: <c>class</c>, as openSMILE's ARFF sink and openXBOW name it.</summary>
    public const string DefaultClassColumn = "class";

    /// <summary>True when every row has a class.</summary>
    public bool IsLabelled => Labels.Count > 0 && Labels.All(l => l is not null);

    /// <summary>Reads a CSV or ARFF file (by extension: <c>.arff</c> is ARFF, anything else CSV).</summary>
    /// <param name="path">The file.</param>
    /// <param name="classColumn">Name of the class column (case-insensitive).</param>
    public static FeatureTable Read(string path, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        return path.EndsWith(".arff", StringComparison.OrdinalIgnoreCase) ? ReadArff(reader, path, classColumn) : ReadCsv(reader, path, classColumn);
    }

    /// <summary>Reads CSV text; <paramref name="source"/> names the file in errors.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <param name="classColumn">Name of the class column (case-insensitive).</param>
    public static FeatureTable ReadCsv(TextReader reader, string source, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine() ?? throw new InvalidDataException($"{source}: line 1: empty file (expected a header: name, features..., {classColumn})");
        header = header.TrimStart('\uFEFF');
        char sep = header.Count(ch => ch == ';') > header.Count(ch => ch == ',') ? ';' : ',';
        var columns = header.Split(sep).Select((c, j) => Plain(c.Trim().Trim('\'', '"'), source, "line 1", $"column {j + 1}")).ToArray();
        int classIndex = ClassIndex(columns, source, classColumn, "column");
        if (columns.Length < 3)
        {
            throw new InvalidDataException($"{source}: line 1: header has {columns.Length} columns; expected name, at least one feature, {classColumn}");
        }

        var builder = new Builder(source, columns, classIndex);
        int lineNo = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var cells = line.Split(sep);
            if (cells.Length != columns.Length)
            {
                throw new InvalidDataException($"{source}: line {lineNo}: {cells.Length} cells, the header has {columns.Length}");
            }

            builder.Add(lineNo, cells);
        }

        return builder.Build();
    }

    /// <summary>Reads ARFF text as openSMILE writes it; <paramref name="source"/> names the file in errors.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <param name="classColumn">Name of the class attribute (case-insensitive).</param>
    public static FeatureTable ReadArff(TextReader reader, string source, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var attributes = new List<(string Name, string Type)>();
        int lineNo = 0;
        string? line;
        bool data = false;
        Builder? builder = null;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            string t = line.Trim();
            if (t.Length == 0 || t.StartsWith('%'))
            {
                continue;
            }

            if (!data)
            {
                if (t.StartsWith("@attribute", StringComparison.OrdinalIgnoreCase))
                {
                    var rest = t["@attribute".Length..].Trim();
                    int sp = rest.IndexOfAny([' ', '\t']);
                    if (sp < 0)
                    {
                        throw new InvalidDataException($"{source}: line {lineNo}: attribute without a type");
                    }

                    attributes.Add((Plain(rest[..sp].Trim('\'', '"'), source, $"line {lineNo}", "@attribute"), Plain(rest[sp..].Trim(), source, $"line {lineNo}", "@attribute type")));
                }
                else if (t.StartsWith("@data", StringComparison.OrdinalIgnoreCase))
                {
                    data = true;
                    var names = attributes.Select(a => a.Name).ToArray();
                    int classIndex = ClassIndex(names, source, classColumn, "@attribute");
                    if (attributes.Count < 3)
                    {
                        throw new InvalidDataException($"{source}: line {lineNo}: {attributes.Count} attributes; expected name, at least one feature, {classColumn}");
                    }

                    if (!attributes[0].Type.StartsWith("string", StringComparison.OrdinalIgnoreCase) && !attributes[0].Type.StartsWith('{'))
                    {
                        throw new InvalidDataException($"{source}: @attribute {attributes[0].Name}: the first attribute must be the instance name (string or nominal)");
                    }

                    for (int i = 1; i < attributes.Count; i++)
                    {
                        if (i != classIndex && !attributes[i].Type.StartsWith("numeric", StringComparison.OrdinalIgnoreCase) && !attributes[i].Type.StartsWith("real", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new InvalidDataException($"{source}: @attribute {attributes[i].Name}: type '{attributes[i].Type}' is not numeric");
                        }
                    }

                    builder = new Builder(source, names, classIndex);
                }
                else if (!t.StartsWith("@relation", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"{source}: line {lineNo}: unexpected '{Shorten(t)}' in the ARFF header");
                }

                continue;
            }

            var cells = t.Split(',');
            if (cells.Length != attributes.Count)
            {
                throw new InvalidDataException($"{source}: line {lineNo}: {cells.Length} values, {attributes.Count} attributes declared");
            }

            builder!.Add(lineNo, cells);
        }

        if (builder is null)
        {
            throw new InvalidDataException($"{source}: no @data section");
        }

        return builder.Build();
    }

    /// <summary>Writes the table as CSV (comma, invariant culture, round-trip precision).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("name,");
        writer.Write(string.Join(',', FeatureNames));
        writer.Write(",class\n");
        for (int i = 0; i < Names.Count; i++)
        {
            writer.Write(Names[i]);
            foreach (double v in Features.Row(i))
            {
                writer.Write(',');
                writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
            }

            writer.Write(',');
            writer.Write(Labels[i] ?? "?");
            writer.Write('\n');
        }
    }

    // Quoted file content is escaped and clipped, so an error stays one line whatever the file holds.
    private static string Shorten(string s) => Affect.Audio.DisplayText.Excerpt(s);

    // Names, labels and column names end up in messages, score files and CSV rows: a control character in one is refused.
    private static string Plain(string value, string source, string where, string field)
    {
        foreach (char ch in value)
        {
            if (char.IsControl(ch) || char.IsSurrogate(ch) || ch is '\u2028' or '\u2029')
            {
                throw new InvalidDataException($"{source}: {where}: {field}: '{Shorten(value)}' contains a control character");
            }
        }

        return value;
    }

    // The class column by name; a table without one has no labels to learn from, so it is refused with what to do.
    private static int ClassIndex(string[] columns, string source, string classColumn, string what)
    {
        var matches = Enumerable.Range(1, Math.Max(columns.Length - 1, 0)).Where(j => columns[j].Equals(classColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidDataException(
                $"{source}: {classColumn}: no {what} named '{classColumn}' (the last of {columns.Length} is '{Shorten(columns[^1])}'), so the table has no class labels; " +
                $"write it with one (affect features functionals --label CLASS) or name the label {what} with --class-column NAME"),
            _ => throw new InvalidDataException($"{source}: {classColumn}: {matches.Count} {what}s are named '{classColumn}'"),
        };
    }

    private sealed class Builder(string source, string[] columns, int classIndex)
    {
        // Features: every column but the name (first), the class and openSMILE's frameTime.
        private readonly bool[] keep = columns.Select((c, j) => j != 0 && j != classIndex && !c.Equals("frameTime", StringComparison.OrdinalIgnoreCase)).ToArray();
        private readonly List<string> names = [];
        private readonly List<string?> labels = [];
        private readonly List<double> values = [];
        private readonly List<int> lines = [];

        public void Add(int lineNo, string[] cells)
        {
            names.Add(Plain(cells[0].Trim().Trim('\'', '"'), source, $"line {lineNo}", "name"));
            lines.Add(lineNo);
            for (int j = 1; j < cells.Length; j++)
            {
                if (!keep[j])
                {
                    continue;
                }

                string cell = cells[j].Trim();
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                {
                    throw new InvalidDataException($"{source}: line {lineNo}: column '{columns[j]}': '{Shorten(cell)}' is not a number");
                }

                if (!double.IsFinite(v))
                {
                    throw new InvalidDataException($"{source}: line {lineNo}: column '{columns[j]}': {Shorten(cell)} is not a finite number");
                }

                values.Add(v);
            }

            string label = Plain(cells[classIndex].Trim().Trim('\'', '"'), source, $"line {lineNo}", columns[classIndex]);
            labels.Add(label.Length == 0 || label == "?" ? null : label);
        }

        public FeatureTable Build()
        {
            var featureNames = columns.Where((_, j) => keep[j]).ToArray();
            if (featureNames.Length == 0)
            {
                throw new InvalidDataException($"{source}: line 1: no feature columns besides the name and the class");
            }

            return new FeatureTable(source, names, featureNames, new RealMatrix(names.Count, featureNames.Length, [.. values]), labels) { SourceLines = lines };
        }
    }
}
