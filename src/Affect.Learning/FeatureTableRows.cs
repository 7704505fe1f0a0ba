using System.Globalization;
using System.Text;
using csFastFloat;

namespace Affect.Learning;

/// <summary>
/// The data rows of a delimited feature table (CSV body or ARFF <c>@data</c>), parsed from UTF-8 bytes in parallel:
/// lines are indexed in one vectorised pass, then row blocks are parsed on all cores straight into the feature matrix.
/// Numbers go through csFastFloat (Lemire's fast_float: correctly rounded, so bit-identical to <see cref="double.Parse(string, IFormatProvider)"/>),
/// and a cell it does not take whole falls back to <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>,
/// so the accepted syntax is the same as before. Errors name the file, the line and the column; with several bad
/// lines the first one in the file is reported, whatever the thread order.
/// </summary>
internal static class FeatureTableRows
{
    private const int BlockRows = 16;

    // Texts of at least two such pieces have their lines indexed in parallel.
    private const int IndexPieceBytes = 4 << 20;

    /// <summary>How a table's rows are laid out and which columns are features.</summary>
    /// <param name="Source">File name for errors.</param>
    /// <param name="Columns">Column names (header order).</param>
    /// <param name="ClassIndex">Index of the class column.</param>
    /// <param name="Separator">Cell separator byte.</param>
    /// <param name="Arff">True for ARFF data (comment lines, "values"/"attributes declared" wording).</param>
    internal sealed record Layout(string Source, string[] Columns, int ClassIndex, byte Separator, bool Arff);

    /// <summary>Parses the rows of <paramref name="text"/> from byte <paramref name="start"/> (line <paramref name="firstLine"/>) to the end.</summary>
    public static FeatureTable Parse(ReadOnlyMemory<byte> text, int start, int firstLine, Layout layout)
    {
        // Features: every column but the name (first), the class and openSMILE's frameTime.
        var keep = layout.Columns.Select((c, j) => j != 0 && j != layout.ClassIndex && !c.Equals("frameTime", StringComparison.OrdinalIgnoreCase)).ToArray();
        var featureNames = layout.Columns.Where((_, j) => keep[j]).ToArray();
        if (featureNames.Length == 0)
        {
            throw new InvalidDataException($"{layout.Source}: line 1: no feature columns besides the name and the class");
        }

        var (starts, ends, lines) = StageProfile.Measure("index lines", () => IndexRows(text, start, firstLine, layout.Arff));
        int n = starts.Count;
        int d = featureNames.Length;
        var values = MatrixMemory.Uninitialized((long)n * d <= Array.MaxLength ? n * d : throw new InvalidDataException($"{layout.Source}: rows: {n} × {d} values do not fit in one matrix"));
        var names = new string[n];
        var labels = new string?[n];
        int blocks = (n + BlockRows - 1) / BlockRows;
        (int Line, string Message)? firstError = null;
        var gate = new object();
        StageProfile.Measure("parse rows", () => Parallel.For(0, blocks, (b, state) =>
        {
            for (int r = b * BlockRows, end = Math.Min(n, r + BlockRows); r < end; r++)
            {
                string? error = ParseRow(text.Span[starts[r]..ends[r]], lines[r], layout, keep, values.AsSpan(r * d, d), out names[r], out labels[r]);
                if (error is not null)
                {
                    lock (gate)
                    {
                        if (firstError is null || lines[r] < firstError.Value.Line)
                        {
                            firstError = (lines[r], error);
                        }
                    }

                    // Break still finishes every earlier block, so the first bad line in the file is the one reported.
                    state.Break();
                    return;
                }
            }
        }));
        if (firstError is { } e)
        {
            throw new InvalidDataException(e.Message);
        }

        return new FeatureTable(layout.Source, names, featureNames, new RealMatrix(n, d, values), labels) { SourceLines = lines };
    }

    /// <summary>
    /// Start and end (exclusive, without CR/LF) of every non-blank line from <paramref name="start"/>, with its 1-based
    /// line number. Large texts are cut into pieces just after a newline and indexed in parallel; a piece's line
    /// numbers are offset by the lines of the pieces before it, so the result is the sequential scan's.
    /// </summary>
    private static (List<int> Starts, List<int> Ends, List<int> Lines) IndexRows(ReadOnlyMemory<byte> text, int start, int firstLine, bool arff)
    {
        int pieces = Math.Clamp((text.Length - start) / IndexPieceBytes, 1, Environment.ProcessorCount);
        var bounds = new int[pieces + 1];
        bounds[0] = start;
        bounds[pieces] = text.Length;
        for (int p = 1; p < pieces; p++)
        {
            int from = Math.Max(bounds[p - 1], start + (int)((long)(text.Length - start) * p / pieces));
            int nl = text.Span[from..].IndexOf((byte)'\n');
            bounds[p] = nl < 0 ? text.Length : from + nl + 1;
        }

        var parts = new (List<int> Starts, List<int> Ends, List<int> Lines, int Count)[pieces];
        Parallel.For(0, pieces, p => parts[p] = IndexPiece(text.Span, bounds[p], bounds[p + 1], arff));
        var starts = new List<int>(parts.Sum(x => x.Starts.Count));
        var ends = new List<int>(starts.Capacity);
        var lines = new List<int>(starts.Capacity);
        int offset = firstLine;
        foreach (var part in parts)
        {
            starts.AddRange(part.Starts);
            ends.AddRange(part.Ends);
            foreach (int line in part.Lines)
            {
                lines.Add(line + offset);
            }

            offset += part.Count;
        }

        return (starts, ends, lines);
    }

    // The non-blank lines of text[from..to) (to is the text's end or just after a newline), numbered from 0, and how
    // many lines (blank ones too) the piece holds.
    private static (List<int> Starts, List<int> Ends, List<int> Lines, int Count) IndexPiece(ReadOnlySpan<byte> all, int from, int to, bool arff)
    {
        var text = all[..to];
        var starts = new List<int>();
        var ends = new List<int>();
        var lines = new List<int>();
        int pos = from;
        int lineNo = 0;
        while (pos < text.Length)
        {
            int nl = text[pos..].IndexOf((byte)'\n');
            int end = nl < 0 ? text.Length : pos + nl;
            int stop = end;
            while (stop > pos && text[stop - 1] == (byte)'\r')
            {
                stop--;
            }

            var trimmed = text[pos..stop].Trim(" \t"u8);
            if (trimmed.Length > 0 && !(arff && trimmed[0] == (byte)'%'))
            {
                starts.Add(pos);
                ends.Add(stop);
                lines.Add(lineNo);
            }

            lineNo++;
            pos = end + 1;
        }

        return (starts, ends, lines, lineNo);
    }

    // One row into its slice of the matrix; returns the error message, or null.
    private static string? ParseRow(ReadOnlySpan<byte> line, int lineNo, Layout layout, bool[] keep, Span<double> row, out string name, out string? label)
    {
        name = string.Empty;
        label = null;
        if (layout.Arff)
        {
            line = line.Trim(" \t"u8);
        }

        int columns = layout.Columns.Length;
        int cells = line.Count(layout.Separator) + 1;
        if (cells != columns)
        {
            return layout.Arff
                ? $"{layout.Source}: line {lineNo}: {cells} values, {columns} attributes declared"
                : $"{layout.Source}: line {lineNo}: {cells} cells, the header has {columns}";
        }

        int k = 0;
        for (int j = 0; j < columns; j++)
        {
            int sep = j == columns - 1 ? line.Length : line.IndexOf(layout.Separator);
            var cell = line[..sep].Trim(" \t"u8);
            line = j == columns - 1 ? default : line[(sep + 1)..];
            if (keep[j])
            {
                if (!TryParseNumber(cell, out double v))
                {
                    return $"{layout.Source}: line {lineNo}: column '{layout.Columns[j]}': '{Shorten(Encoding.UTF8.GetString(cell))}' is not a number";
                }

                if (!double.IsFinite(v))
                {
                    return $"{layout.Source}: line {lineNo}: column '{layout.Columns[j]}': {Shorten(Encoding.UTF8.GetString(cell))} is not a finite number";
                }

                row[k++] = v;
            }
            else if (j == 0)
            {
                name = Encoding.UTF8.GetString(cell.Trim("'\""u8));
                if (ControlCharacterProblem(name, layout.Source, $"line {lineNo}", "name") is { } problem)
                {
                    return problem;
                }
            }
            else if (j == layout.ClassIndex)
            {
                var text = cell.Trim("'\""u8);
                label = text.Length == 0 || text.SequenceEqual("?"u8) ? null : Encoding.UTF8.GetString(text);
                if (label is not null && ControlCharacterProblem(label, layout.Source, $"line {lineNo}", layout.Columns[j]) is { } problem)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Parses one trimmed cell: fast_float when it takes the whole cell, otherwise .NET's own parser (same syntax as
    /// <c>double.TryParse(s, NumberStyles.Float, InvariantCulture)</c>); both round correctly, so the values are identical.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> cell, out double value)
    {
        if (cell.Length > 0 && FastDoubleParser.TryParseDouble(cell, out int used, out value, NumberStyles.Float, (byte)'.') && used == cell.Length)
        {
            return true;
        }

        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    internal static string Shorten(string s) => Affect.Audio.DisplayText.Excerpt(s);

    /// <summary>Null when <paramref name="value"/> is plain text, else why not: names, labels and column names end up in messages, score files and CSV rows.</summary>
    internal static string? ControlCharacterProblem(string value, string source, string where, string field)
    {
        foreach (char ch in value)
        {
            if (char.IsControl(ch) || char.IsSurrogate(ch) || ch is '\u2028' or '\u2029')
            {
                return $"{source}: {where}: {field}: '{Shorten(value)}' contains a control character";
            }
        }

        return null;
    }

    /// <summary>Returns <paramref name="value"/> when it is plain text; otherwise throws naming file, place and field.</summary>
    internal static string Plain(string value, string source, string where, string field) =>
        ControlCharacterProblem(value, source, where, field) is { } problem ? throw new InvalidDataException(problem) : value;
}
