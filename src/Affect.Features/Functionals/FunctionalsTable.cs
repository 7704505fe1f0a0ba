using System.Globalization;
using Affect.Features.IO;

namespace Affect.Features.Functionals;

/// <summary>One utterance's functionals row: instance name, optional class label, the 6373 values.</summary>
/// <param name="Name">Instance name (written in single quotes).</param>
/// <param name="Values">The <see cref="ComParEFunctionals.Count"/> values.</param>
/// <param name="Label">Class label for ARFF, or null.</param>
public sealed record FunctionalsRow(string Name, float[] Values, string? Label = null);

/// <summary>
/// Writes functionals tables in openSMILE's layouts: cCsvSink CSV (<c>name;frameTime;…</c>, name in single quotes,
/// values <c>%.0f</c> when integral else <c>%e</c>) and cArffSink's ARFF (numeric frameTime and features, nominal
/// <c>class</c> attribute when labels are given). One deliberate difference: <c>name</c> is declared nominal (the list
/// of instance names) instead of openSMILE's <c>string</c>, so the file also loads in scipy.io.arff, which rejects
/// string attributes; Weka reads both.
/// </summary>
public static class FunctionalsTable
{
    /// <summary>Writes the CSV (header + one row per utterance).</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<FunctionalsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write("name;frameTime");
        foreach (string n in ComParEFunctionals.Names)
        {
            writer.Write(';');
            writer.Write(n);
        }

        writer.Write('\n');
        foreach (var row in rows)
        {
            Check(row);
            OpenSmileCsv.RequireCell(row.Name, "name");
            writer.Write('\'');
            writer.Write(row.Name);
            writer.Write("';0.000000");
            foreach (float v in row.Values)
            {
                writer.Write(';');
                writer.Write(OpenSmileCsv.FormatValue(v));
            }

            writer.Write('\n');
        }
    }

    /// <summary>Writes the ARFF; a nominal <c>class</c> attribute is added when any row has a label.</summary>
    public static void WriteArff(TextWriter writer, IReadOnlyList<FunctionalsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        var classes = rows.Where(r => r.Label is not null).Select(r => r.Label!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (string c in classes)
        {
            if (c.Length == 0 || c.IndexOfAny([',', '{', '}', '\'', ' ', '\n', '\r', '%']) >= 0)
            {
                throw new ArgumentException($"label '{c}': class labels must be non-empty without spaces, quotes, commas, braces or '%'");
            }
        }

        writer.Write("@relation openSMILE_features\n\n@attribute name {");
        writer.Write(string.Join(",", rows.Select(r => Quote(r.Name)).Distinct(StringComparer.Ordinal)));
        writer.Write("}\n@attribute frameTime numeric\n");
        foreach (string n in ComParEFunctionals.Names)
        {
            writer.Write("@attribute ");
            writer.Write(n);
            writer.Write(" numeric\n");
        }

        if (classes.Count > 0)
        {
            writer.Write("@attribute class {");
            writer.Write(string.Join(",", classes));
            writer.Write("}\n");
        }

        writer.Write("\n@data\n\n");
        foreach (var row in rows)
        {
            Check(row);
            OpenSmileCsv.RequireCell(row.Name, "name");
            writer.Write(Quote(row.Name));
            writer.Write(",0.000000");
            foreach (float v in row.Values)
            {
                writer.Write(',');
                writer.Write(OpenSmileCsv.FormatValue(v));
            }

            if (classes.Count > 0)
            {
                writer.Write(',');
                writer.Write(row.Label ?? "?");
            }

            writer.Write('\n');
        }
    }

    private static string Quote(string name) => "'" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static void Check(FunctionalsRow row)
    {
        if (row.Values.Length != ComParEFunctionals.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{row.Name}: values: {row.Values.Length} (expected {ComParEFunctionals.Count})"));
        }
    }
}
