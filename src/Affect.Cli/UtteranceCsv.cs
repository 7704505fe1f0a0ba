using System.Globalization;
using System.Text;
using Affect.Corpora;

namespace Affect.Cli;

/// <summary>One row of a labels file: the utterance's partition and class (null where hidden).</summary>
internal sealed record LabelRow(string Partition, string? Class, int Line);

/// <summary>One CSV file keyed by utterance name: header (after <c>name</c>), names in file order, cells, source lines.</summary>
internal sealed record NamedRows(string Path, string[] Header, List<string> Names, List<string[]> Cells, List<int> Lines)
{
    /// <summary>Index of each name (names are unique).</summary>
    public Dictionary<string, int> Index { get; } = Names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
}

/// <summary>
/// The small CSV files of <c>affect discretize</c> and <c>affect fuse</c> (comma-separated, a header, no quoting):
/// labels <c>name,partition,class</c>, per-utterance scores and classes. Every problem is one line
/// <c>FILE: FIELD: message</c>; outputs are written atomically.
/// </summary>
internal static class UtteranceCsv
{
    public static readonly string[] Partitions = ["train", "devel", "test"];

    /// <summary>
    /// The class order from <c>--classes L,M,H</c> or <c>--manifest</c> (a corpus folder or its manifest.json), or
    /// null when neither is given.
    /// </summary>
    public static IReadOnlyList<string>? ClassOrder(Arguments args)
    {
        string? list = args.Get("classes");
        string? manifest = args.Get("manifest");
        if (list is not null && manifest is not null)
        {
            throw new UsageException("give the class order once: --classes or --manifest");
        }

        if (list is not null)
        {
            var classes = list.Split(',').Select(c => c.Trim()).ToArray();
            if (classes.Length < 2 || classes.Any(c => c.Length == 0 || c.Contains('?', StringComparison.Ordinal)) || classes.Distinct(StringComparer.Ordinal).Count() != classes.Length)
            {
                throw new UsageException($"option --classes: '{list}' is not a comma-separated list of at least two distinct class names");
            }

            return classes;
        }

        if (manifest is not null)
        {
            string path = Directory.Exists(manifest) ? Path.Combine(manifest, CorpusManifest.FileName) : manifest;
            var m = CorpusManifest.Parse(File.ReadAllText(path), path);
            if (m.Classes.Count < 2)
            {
                throw new InvalidDataException($"{path}: classes: the corpus lists {m.Classes.Count} classes; a categorical corpus with at least two is needed");
            }

            return m.Classes;
        }

        return null;
    }

    /// <summary>Reads <c>name,partition,class</c> (class empty or <c>?</c> where hidden); classes checked later.</summary>
    public static Dictionary<string, LabelRow> ReadLabels(string path)
    {
        var rows = Read(path, 3);
        if (!rows.Header.SequenceEqual(["partition", "class"], StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{path}: header: 'name,{string.Join(',', rows.Header)}' is not 'name,partition,class'");
        }

        var labels = new Dictionary<string, LabelRow>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Names.Count; i++)
        {
            string partition = rows.Cells[i][0];
            if (!Partitions.Contains(partition))
            {
                throw new InvalidDataException($"{path}: partition: line {rows.Lines[i]} ('{rows.Names[i]}'): '{partition}' is not one of {string.Join(", ", Partitions)}");
            }

            string c = rows.Cells[i][1];
            labels[rows.Names[i]] = new LabelRow(partition, c.Length == 0 || c == "?" ? null : c, rows.Lines[i]);
        }

        return labels;
    }

    /// <summary>Fails unless every class in <paramref name="labels"/> is one of <paramref name="classes"/>.</summary>
    public static void CheckClasses(string path, Dictionary<string, LabelRow> labels, IReadOnlyList<string> classes)
    {
        foreach (var (name, row) in labels)
        {
            if (row.Class is { } c && !classes.Contains(c, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{path}: class: line {row.Line} ('{name}'): '{c}' is not one of the classes {string.Join(", ", classes)}");
            }
        }
    }

    /// <summary>
    /// Reads a CSV with a <c>name</c> first column and <paramref name="columns"/> columns in all (any count when
    /// null); names must be unique and non-empty.
    /// </summary>
    public static NamedRows Read(string path, int? columns)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        string header = (reader.ReadLine() ?? throw new InvalidDataException($"{path}: header: the file is empty")).TrimStart('\uFEFF').TrimEnd('\r');
        var head = header.Split(',').Select(h => h.Trim()).ToArray();
        if (head[0] != "name")
        {
            throw new InvalidDataException($"{path}: header: the first column is '{head[0]}', expected 'name'");
        }

        if (columns is { } k && head.Length != k)
        {
            throw new InvalidDataException($"{path}: header: {head.Length} columns ('{header}'), expected {k}");
        }

        List<string> names = [];
        List<string[]> values = [];
        List<int> lines = [];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int line = 1;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            var cells = text.TrimEnd('\r').Split(',').Select(c => c.Trim()).ToArray();
            if (cells.Length != head.Length)
            {
                throw new InvalidDataException($"{path}: row: line {line}: {cells.Length} fields, the header has {head.Length}");
            }

            if (cells[0].Length == 0)
            {
                throw new InvalidDataException($"{path}: name: line {line}: empty");
            }

            if (!seen.TryAdd(cells[0], line))
            {
                throw new InvalidDataException($"{path}: name: line {line}: '{cells[0]}' already appears on line {seen[cells[0]]}");
            }

            names.Add(cells[0]);
            values.Add(cells[1..]);
            lines.Add(line);
        }

        if (names.Count == 0)
        {
            throw new InvalidDataException($"{path}: name: the file has no rows");
        }

        return new NamedRows(path, head[1..], names, values, lines);
    }

    /// <summary>Cell <paramref name="column"/> of row <paramref name="row"/> as a finite number.</summary>
    public static double Number(NamedRows rows, int row, int column)
    {
        string s = rows.Cells[row][column];
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
        {
            throw new InvalidDataException($"{rows.Path}: {rows.Header[column]}: line {rows.Lines[row]} ('{rows.Names[row]}'): '{s}' is not a finite number");
        }

        return v;
    }

    /// <summary>Fails unless every name of <paramref name="rows"/> has a row in the labels file.</summary>
    public static void CheckLabelled(NamedRows rows, Dictionary<string, LabelRow> labels, string labelsPath)
    {
        for (int i = 0; i < rows.Names.Count; i++)
        {
            if (!labels.ContainsKey(rows.Names[i]))
            {
                throw new InvalidDataException($"{rows.Path}: name: line {rows.Lines[i]}: '{rows.Names[i]}' is missing from {labelsPath}");
            }
        }
    }


    /// <summary>"UAR 61.20% WAR 58.00% (n utterances)".</summary>
    public static string Rates(double uar, double war, int n)
        => $"UAR {uar.ToString("P2", CultureInfo.InvariantCulture)} WAR {war.ToString("P2", CultureInfo.InvariantCulture)} ({n} utterances)";
}
