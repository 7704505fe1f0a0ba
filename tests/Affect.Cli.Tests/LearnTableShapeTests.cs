namespace Affect.Cli.Tests;

/// <summary>
/// <c>affect learn</c> refuses test/devel tables whose feature columns differ from train's, header-only tables and
/// overflowing numbers with one line naming the file and field, exit 1 and no score file.
/// </summary>
public sealed partial class LearnCommandTests
{
    [Theory]
    [InlineData("renamed", "svm", "test.csv: column 3: 'g2' (train has 'f2')")]
    [InlineData("reordered", "kelm", "test.csv: column 2: 'f2' (train has 'f1')")]
    [InlineData("devel-renamed", "kelm", "devel.csv: column 6: 'g5' (train has 'f5')")]
    [InlineData("empty-train", "kelm", "train.csv: rows: the table has no data rows")]
    [InlineData("empty-test", "svm", "test.csv: rows: the table has no data rows")]
    [InlineData("empty-devel", "kelm", "devel.csv: rows: the table has no data rows")]
    [InlineData("overflow", "kelm", "train.csv: line 4: column 'f3': 1e999 is not a finite number")]
    [InlineData("infinity", "svm", "test.csv: line 2: column 'f1': -Infinity is not a finite number")]
    [InlineData("huge-train", "kpls", "train.csv: line 4: column 'f3': 1.7E+308: the z-score scaling statistics of the training partition overflow")]
    [InlineData("huge-test", "kelm", "test.csv: line 2: column 'f1': 1E+308 is ")]
    [InlineData("huge-test", "svm", "test.csv: line 2: column 'f1': 1E+308 is ")]
    public async Task Mismatched_empty_or_non_finite_tables_are_refused_by_file_and_field(string kind, string model, string expected)
    {
        string train = Csv(Table(7, 6)), test = Csv(Table(8, 3)), devel = Csv(Table(9, 3));
        const string header = "name,f1,f2,f3,f4,f5,class\n";
        switch (kind)
        {
            case "renamed":
                test = test.Replace("f2,", "g2,", StringComparison.Ordinal);
                break;
            case "reordered":
                test = test.Replace("f1,f2,", "f2,f1,", StringComparison.Ordinal);
                break;
            case "devel-renamed":
                devel = devel.Replace("f5,", "g5,", StringComparison.Ordinal);
                break;
            case "empty-train":
                train = header;
                break;
            case "empty-test":
                test = header;
                break;
            case "empty-devel":
                devel = header;
                break;
            case "overflow":
                var t = train.Split('\n');
                t[3] = ReplaceCell(t[3], 3, "1e999");
                train = string.Join('\n', t);
                break;
            case "huge-train":
                var h = train.Split('\n');
                h[3] = ReplaceCell(h[3], 3, "1.7e308");
                train = string.Join('\n', h);
                break;
            case "huge-test":
                var ht = test.Split('\n');
                ht[1] = ReplaceCell(ht[1], 1, "1e308");
                test = string.Join('\n', ht);
                break;
            case "infinity":
                var s = test.Split('\n');
                s[1] = ReplaceCell(s[1], 1, "-Infinity");
                test = string.Join('\n', s);
                break;
        }

        string trainPath = Write("train.csv", train), testPath = Write("test.csv", test), develPath = Write("devel.csv", devel);
        string scores = Path.Combine(dir, "out.csv");
        string[] mode = kind.StartsWith("devel", StringComparison.Ordinal) || kind == "empty-devel" ? ["--grid", "--devel", develPath] : [];
        var r = await CliProcess.RunAsync(["learn", "--model", model, "--train", trainPath, "--test", testPath, "--scores", scores, .. mode]);
        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains("affect: error: " + Path.Combine(dir, expected), r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(scores));
    }
}
