namespace Affect.Cli.Tests;

public sealed class End2YouCommandTests
{
    private static async Task<string> Synth()
    {
        string corpus = CliProcess.TempDir();
        var r = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", "3", "--speakers", "3", "--utterances", "3", "--out", corpus);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        return corpus;
    }

    private static async Task<string> Train(string corpus, string seed)
    {
        string output = CliProcess.TempDir();
        var r = await CliProcess.RunAsync("e2e", "train", "--corpus", corpus, "--out", output, "--seed", seed, "--small", "--epochs", "2", "--frames", "5");
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains("devel UAR", r.Stdout, StringComparison.Ordinal);
        return output;
    }

    [Fact]
    public async Task Writes_the_model_metrics_and_score_files_in_the_learners_layout_and_the_same_seed_gives_the_same_bytes()
    {
        string corpus = await Synth();
        string first = await Train(corpus, "7");
        string second = await Train(corpus, "7");
        string other = await Train(corpus, "8");

        var files = Directory.GetFiles(first).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["devel.scores.csv", "metrics.json", "model.onnx", "test.scores.csv"], files);
        foreach (string file in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)));
        }

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "model.onnx")), File.ReadAllBytes(Path.Combine(other, "model.onnx")));

        // name, one probability per class, predicted: rows of probabilities summing to 1, the predicted class their argmax.
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(corpus, "manifest.json"))).RootElement;
        var classes = manifest.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var devel = manifest.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("partition").GetString() == "devel");
        var lines = File.ReadAllLines(Path.Combine(first, "devel.scores.csv"));
        Assert.Equal(["name", .. classes, "predicted"], lines[0].Split(','));
        Assert.Equal(devel, lines.Length - 1);
        foreach (string line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var p = cells[1..^1].Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 5);
            Assert.Equal(classes[Array.IndexOf(p, p.Max())], cells[^1]);
        }

        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "metrics.json")));
        Assert.Equal(2, metrics.RootElement.GetProperty("epochs").GetArrayLength());
        Assert.InRange(metrics.RootElement.GetProperty("develUar").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task A_dimensional_corpus_names_the_manifest_kind_and_a_bad_size_is_a_usage_error()
    {
        string corpus = CliProcess.TempDir();
        var synth = await CliProcess.RunAsync("corpus", "synth", "--kind", "recola", "--seed", "3", "--speakers", "3", "--out", corpus);
        Assert.True(synth.ExitCode == 0, CliProcess.Describe(synth.Stdout, synth.Stderr));
        var dimensional = await CliProcess.RunAsync("e2e", "train", "--corpus", corpus, "--out", CliProcess.TempDir(), "--small");
        Assert.Equal(1, dimensional.ExitCode);
        Assert.Contains("manifest.json: kind:", dimensional.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", dimensional.Stderr);

        var usage = await CliProcess.RunAsync("e2e", "train", "--corpus", corpus, "--out", CliProcess.TempDir(), "--epochs", "0");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--epochs", usage.Stderr, StringComparison.Ordinal);
    }
}
