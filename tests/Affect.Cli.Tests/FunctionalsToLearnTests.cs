using System.Globalization;
using Affect.Audio;
using Affect.Learning;

namespace Affect.Cli.Tests;

/// <summary>
/// <c>affect features functionals --label</c> feeds <c>affect learn</c>: the label reaches the CSV as it reaches the
/// ARFF (a last column <c>class</c>), and a table without a class column is refused instead of read as if its last
/// feature were the class.
/// </summary>
public sealed class FunctionalsToLearnTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task The_label_reaches_csv_and_arff_and_learn_reads_either_but_refuses_an_unlabelled_table()
    {
        var lowTrain = Tones("low_train", 110, 4, seed: 1);
        var highTrain = Tones("high_train", 440, 4, seed: 2);
        var lowTest = Tones("low_test", 110, 2, seed: 3);
        var highTest = Tones("high_test", 440, 2, seed: 4);

        await Functionals(lowTrain, "low_train", "low");
        await Functionals(highTrain, "high_train", "high");
        await Functionals(lowTest, "low_test", "low");
        await Functionals(highTest, "high_test", "high");
        await Functionals(lowTrain, "plain", null);

        // The labelled CSV is the unlabelled one plus a last column 'class', values unchanged.
        var plain = File.ReadAllLines(Path.Combine(dir, "plain.csv"));
        var labelled = File.ReadAllLines(Path.Combine(dir, "low_train.csv"));
        Assert.Equal(plain[0] + ";class", labelled[0]);
        Assert.Equal(plain.Skip(1).Select(l => l + ";low"), labelled.Skip(1));
        Assert.Equal(lowTrain.Length + 1, labelled.Length);
        Assert.EndsWith("@attribute class {low}", File.ReadAllLines(Path.Combine(dir, "low_train.arff")).Last(l => l.StartsWith("@attribute", StringComparison.Ordinal)), StringComparison.Ordinal);

        string train = Concatenate("train.csv", "low_train.csv", "high_train.csv");
        string test = Concatenate("test.csv", "low_test.csv", "high_test.csv");
        string scores = Path.Combine(dir, "scores.csv");
        var learn = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", train, "--test", test, "--scores", scores, "--algebra", "managed");
        Assert.True(learn.ExitCode == 0, CliProcess.Describe(learn.Stdout, learn.Stderr));
        var rows = File.ReadAllLines(scores);
        Assert.Equal("name,high,low,predicted", rows[0]); // score columns are the classes, not feature values
        Assert.Equal(lowTest.Concat(highTest).Select(Path.GetFileNameWithoutExtension), rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.Equal(["low", "low", "high", "high"], rows.Skip(1).Select(r => r.Split(',')[^1]));
        Assert.Contains("test: UAR 100.00 % WAR 100.00 % (4 utterances)", learn.Stdout, StringComparison.Ordinal);

        // The ARFF (instance names as a nominal attribute) reads the same as the CSV.
        var fromArff = FeatureTable.Read(Path.Combine(dir, "low_test.arff"));
        var fromCsv = FeatureTable.Read(Path.Combine(dir, "low_test.csv"));
        Assert.Equal(fromCsv.Names, fromArff.Names);
        Assert.Equal(fromCsv.FeatureNames, fromArff.FeatureNames);
        Assert.Equal(fromCsv.Labels, fromArff.Labels);
        Assert.Equal(["low", "low"], fromArff.Labels);
        string arffScores = Path.Combine(dir, "arff-scores.csv");
        var arffLearn = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", train, "--test", Path.Combine(dir, "low_test.arff"), "--scores", arffScores, "--algebra", "managed");
        Assert.True(arffLearn.ExitCode == 0, CliProcess.Describe(arffLearn.Stdout, arffLearn.Stderr));

        // Without a class column: one clear line naming the file and the class column, exit 1, no scores.
        foreach (string unlabelled in new[] { Path.Combine(dir, "plain.csv"), Path.Combine(dir, "plain.arff") })
        {
            string refused = Path.Combine(dir, "refused.csv");
            var r = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", unlabelled, "--test", test, "--scores", refused);
            Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"affect: error: {unlabelled}: class: no ", line, StringComparison.Ordinal);
            Assert.Contains("--label", line, StringComparison.Ordinal);
            Assert.Contains("--class-column", line, StringComparison.Ordinal);
            Assert.False(File.Exists(refused));
        }
    }

    [Fact]
    public async Task A_label_that_would_break_the_table_is_a_usage_error_before_any_work()
    {
        var wav = Tones("one", 220, 1, seed: 5);
        string csv = Path.Combine(dir, "bad.csv");
        var r = await CliProcess.RunAsync("features", "functionals", wav[0], "--csv", csv, "--label", "very happy");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--label: label 'very happy'", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(csv));
    }

    private async Task Functionals(string[] wavs, string name, string? label)
    {
        string[] args = ["features", "functionals", .. wavs, "--csv", Path.Combine(dir, name + ".csv"), "--arff", Path.Combine(dir, name + ".arff")];
        var r = await CliProcess.RunAsync(label is null ? args : [.. args, "--label", label]);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
    }

    private string Concatenate(string target, string first, string second)
    {
        var a = File.ReadAllLines(Path.Combine(dir, first));
        var b = File.ReadAllLines(Path.Combine(dir, second));
        Assert.Equal(a[0], b[0]);
        string path = Path.Combine(dir, target);
        File.WriteAllLines(path, a.Concat(b.Skip(1)));
        return path;
    }

    // Harmonic tones at f0 with seeded noise, 0.6 s at 16 kHz: two pitches are two trivially separable classes.
    private string[] Tones(string prefix, double f0, int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            var samples = new float[9600];
            double f = f0 * (1 + (0.02 * i));
            for (int n = 0; n < samples.Length; n++)
            {
                double t = n / 16000.0;
                double noise = ((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5;
                samples[n] = (float)((0.3 * Math.Sin(2 * Math.PI * f * t)) + (0.15 * Math.Sin(4 * Math.PI * f * t)) + (0.08 * Math.Sin(6 * Math.PI * f * t)) + (0.02 * noise));
            }

            paths[i] = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{prefix}_{i}.wav"));
            using var file = File.Create(paths[i]);
            WavWriter.WritePcm16(file, samples, 16000);
        }

        return paths;
    }
}
