namespace Affect.Cli.Tests;

public sealed class FeaturesAuDeepCommandTests
{
    private static readonly string[] Small =
        ["--clip-below", "-30,-60", "--fixed-length", "0.5", "--mel-bands", "16", "--layers", "1", "--units", "4", "--epochs", "2", "--batch-size", "4"];

    private static async Task<string> Synth()
    {
        string corpus = CliProcess.TempDir();
        var r = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", "3", "--speakers", "3", "--utterances", "3", "--out", corpus);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        return corpus;
    }

    private static async Task<string> AuDeep(string corpus, string seed)
    {
        string output = CliProcess.TempDir();
        var r = await CliProcess.RunAsync(["features", "audeep", "--corpus", corpus, "--out", output, "--seed", seed, .. Small]);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        return output;
    }

    [Fact]
    public async Task Writes_one_table_per_partition_that_learn_reads_and_one_encoder_per_threshold_and_the_same_seed_gives_the_same_bytes()
    {
        string corpus = await Synth();
        string first = await AuDeep(corpus, "7");
        string second = await AuDeep(corpus, "7");
        string other = await AuDeep(corpus, "8");

        var tables = Directory.GetFiles(first).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["audeep-devel.csv", "audeep-test.csv", "audeep-train.csv", "encoder-30dB.onnx", "encoder-60dB.onnx"], tables);
        foreach (string table in tables)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, table)), File.ReadAllBytes(Path.Combine(second, table)));
        }

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "audeep-train.csv")), File.ReadAllBytes(Path.Combine(other, "audeep-train.csv")));

        // 2 thresholds × (1 layer × 2 decoder directions × 4 units) = 16 features, between name and class.
        var lines = File.ReadAllLines(Path.Combine(first, "audeep-train.csv"));
        var header = lines[0].Split(';');
        Assert.Equal(18, header.Length);
        Assert.Equal(("name", "audeep_30dB_0", "audeep_60dB_7", "class"), (header[0], header[1], header[^2], header[^1]));
        Assert.All(lines.Skip(1), l => Assert.Equal(18, l.Split(';').Length));
        Assert.True(lines.Length > 2, "no train rows");

        string scores = Path.Combine(CliProcess.TempDir(), "scores.csv");
        var learn = await CliProcess.RunAsync("learn", "--model", "svm", "--train", Path.Combine(first, "audeep-train.csv"),
            "--test", Path.Combine(first, "audeep-devel.csv"), "--scores", scores);
        Assert.True(learn.ExitCode == 0, CliProcess.Describe(learn.Stdout, learn.Stderr));
        Assert.True(File.Exists(scores));
    }

    [Fact]
    public async Task A_positive_clip_threshold_is_a_usage_error_and_a_missing_corpus_names_the_manifest()
    {
        var usage = await CliProcess.RunAsync("features", "audeep", "--corpus", CliProcess.TempDir(), "--out", CliProcess.TempDir(), "--clip-below", "30");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--clip-below", usage.Stderr, StringComparison.Ordinal);

        string empty = CliProcess.TempDir();
        var missing = await CliProcess.RunAsync("features", "audeep", "--corpus", empty, "--out", CliProcess.TempDir());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("manifest.json", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.Stderr);
    }
}
