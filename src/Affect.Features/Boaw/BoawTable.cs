using System.Globalization;
using Affect.Audio;
using Affect.Features.IO;

namespace Affect.Features.Boaw;

/// <summary>One utterance's bag: its name, histogram and class label (null when unknown).</summary>
/// <param name="Name">Instance name.</param>
/// <param name="Histogram">The <see cref="BoawCodebook.HistogramLength"/> term weights.</param>
/// <param name="Label">Class label, or null.</param>
public sealed record BoawRow(string Name, float[] Histogram, string? Label = null);

/// <summary>
/// Writes bags as openXBOW-style CSV (<c>name;&lt;word columns&gt;[;class]</c>, semicolons, name in single quotes,
/// values with round-trip precision; an unknown class is written <c>?</c>) and as one float32 <c>.npy</c> matrix.
/// </summary>
public static class BoawTable
{
    /// <summary>Writes the CSV; the <c>class</c> column is written when <paramref name="withClass"/> is true.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="wordNames">Histogram column names (<see cref="BoawCodebook.WordNames"/>).</param>
    /// <param name="rows">The bags.</param>
    /// <param name="withClass">Whether to add the class column.</param>
    public static void WriteCsv(TextWriter writer, IReadOnlyList<string> wordNames, IEnumerable<BoawRow> rows, bool withClass)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(wordNames);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write("name");
        foreach (string n in wordNames)
        {
            writer.Write(';');
            writer.Write(n);
        }

        writer.Write(withClass ? ";class\n" : "\n");
        foreach (var row in rows)
        {
            if (row.Histogram.Length != wordNames.Count)
            {
                throw new ArgumentException($"{row.Name}: histogram: {row.Histogram.Length} values, expected {wordNames.Count}", nameof(rows));
            }

            OpenSmileCsv.RequireCell(row.Name, "name");
            OpenSmileCsv.RequireCell(row.Label ?? "?", "label");
            writer.Write('\'');
            writer.Write(row.Name);
            writer.Write('\'');
            foreach (float v in row.Histogram)
            {
                writer.Write(';');
                writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
            }

            if (withClass)
            {
                writer.Write(';');
                writer.Write(row.Label ?? "?");
            }

            writer.Write('\n');
        }
    }

    /// <summary>Writes the bags as one rows × words float32 <c>.npy</c> matrix, in row order.</summary>
    /// <param name="stream">Destination (left open).</param>
    /// <param name="rows">The bags (equal lengths).</param>
    public static void WriteNpy(Stream stream, IReadOnlyList<BoawRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = rows.Count == 0 ? 0 : rows[0].Histogram.Length;
        var values = new float[rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Histogram.Length != width)
            {
                throw new ArgumentException($"{rows[r].Name}: histogram: {rows[r].Histogram.Length} values, expected {width}", nameof(rows));
            }

            rows[r].Histogram.CopyTo(values, r * width);
        }

        NpyFormat.Write(stream, values, rows.Count, width);
    }
}
