using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora;

/// <summary>
/// A continuous label CSV held column by column: comma separated, no quoting, a header line naming the columns
/// (one of them <c>time</c>, in seconds), then one row of invariant-culture numbers per label frame.
/// </summary>
public sealed class LabelTable
{
    /// <summary>The name of the time column (seconds; row i at rate r has time i / r).</summary>
    public const string TimeColumn = "time";

    /// <summary>Largest label file read, in bytes (256 MiB, about 2 days of 8 raters at 25 Hz); larger files are a problem, not a crash.</summary>
    public const long MaxFileBytes = BoundedText.MaxFileBytes;

    /// <summary>Most problems reported for one label file; the rest are counted in a final problem.</summary>
    public const int MaxProblemsPerFile = 20;

    private readonly double[][] _values;
    private readonly Dictionary<string, int> _index;

    private LabelTable(IReadOnlyList<string> columns, double[][] values)
    {
        Columns = columns;
        _values = values;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            _index.TryAdd(columns[i], i);
        }
    }

    /// <summary>The column names in header order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Number of data rows (label frames).</summary>
    public int RowCount => _values.Length == 0 ? 0 : _values[0].Length;

    /// <summary>True when the header names <paramref name="column"/>.</summary>
    public bool Contains(string column) => _index.ContainsKey(column);

    /// <summary>The values of one column, one per row.</summary>
    /// <exception cref="KeyNotFoundException">The header does not name <paramref name="column"/>.</exception>
    public ReadOnlySpan<double> Column(string column) =>
        _index.TryGetValue(column, out int i) ? _values[i] : throw new KeyNotFoundException($"The label table has no column '{column}' (columns: {string.Join(", ", Columns)}).");

    /// <summary>Reads a label CSV, collecting every problem (up to <see cref="MaxProblemsPerFile"/>) before throwing.</summary>
    /// <param name="stream">The CSV bytes (UTF-8, optional BOM, '\n' or '\r\n' line ends).</param>
    /// <param name="sourceName">Name used in problems, usually the corpus-relative path.</param>
    /// <exception cref="CorpusFormatException">The header or a cell is malformed; each problem names the line and column.</exception>
    public static LabelTable Parse(Stream stream, string sourceName)
    {
        var (table, problems) = Read(stream, sourceName);
        if (problems.Count > 0 || table is null)
        {
            throw new CorpusFormatException(problems);
        }

        return table;
    }

    /// <summary>Reads what can be read and returns the problems found; the table is null when the header is unusable.</summary>
    internal static (LabelTable? Table, List<CorpusProblem> Problems) Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        string? text = BoundedText.Read(stream, MaxFileBytes, out string? unreadable);
        if (text is null)
        {
            return (null, [new CorpusProblem(source, "file", unreadable + (unreadable!.Contains("UTF-8", StringComparison.Ordinal) ? " (expected a UTF-8 CSV)" : string.Empty))]);
        }

        var problems = new List<CorpusProblem>();
        int dropped = 0;
        void Add(string field, string message)
        {
            if (problems.Count < MaxProblemsPerFile)
            {
                problems.Add(new CorpusProblem(source, field, message));
            }
            else
            {
                dropped++;
            }
        }

        var lines = text.Split('\n');
        int lineCount = lines.Length;
        while (lineCount > 0 && lines[lineCount - 1].TrimEnd('\r').Length == 0)
        {
            lineCount--;
        }

        if (lineCount == 0)
        {
            return (null, [new CorpusProblem(source, "line 1", $"the file is empty (expected a header line '{TimeColumn},<rater columns>')")]);
        }

        string[] header = lines[0].TrimEnd('\r').Split(',').Select(c => c.Trim()).ToArray();
        bool headerOk = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0)
            {
                Add($"line 1, column {c + 1}", "the header has an empty column name (expected a name for every column)");
                headerOk = false;
            }
            else if (!seen.Add(header[c]))
            {
                Add($"line 1, column {header[c]}", "the column name appears twice in the header (expected unique names)");
                headerOk = false;
            }
        }

        if (!seen.Contains(TimeColumn))
        {
            Add("line 1", $"the header '{Clip(lines[0].TrimEnd('\r'))}' has no '{TimeColumn}' column (expected '{TimeColumn},<rater columns>')");
            headerOk = false;
        }

        if (lineCount == 1)
        {
            Add("line 2", "the file has a header but no data rows (expected one row per label frame)");
        }

        int rows = lineCount - 1;
        var values = new double[header.Length][];
        for (int c = 0; c < header.Length; c++)
        {
            values[c] = new double[rows];
        }

        for (int r = 0; r < rows; r++)
        {
            int lineNo = r + 2;
            string line = lines[r + 1].TrimEnd('\r');
            string[] cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                Add($"line {lineNo}", $"has {cells.Length} cells (expected {header.Length}, one per header column)");
                for (int c = 0; c < header.Length; c++)
                {
                    values[c][r] = double.NaN;
                }

                continue;
            }

            for (int c = 0; c < cells.Length; c++)
            {
                string cell = cells[c].Trim();
                string name = header[c].Length > 0 ? header[c] : (c + 1).ToString(CultureInfo.InvariantCulture);
                values[c][r] = double.NaN;
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                {
                    Add($"line {lineNo}, column {name}", $"'{Clip(cell)}' is not a number (expected an invariant-culture number such as 0.25)");
                }
                else if (!double.IsFinite(v))
                {
                    Add($"line {lineNo}, column {name}", $"'{Clip(cell)}' is not finite (expected a finite number)");
                }
                else
                {
                    values[c][r] = v;
                }
            }
        }

        if (dropped > 0)
        {
            problems.Add(new CorpusProblem(source, "file", $"{dropped} more problem(s) not listed"));
        }

        return (headerOk ? new LabelTable(header, values) : null, problems);
    }

    /// <summary>Writes a label CSV in the canonical form this class reads: '\n' line ends, invariant numbers.</summary>
    /// <param name="columns">Column names, the first normally <see cref="TimeColumn"/>.</param>
    /// <param name="columnValues">One array per column, all of the same length.</param>
    /// <param name="format">.NET numeric format for the values, e.g. <c>0.####</c>.</param>
    public static string ToCsv(IReadOnlyList<string> columns, IReadOnlyList<double[]> columnValues, string format = "0.#####")
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(columnValues);
        if (columns.Count != columnValues.Count || columns.Count == 0)
        {
            throw new ArgumentException($"Expected one value array per column ({columns.Count} columns, {columnValues.Count} arrays).", nameof(columnValues));
        }

        int rows = columnValues[0].Length;
        if (columnValues.Any(v => v.Length != rows))
        {
            throw new ArgumentException("Every column needs the same number of rows.", nameof(columnValues));
        }

        var sb = new StringBuilder(rows * columns.Count * 8);
        sb.AppendJoin(',', columns).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    sb.Append(',');
                }

                string cell = columnValues[c][r].ToString(format, CultureInfo.InvariantCulture);
                sb.Append(cell == "-0" ? "0" : cell);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Clip(string s) => DisplayText.Excerpt(s, 40);
}
