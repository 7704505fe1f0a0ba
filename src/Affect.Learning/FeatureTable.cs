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

    /// <summary>
    /// Reads a feature table by extension: <c>.arff</c> is ARFF, <c>.npy</c> a NumPy matrix with its
    /// <see cref="NpyTable"/> sidecar, anything else CSV. Text tables are parsed on all cores (<see cref="FeatureTableRows"/>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="classColumn">Name of the class column (case-insensitive).</param>
    public static FeatureTable Read(string path, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return NpyTable.Read(path, classColumn);
        }

        // Large tables are parsed from a read-only memory map (no copy of the file in fresh memory), small ones read.
        bool arff = path.EndsWith(".arff", StringComparison.OrdinalIgnoreCase);
        long length = new FileInfo(path).Length;
        if (length < MapThreshold || length > Array.MaxLength)
        {
            byte[] bytes = File.ReadAllBytes(path);
            return arff ? ReadArff(bytes, path, classColumn) : ReadCsv(bytes, path, classColumn);
        }

        using var mapped = new MappedFileBytes(path, length);
        return arff ? ReadArff(mapped.Memory, path, classColumn) : ReadCsv(mapped.Memory, path, classColumn);
    }

    /// <summary>Reads CSV text; <paramref name="source"/> names the file in errors.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <param name="classColumn">Name of the class column (case-insensitive).</param>
    public static FeatureTable ReadCsv(TextReader reader, string source, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadCsv(Encoding.UTF8.GetBytes(reader.ReadToEnd()), source, classColumn);
    }

    /// <summary>Reads ARFF text as openSMILE writes it; <paramref name="source"/> names the file in errors.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <param name="classColumn">Name of the class attribute (case-insensitive).</param>
    public static FeatureTable ReadArff(TextReader reader, string source, string classColumn = DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadArff(Encoding.UTF8.GetBytes(reader.ReadToEnd()), source, classColumn);
    }

    // Files from this size on are memory-mapped rather than read into an array.
    private const long MapThreshold = 1 << 20;

    private static FeatureTable ReadCsv(ReadOnlyMemory<byte> memory, string source, string classColumn)
    {
        var text = memory.Span;
        int offset = text.StartsWith("\uFEFF"u8) ? 3 : 0;
        int nl = text[offset..].IndexOf((byte)'\n');
        int headerEnd = nl < 0 ? text.Length : offset + nl;
        string header = Encoding.UTF8.GetString(text[offset..headerEnd]).TrimEnd('\r').TrimStart('\uFEFF');
        if (header.Length == 0 && nl < 0)
        {
            throw new InvalidDataException($"{source}: line 1: empty file (expected a header: name, features..., {classColumn})");
        }

        char sep = header.Count(ch => ch == ';') > header.Count(ch => ch == ',') ? ';' : ',';
        var columns = header.Split(sep).Select((c, j) => FeatureTableRows.Plain(c.Trim().Trim('\'', '"'), source, "line 1", $"column {j + 1}")).ToArray();
        int classIndex = ClassIndex(columns, source, classColumn, "column");
        if (columns.Length < 3)
        {
            throw new InvalidDataException($"{source}: line 1: header has {columns.Length} columns; expected name, at least one feature, {classColumn}");
        }

        return FeatureTableRows.Parse(memory, Math.Min(headerEnd + 1, text.Length), 2, new(source, columns, classIndex, (byte)sep, Arff: false));
    }

    private static FeatureTable ReadArff(ReadOnlyMemory<byte> memory, string source, string classColumn)
    {
        var text = memory.Span;
        var attributes = new List<(string Name, string Type)>();
        int lineNo = 0;
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = text[pos..].IndexOf((byte)'\n');
            int end = nl < 0 ? text.Length : pos + nl;
            string t = Encoding.UTF8.GetString(text[pos..end]).Trim();
            lineNo++;
            pos = end + 1;
            if (t.Length == 0 || t.StartsWith('%'))
            {
                continue;
            }

            if (t.StartsWith("@attribute", StringComparison.OrdinalIgnoreCase))
            {
                var rest = t["@attribute".Length..].Trim();
                int sp = rest.IndexOfAny([' ', '\t']);
                if (sp < 0)
                {
                    throw new InvalidDataException($"{source}: line {lineNo}: attribute without a type");
                }

                attributes.Add((FeatureTableRows.Plain(rest[..sp].Trim('\'', '"'), source, $"line {lineNo}", "@attribute"), FeatureTableRows.Plain(rest[sp..].Trim(), source, $"line {lineNo}", "@attribute type")));
            }
            else if (t.StartsWith("@data", StringComparison.OrdinalIgnoreCase))
            {
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

                return FeatureTableRows.Parse(memory, Math.Min(pos, text.Length), lineNo + 1, new(source, names, classIndex, (byte)',', Arff: true));
            }
            else if (!t.StartsWith("@relation", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{source}: line {lineNo}: unexpected '{Shorten(t)}' in the ARFF header");
            }
        }

        throw new InvalidDataException($"{source}: no @data section");
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

    private static string Shorten(string s) => FeatureTableRows.Shorten(s);

    // The class column by name; a table without one has no labels to learn from, so it is refused with what to do.
    internal static int ClassIndex(string[] columns, string source, string classColumn, string what)
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
}
