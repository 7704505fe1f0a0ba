using System.Globalization;

namespace Affect.Corpora.Import;

/// <summary>
/// A small delimited-text table (label lists, rating files): a header row and data rows, the delimiter sniffed from
/// the header (tab, ';' or ','), cells trimmed, blank lines skipped, optional double quotes around a cell removed.
/// </summary>
/// <param name="File">The source file, for problems.</param>
/// <param name="Header">Column names (trimmed).</param>
/// <param name="Rows">Data rows with their 1-based line numbers.</param>
internal sealed record DelimitedTable(string File, IReadOnlyList<string> Header, IReadOnlyList<(int Line, string[] Cells)> Rows)
{
    /// <summary>Parses <paramref name="text"/>; fails naming the file when it has no header or a row has the wrong number of cells.</summary>
    public static DelimitedTable Parse(string text, string file)
    {
        var lines = text.TrimStart('\uFEFF').Split('\n');
        int headerAt = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerAt < 0)
        {
            throw new CorpusImportException(file, "header", "the file is empty (expected a header row)");
        }

        string headerLine = lines[headerAt].TrimEnd('\r');
        char delimiter = headerLine.Contains('\t', StringComparison.Ordinal) ? '\t' : headerLine.Contains(';', StringComparison.Ordinal) ? ';' : ',';
        var header = Split(headerLine, delimiter);
        var rows = new List<(int, string[])>();
        for (int i = headerAt + 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var cells = Split(line, delimiter);
            if (cells.Length != header.Length)
            {
                throw new CorpusImportException(file, $"line {i + 1}", $"has {cells.Length} cells (expected {header.Length}, as in the header; delimiter '{(delimiter == '\t' ? "\\t" : delimiter.ToString())}')");
            }

            rows.Add((i + 1, cells));
        }

        return new DelimitedTable(file, header, rows);
    }

    /// <summary>The index of the first column named one of <paramref name="names"/> (case-insensitive), or -1.</summary>
    public int Column(params string[] names) => Header.ToList().FindIndex(h => names.Contains(h, StringComparer.OrdinalIgnoreCase));

    /// <summary>The index of a required column, or an error naming the file and the expected names.</summary>
    public int RequireColumn(string field, params string[] names)
    {
        int c = Column(names);
        return c >= 0 ? c : throw new CorpusImportException(File, field, $"no column named {string.Join(" or ", names.Select(n => $"'{n}'"))} (header: {string.Join(",", Header)})");
    }

    /// <summary>A finite number in a cell, or an error naming the line and column.</summary>
    public double Number(int line, string[] cells, int column)
    {
        string cell = cells[column];
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new CorpusImportException(File, $"line {line}, column {Header[column]}", $"'{Affect.Audio.DisplayText.Excerpt(cell)}' is not a finite number");
    }

    private static string[] Split(string line, char delimiter) =>
        [.. line.Split(delimiter).Select(c => c.Trim()).Select(c => c.Length >= 2 && c[0] == '"' && c[^1] == '"' ? c[1..^1] : c)];
}
