using System.Globalization;
using Affect.Features.IO;

namespace Affect.Features.Functionals;

/// <summary>One utterance's functionals row: instance name, optional class label, the 6373 values.</summary>
/// <param name="Name">Instance name (written in single quotes).</param>
/// <param name="Values">The <see cref="ComParEFunctionals.Count"/> values.</param>
/// <param name="Label">Class label (the CSV's and ARFF's <c>class</c> column), or null.</param>
public sealed record FunctionalsRow(string Name, float[] Values, string? Label = null);

/// <summary>
/// Writes functionals tables in openSMILE's layouts: cCsvSink CSV (<c>name;frameTime;…</c>, name in single quotes,
/// values <c>%.0f</c> when integral else <c>%e</c>) and cArffSink's ARFF (numeric frameTime and features, nominal
/// <c>class</c> attribute when labels are given). When any row has a label both end with a column named <c>class</c>
/// (unknown labels written <c>?</c>), as openSMILE's ARFF sink and openXBOW's CSV do, so a labelled table reads the
/// same from either file; without labels neither has one. One deliberate difference: <c>name</c> is declared nominal (the list
/// of instance names) instead of openSMILE's <c>string</c>, so the file also loads in scipy.io.arff, which rejects
/// string attributes; Weka reads both.
/// </summary>
public static class FunctionalsTable
{
    /// <summary>Name of the label column in both layouts.</summary>
    public const string ClassColumn = "class";

    /// <summary>Writes the CSV (header + one row per utterance); a last <c>class</c> column is added when any row has a label.</summary>
    public static void WriteCsv(TextWriter writer, IReadOnlyList<FunctionalsRow> rows) => WriteCsv(writer, rows, ComParEFunctionals.Names);

    /// <summary>Writes the CSV of another functional set (e.g. eGeMAPS): <paramref name="names"/> are its column names, one per value.</summary>
    public static void WriteCsv(TextWriter writer, IReadOnlyList<FunctionalsRow> rows, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(names);
        bool labelled = Classes(rows).Count > 0;
        writer.Write("name;frameTime");
        foreach (string n in names)
        {
            writer.Write(';');
            writer.Write(n);
        }

        writer.Write(labelled ? ";" + ClassColumn + "\n" : "\n");
        foreach (var row in rows)
        {
            Check(row, names.Count);
            OpenSmileCsv.RequireCell(row.Name, "name");
            writer.Write('\'');
            writer.Write(row.Name);
            writer.Write("';0.000000");
            foreach (float v in row.Values)
            {
                writer.Write(';');
                writer.Write(OpenSmileCsv.FormatValue(v));
            }

            if (labelled)
            {
                writer.Write(';');
                writer.Write(row.Label ?? "?");
            }

            writer.Write('\n');
        }
    }

    /// <summary>Writes the ARFF; a nominal <c>class</c> attribute is added when any row has a label.</summary>
    public static void WriteArff(TextWriter writer, IReadOnlyList<FunctionalsRow> rows) => WriteArff(writer, rows, ComParEFunctionals.Names);

    /// <summary>Writes the ARFF of another functional set (e.g. eGeMAPS): <paramref name="names"/> are its attribute names, one per value.</summary>
    public static void WriteArff(TextWriter writer, IReadOnlyList<FunctionalsRow> rows, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(names);
        var classes = Classes(rows);

        writer.Write("@relation openSMILE_features\n\n@attribute name {");
        writer.Write(string.Join(",", rows.Select(r => Quote(r.Name)).Distinct(StringComparer.Ordinal)));
        writer.Write("}\n@attribute frameTime numeric\n");
        foreach (string n in names)
        {
            writer.Write("@attribute ");
            writer.Write(n);
            writer.Write(" numeric\n");
        }

        if (classes.Count > 0)
        {
            writer.Write("@attribute " + ClassColumn + " {");
            writer.Write(string.Join(",", classes));
            writer.Write("}\n");
        }

        writer.Write("\n@data\n\n");
        foreach (var row in rows)
        {
            Check(row, names.Count);
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

    /// <summary>Throws when <paramref name="label"/> cannot be written in both layouts: empty, <c>?</c> (unknown), or holding a separator or ARFF syntax.</summary>
    /// <exception cref="ArgumentException">The label and what is wrong with it.</exception>
    public static void ValidateLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label.Length == 0 || label == "?" || label.IndexOfAny([',', ';', '{', '}', '\'', '"', ' ', '\t', '\n', '\r', '%']) >= 0)
        {
            throw new ArgumentException($"label '{label}': class labels must be non-empty, not '?', without spaces, quotes, commas, semicolons, braces or '%'");
        }
    }

    // The distinct labels in ordinal order, each valid in both layouts.
    private static List<string> Classes(IReadOnlyList<FunctionalsRow> rows)
    {
        var classes = rows.Where(r => r.Label is not null).Select(r => r.Label!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        classes.ForEach(ValidateLabel);
        return classes;
    }

    private static string Quote(string name) => "'" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static void Check(FunctionalsRow row, int count)
    {
        if (row.Values.Length != count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{row.Name}: values: {row.Values.Length} (expected {count})"));
        }
    }
}
