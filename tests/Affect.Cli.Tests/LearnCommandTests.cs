using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Affect.Learning;

namespace Affect.Cli.Tests;

/// <summary><c>affect learn</c> run as a real process on small seeded CSV and ARFF feature tables.</summary>
public sealed partial class LearnCommandTests : IDisposable
{
    private static readonly string[] Classes = ["anger", "joy", "neutral"];
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task Kelm_grid_on_csv_writes_scores_and_prints_uar_war_matching_them_on_both_algebras()
    {
        string train = Write("train.csv", Csv(Table(1, 20)));
        string devel = Write("devel.csv", Csv(Table(2, 10)));
        var test = Table(3, 10);
        string testPath = Write("test.csv", Csv(test));
        var outputs = new List<(string Csv, string Stdout)>();
        foreach (string algebra in new[] { "torch", "managed" })
        {
            string scores = Path.Combine(dir, $"out-{algebra}.csv");
            var r = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", train, "--devel", devel, "--test", testPath, "--grid", "--scores", scores, "--algebra", algebra);
            Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
            Assert.Matches(@"learn: kelm C=[0-9.eE+-]+ \(devel UAR ", r.Stdout);
            Assert.DoesNotContain("libtorch unavailable", r.Stderr, StringComparison.Ordinal); // the LAPACK path really ran
            outputs.Add((File.ReadAllText(scores), r.Stdout));
            CheckScores(File.ReadAllText(scores), test, r.Stdout);
        }

        // Same selection and the same scores to rounding, whichever algebra ran.
        var a = ScoreValues(outputs[0].Csv);
        var b = ScoreValues(outputs[1].Csv);
        Assert.Equal(a.Length, b.Length);
        double scale = a.Max(Math.Abs);
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-8 * scale, $"{p.First} vs {p.Second}"));
        Assert.Equal(outputs[0].Stdout.Split('\n')[0], outputs[1].Stdout.Split('\n')[0]);
    }

    [Theory]
    [InlineData("kelm", "--grid")]
    [InlineData("kelm", "--C")]
    [InlineData("wkpls", "--grid")]
    public async Task Managed_learners_write_the_same_score_bytes_whatever_vector_instructions_the_cpu_offers(string model, string mode)
    {
        // The managed algebra sums in a fixed order of fused multiply-adds, so turning off the runtime's use of
        // AVX/AVX2/FMA (software lanes), asking for 512-bit vectors, turning off AVX-512 (the 256-bit register blocks)
        // or running on one processor (one thread) must not change a single byte of the scores.
        string train = Write("train.csv", Csv(Table(7, 40)));
        string devel = Write("devel.csv", Csv(Table(8, 12)));
        string test = Write("test.csv", Csv(Table(9, 12)));
        var texts = new List<string>();
        foreach (var env in new[] { ("X_AFFECT_DEFAULT", "1"), ("DOTNET_EnableHWIntrinsic", "0"), ("DOTNET_EnableAVX2", "0"), ("DOTNET_PreferredVectorBitWidth", "512"), ("DOTNET_EnableAVX512F", "0"), ("DOTNET_PROCESSOR_COUNT", "1") })
        {
            string scores = Path.Combine(dir, $"isa-{env.Item1}.csv");
            string[] args = mode == "--grid"
                ? ["learn", "--model", model, "--train", train, "--devel", devel, "--test", test, "--grid", "--scores", scores]
                : ["learn", "--model", model, "--train", train, "--test", test, "--C", "0.01", "--scores", scores];
            var psi = CliProcess.StartInfo(args);
            psi.Environment[env.Item1] = env.Item2;
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(p.ExitCode == 0, CliProcess.Describe(await stdout, await stderr));
            texts.Add(File.ReadAllText(scores));
        }

        Assert.All(texts, t => Assert.Equal(texts[0], t));
    }

    [Fact]
    public async Task Wkpls_grid_on_arff_writes_scores_and_prints_uar_war()
    {
        string train = Write("train.arff", Arff(Table(4, 20)));
        string devel = Write("devel.arff", Arff(Table(5, 10)));
        var test = Table(6, 10);
        string testPath = Write("test.arff", Arff(test));
        string scores = Path.Combine(dir, "sub", "out.csv");
        var r = await CliProcess.RunAsync("learn", "--model", "wkpls", "--train", train, "--devel", devel, "--test", testPath, "--grid", "--scores", scores);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Matches(@"learn: wkpls factors=\d+ \(devel UAR ", r.Stdout);
        CheckScores(File.ReadAllText(scores), test, r.Stdout);
    }

    [Theory]
    [InlineData("ragged", "train.csv: line 4: 6 cells, the header has 7")]
    [InlineData("text", "train.csv: line 3: column 'f2': 'loud' is not a number")]
    [InlineData("nan", "train.csv: line 5: column 'f4': NaN is not a finite number")]
    [InlineData("unseen", "test.csv: line 3 ('s8_001'): class 'fear' does not occur in the training partition")]
    [InlineData("single", "train.csv: class: the training partition has a single class ('joy')")]
    [InlineData("arff", "train.arff: line 11: 5 values, 7 attributes declared")]
    public async Task Bad_tables_fail_with_file_and_line_and_exit_code_1(string kind, string expected)
    {
        var train = Table(7, 6);
        var test = Table(8, 3);
        string trainText = kind == "arff" ? Arff(train) : Csv(train);
        string testText = Csv(test);
        var lines = trainText.Split('\n');
        switch (kind)
        {
            case "ragged":
                lines[3] = lines[3][..lines[3].LastIndexOf(',')];
                break;
            case "text":
                lines[2] = ReplaceCell(lines[2], 2, "loud");
                break;
            case "nan":
                lines[4] = ReplaceCell(lines[4], 4, "NaN");
                break;
            case "single":
                lines = [.. lines.Select((l, i) => i == 0 || l.Length == 0 ? l : l[..(l.LastIndexOf(',') + 1)] + "joy")];
                break;
            case "arff":
                int at = Array.FindIndex(lines, l => l.StartsWith("@data", StringComparison.Ordinal)) + 1;
                lines[at] = string.Join(',', lines[at].Split(',').Where((_, j) => j is not (2 or 3)));
                break;
            case "unseen":
                var t = testText.Split('\n');
                t[2] = t[2][..(t[2].LastIndexOf(',') + 1)] + "fear";
                testText = string.Join('\n', t);
                break;
        }

        string trainPath = Write(kind == "arff" ? "train.arff" : "train.csv", string.Join('\n', lines));
        string testPath = Write("test.csv", testText);
        var r = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", trainPath, "--test", testPath, "--scores", Path.Combine(dir, "out.csv"));
        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Contains(trainPath[..trainPath.LastIndexOf('/')], r.Stderr, StringComparison.Ordinal); // the full path
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "out.csv")));
    }

    [Theory]
    [InlineData("--C is chosen by --grid", "kelm", "--grid", "--devel", "d.csv", "--C", "2")]
    [InlineData("--C does not apply to kpls", "kpls", "--C", "2")]
    [InlineData("--factors does not apply to kelm", "kelm", "--factors", "5")]
    [InlineData("--factors is chosen by --grid", "wkpls", "--grid", "--devel", "d.csv", "--factors", "5")]
    [InlineData("--retrain refits on train + devel", "kelm", "--retrain")]
    [InlineData("svm does not use it", "svm", "--algebra", "managed")]
    public async Task Options_the_chosen_learner_would_ignore_are_usage_errors(string expected, string model, params string[] more)
    {
        var r = await CliProcess.RunAsync(["learn", "--model", model, "--train", "t.csv", "--test", "t.csv", "--scores", Path.Combine(dir, "out.csv"), .. more]);
        Assert.True(r.ExitCode == 2, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    private static void CheckScores(string csv, (string Name, double[] X, string Label)[] test, string stdout)
    {
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,anger,joy,neutral,predicted", rows[0]);
        Assert.Equal(test.Length + 1, rows.Length);
        var recall = new int[Classes.Length];
        var support = new int[Classes.Length];
        int correct = 0;
        for (int i = 0; i < test.Length; i++)
        {
            var cells = rows[i + 1].Split(',');
            Assert.Equal(5, cells.Length);
            Assert.Equal(test[i].Name, cells[0]);
            var s = cells[1..4].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            string predicted = cells[4];
            Assert.Equal(Classes[Array.IndexOf(s, s.Max())], predicted);
            int truth = Array.IndexOf(Classes, test[i].Label);
            support[truth]++;
            if (predicted == test[i].Label)
            {
                recall[truth]++;
                correct++;
            }
        }

        double uar = Enumerable.Range(0, Classes.Length).Average(c => recall[c] / (double)support[c]);
        double war = correct / (double)test.Length;
        var m = UarWar().Match(stdout);
        Assert.True(m.Success, stdout);
        Assert.Equal(Math.Round(uar * 100, 2), double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 6);
        Assert.Equal(Math.Round(war * 100, 2), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 6);
        Assert.True(uar > 0.8, $"UAR {uar} on well separated clusters");
        Assert.Contains($"({test.Length} utterances)", stdout, StringComparison.Ordinal);
    }

    private static double[] ScoreValues(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).SelectMany(r => r.Split(',')[1..4]).Select(c => double.Parse(c, CultureInfo.InvariantCulture))];

    private static string ReplaceCell(string line, int column, string value)
    {
        var cells = line.Split(',');
        cells[column] = value;
        return string.Join(',', cells);
    }

    // perClass rows of each class around seeded centres in 5 dimensions, classes interleaved.
    private static (string Name, double[] X, string Label)[] Table(ulong seed, int perClass)
    {
        var centres = new SplitMix64(99);
        var mean = Classes.Select(_ => Enumerable.Range(0, 5).Select(_ => 4 * Uniform(ref centres)).ToArray()).ToArray();
        var rng = new SplitMix64(seed);
        var rows = new List<(string, double[], string)>();
        for (int i = 0; i < perClass * Classes.Length; i++)
        {
            int c = i % Classes.Length;
            var x = mean[c].Select(m => m + Uniform(ref rng)).ToArray();
            rows.Add(($"s{seed}_{i:D3}", x, Classes[c]));
        }

        return [.. rows];
    }

    private static double Uniform(ref SplitMix64 rng) => ((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5;

    private static string Csv((string Name, double[] X, string Label)[] rows)
    {
        var sb = new StringBuilder("name,f1,f2,f3,f4,f5,class\n");
        foreach (var (name, x, label) in rows)
        {
            sb.Append(name).Append(',').AppendJoin(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(',').Append(label).Append('\n');
        }

        return sb.ToString();
    }

    private static string Arff((string Name, double[] X, string Label)[] rows)
    {
        var sb = new StringBuilder("@relation 'affect'\n@attribute name string\n");
        for (int j = 1; j <= 5; j++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"@attribute f{j} numeric\n");
        }

        sb.Append("@attribute class {anger,joy,neutral}\n\n@data\n");
        foreach (var (name, x, label) in rows)
        {
            sb.Append('\'').Append(name).Append("',").AppendJoin(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(',').Append(label).Append('\n');
        }

        return sb.ToString();
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"test: UAR ([0-9.]+) ?% WAR ([0-9.]+) ?%")]
    private static partial Regex UarWar();
}
