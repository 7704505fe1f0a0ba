using System.Globalization;
using System.Text;

namespace Affect.Features.IO;

/// <summary>
/// openSMILE cCsvSink layout for frame-level descriptors: a header <c>name;frameTime;&lt;columns&gt;</c>, then one row
/// per frame with the instance name in single quotes, frameTime as <c>%f</c>, and each value as <c>%.0f</c> when it is
/// integral or <c>%e</c> otherwise — byte-comparable with SMILExtract's <c>-lldcsvoutput</c>.
/// </summary>
public static class OpenSmileCsv
{
    /// <summary>Writes the header line.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="columnNames">Descriptor column names.</param>
    public static void WriteHeader(TextWriter writer, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(columnNames);
        writer.Write("name;frameTime");
        foreach (string c in columnNames)
        {
            writer.Write(';');
            writer.Write(c);
        }

        writer.Write('\n');
    }

    /// <summary>
    /// Rejects an instance name or label that would break a semicolon-separated row: a ';' would shift the columns and
    /// a newline or other control character would split the row (the manifest rules already refuse such names).
    /// </summary>
    /// <exception cref="ArgumentException">The value holds ';' or a control character.</exception>
    public static void RequireCell(string value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (char c in value)
        {
            if (c == ';' || char.IsControl(c))
            {
                throw new ArgumentException($"{field} '{Affect.Audio.DisplayText.Excerpt(value, 80)}' holds ';' or a control character (expected a name that fits one CSV cell)", field);
            }
        }
    }

    /// <summary>Writes the rows of one instance (no header); several instances may be appended to one file.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="instanceName">Instance name (written in single quotes).</param>
    /// <param name="matrix">Descriptor matrix.</param>
    public static void WriteRows(TextWriter writer, string instanceName, LldMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        RequireCell(instanceName, nameof(instanceName));
        var line = new StringBuilder(matrix.Columns * 14);
        for (int r = 0; r < matrix.Rows; r++)
        {
            line.Clear();
            line.Append('\'').Append(instanceName).Append("';");
            line.Append(matrix.FrameTimes[r].ToString("F6", CultureInfo.InvariantCulture));
            foreach (float v in matrix.Row(r))
            {
                line.Append(';').Append(FormatValue(v));
            }

            line.Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>Writes a whole file: header then the rows of each instance in order.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="instances">Instance names and matrices (all with the same columns).</param>
    public static void Write(TextWriter writer, IEnumerable<(string Name, LldMatrix Matrix)> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        bool header = false;
        foreach (var (name, matrix) in instances)
        {
            if (!header)
            {
                WriteHeader(writer, matrix.ColumnNames);
                header = true;
            }

            WriteRows(writer, name, matrix);
        }
    }

    /// <summary>Formats one value as cCsvSink does: <c>%.0f</c> if it has no fractional part, <c>%e</c> otherwise.</summary>
    /// <param name="value">The value.</param>
    public static string FormatValue(float value)
    {
        double v = value;
        if (double.IsFinite(v) && Math.Floor(v) == v)
        {
            return v.ToString("F0", CultureInfo.InvariantCulture);
        }

        return double.IsFinite(v) ? v.ToString("0.000000e+00", CultureInfo.InvariantCulture) : (double.IsNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
    }

    /// <summary>Reads an LLD CSV file: every instance's rows, in file order.</summary>
    /// <param name="reader">Source.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="InvalidDataException">The file is not in the cCsvSink layout.</exception>
    public static IReadOnlyList<(string Name, LldMatrix Matrix)> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header is null)
        {
            throw new InvalidDataException($"{sourceName}: header: file is empty");
        }

        string[] head = header.Split(';');
        if (head.Length < 2 || head[0] != "name" || head[1] != "frameTime")
        {
            throw new InvalidDataException($"{sourceName}: header: expected 'name;frameTime;…', found '{(header.Length > 40 ? header[..40] + "…" : header)}'");
        }

        string[] columns = head[2..];
        var result = new List<(string, LldMatrix)>();
        string? current = null;
        var values = new List<float>();
        var times = new List<double>();
        int lineNo = 1;
        void Flush()
        {
            if (current is not null)
            {
                result.Add((current, new LldMatrix(values.ToArray(), times.Count, columns, times.ToArray())));
            }

            values.Clear();
            times.Clear();
        }

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(';');
            if (f.Length != head.Length)
            {
                throw new InvalidDataException($"{sourceName}: line {lineNo}: {f.Length} fields, header has {head.Length}");
            }

            string name = f[0].Trim('\'');
            if (name != current)
            {
                Flush();
                current = name;
            }

            times.Add(ParseNumber(f[1], sourceName, lineNo, "frameTime"));
            for (int c = 2; c < f.Length; c++)
            {
                values.Add((float)ParseNumber(f[c], sourceName, lineNo, head[c]));
            }
        }

        Flush();
        return result;
    }

    private static double ParseNumber(string text, string sourceName, int line, string field)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new InvalidDataException($"{sourceName}: line {line}: {field}: '{text}' is not a number");
        }

        return v;
    }
}
