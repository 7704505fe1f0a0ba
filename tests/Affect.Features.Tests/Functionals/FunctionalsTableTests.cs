using System.Diagnostics;
using Affect.Features.Functionals;

namespace Affect.Features.Tests.Functionals;

public sealed class FunctionalsTableTests
{
    private static List<FunctionalsRow> Rows()
    {
        var rows = new List<FunctionalsRow>();
        foreach (var (name, label) in new[] { ("emodb_14a01Wa", "anger"), ("emodb_15a02Ta", "sadness") })
        {
            var (lld, frames) = ReferenceData.Set2Lld(name);
            rows.Add(new FunctionalsRow(name, ComParEFunctionals.Compute(lld, frames, ReferenceData.Columns, name), label));
        }

        return rows;
    }

    [Fact]
    public void CsvUsesOpenSmileLayoutAndNumberFormat()
    {
        var sw = new StringWriter();
        FunctionalsTable.WriteCsv(sw, [.. Rows().Select(r => r with { Label = null })]);
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var refHeader = File.ReadLines(Path.Combine(ReferenceData.Root, "functionals", "speech1.csv")).First();
        Assert.Equal(refHeader, lines[0]);
        Assert.StartsWith("'emodb_14a01Wa';0.000000;", lines[1], StringComparison.Ordinal);
        Assert.Equal(6375, lines[1].Split(';').Length);
        Assert.Matches(@"^-?\d\.\d{6}e[+-]\d\d$", lines[1].Split(';')[2]);
    }

    [Fact]
    public void Labelled_csv_ends_with_the_class_column_the_arff_declares()
    {
        var rows = Rows();
        rows.Add(rows[0] with { Name = "unlabelled", Label = null });
        var csv = new StringWriter();
        FunctionalsTable.WriteCsv(csv, rows);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var refHeader = File.ReadLines(Path.Combine(ReferenceData.Root, "functionals", "speech1.csv")).First();
        Assert.Equal(refHeader + ";class", lines[0]);
        Assert.Equal(["anger", "sadness", "?"], lines.Skip(1).Select(l => l.Split(';')[^1]));
        Assert.All(lines, l => Assert.Equal(6376, l.Split(';').Length));

        var arff = new StringWriter();
        FunctionalsTable.WriteArff(arff, rows);
        var arffLines = arff.ToString().Split('\n');
        Assert.Contains("@attribute class {anger,sadness}", arffLines);
        var lastAttribute = arffLines.Last(l => l.StartsWith("@attribute ", StringComparison.Ordinal));
        Assert.Equal(FunctionalsTable.ClassColumn, lastAttribute.Split(' ')[1]);
        Assert.Equal(["anger", "sadness", "?"], arffLines.SkipWhile(l => l != "@data").Where(l => l.StartsWith('\'')).Select(l => l.Split(',')[^1]));
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("semi;colon")]
    [InlineData("?")]
    [InlineData("")]
    public void Labels_that_would_break_either_layout_are_refused(string label)
    {
        var rows = Rows().Select(r => r with { Label = label }).ToList();
        Assert.Contains("label", Assert.Throws<ArgumentException>(() => FunctionalsTable.WriteCsv(new StringWriter(), rows)).Message, StringComparison.Ordinal);
        Assert.Contains("label", Assert.Throws<ArgumentException>(() => FunctionalsTable.WriteArff(new StringWriter(), rows)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvAndArffLoadInPython()
    {
        string dir = Directory.CreateTempSubdirectory("affect-func-").FullName;
        try
        {
            var rows = Rows();
            string csv = Path.Combine(dir, "f.csv"), arff = Path.Combine(dir, "f.arff"), py = Path.Combine(dir, "check.py");
            using (var w = new StreamWriter(csv))
            {
                FunctionalsTable.WriteCsv(w, rows);
            }

            using (var w = new StreamWriter(arff))
            {
                FunctionalsTable.WriteArff(w, rows);
            }

            File.WriteAllText(py, """
                import csv, sys
                from scipy.io import arff
                rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
                assert len(rows) == 3 and len(rows[0]) == 6376 and rows[0][-1] == 'class', (len(rows), len(rows[0]))
                assert [r[-1] for r in rows[1:]] == ['anger', 'sadness'], [r[-1] for r in rows[1:]]
                v = float(rows[1][2])
                data, meta = arff.loadarff(sys.argv[2])
                assert len(data) == 2 and len(meta.names()) == 6376, (len(data), len(meta.names()))
                assert data['class'][1].decode() == 'sadness'
                print('%.6e %.6e' % (v, data[meta.names()[2]][0]))
                """);
            var psi = new ProcessStartInfo("/usr/bin/python3", [py, csv, arff]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"python failed: {stderr}");
            var parts = stdout.Trim().Split(' ');
            Assert.Equal(parts[0], parts[1]);
            Assert.Equal(rows[0].Values[0], float.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), 1e-6f * Math.Abs(rows[0].Values[0]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
