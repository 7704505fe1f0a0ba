using System.Globalization;

namespace Affect.Corpora.Import;

/// <summary>
/// One rater's continuous trace as annotation tools export it (time in seconds, value), and its resampling onto the
/// uniform grid the manifest's label CSVs use: linear interpolation between samples, the first value held before the
/// first sample and the last held after the last.
/// </summary>
/// <param name="Times">Sample times in seconds, non-decreasing.</param>
/// <param name="Values">Sample values.</param>
internal sealed record RatingTrace(double[] Times, double[] Values)
{
    /// <summary>
    /// Parses "time value" lines (whitespace, ',' or ';' between; further columns ignored); a non-numeric first line is
    /// taken as a header. Fails naming the line on a non-numeric cell or a time going backwards.
    /// </summary>
    public static RatingTrace Parse(string text, string file)
    {
        var times = new List<double>();
        var values = new List<double>();
        string[] lines = text.TrimStart('\uFEFF').Split('\n');
        bool first = true;
        for (int i = 0; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split([' ', '\t', ',', ';', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0)
            {
                continue;
            }

            bool numeric = cells.Length >= 2 && TryNumber(cells[0], out double t) & TryNumber(cells[1], out double v);
            if (!numeric)
            {
                if (first)
                {
                    first = false;
                    continue; // a header
                }

                throw new CorpusImportException(file, $"line {i + 1}", $"'{Affect.Audio.DisplayText.Excerpt(lines[i].TrimEnd('\r'))}' is not 'time value' (expected two finite numbers)");
            }

            first = false;
            TryNumber(cells[0], out t);
            TryNumber(cells[1], out v);
            if (times.Count > 0 && t < times[^1])
            {
                throw new CorpusImportException(file, $"line {i + 1}", $"time {cells[0]} s is before the previous row's {times[^1].ToString("R", CultureInfo.InvariantCulture)} s (expected non-decreasing times)");
            }

            times.Add(t);
            values.Add(v);
        }

        return times.Count > 0 ? new RatingTrace([.. times], [.. values]) : throw new CorpusImportException(file, "rows", "holds no 'time value' row");
    }

    /// <summary>The grid rows needed to cover this trace at <paramref name="rate"/> Hz.</summary>
    public int RowsAt(double rate) => (int)Math.Floor((Times[^1] * rate) + 1e-9) + 1;

    /// <summary>The trace at times i / <paramref name="rate"/>, i = 0 .. <paramref name="rows"/> − 1.</summary>
    public double[] Resample(double rate, int rows)
    {
        var result = new double[rows];
        int k = 0;
        for (int i = 0; i < rows; i++)
        {
            double t = i / rate;
            while (k + 1 < Times.Length && Times[k + 1] <= t)
            {
                k++;
            }

            if (t <= Times[0])
            {
                result[i] = Values[0];
            }
            else if (k + 1 >= Times.Length)
            {
                result[i] = Values[^1];
            }
            else
            {
                double span = Times[k + 1] - Times[k];
                double w = span > 0 ? (t - Times[k]) / span : 0;
                result[i] = Values[k] + (w * (Values[k + 1] - Values[k]));
            }
        }

        return result;
    }

    /// <summary>Builds the traces of one recording from named rater traces per dimension, on a common grid covering the longest.</summary>
    public static ImportTraces Combine(IReadOnlyList<string> dimensions, IReadOnlyList<(string Dimension, string Rater, RatingTrace Trace)> traces, double rate)
    {
        int rows = traces.Max(t => t.Trace.RowsAt(rate));
        var columns = new List<string>();
        var values = new List<double[]>();
        var raters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string dimension in dimensions)
        {
            var names = new List<string>();
            foreach (var t in traces.Where(t => t.Dimension == dimension).OrderBy(t => t.Rater, StringComparer.Ordinal))
            {
                string column = $"{dimension}_{t.Rater}";
                names.Add(column);
                columns.Add(column);
                values.Add(t.Trace.Resample(rate, rows));
            }

            raters[dimension] = names;
        }

        return new ImportTraces(rate, raters, columns, values);
    }

    private static bool TryNumber(string s, out double v) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);
}
