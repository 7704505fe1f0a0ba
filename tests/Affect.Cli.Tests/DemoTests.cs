using System.Diagnostics;
using System.Text.Json;

namespace Affect.Cli.Tests;

/// <summary>One uninterrupted <c>affect demo</c> run that the demo tests compare against.</summary>
public sealed class ReferenceDemo : IAsyncLifetime
{
    public const string BatchSize = "2";

    public string Dir { get; } = CliProcess.TempDir();

    public (int ExitCode, string Stdout, string Stderr) Run { get; private set; }

    public async Task InitializeAsync() => Run = await CliProcess.RunAsync("demo", "--out", Dir, "--batch-size", BatchSize);

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed partial class DemoTests(ReferenceDemo reference) : IClassFixture<ReferenceDemo>
{
    [Fact]
    public async Task Demo_twice_gives_byte_identical_results_and_a_report()
    {
        var r1 = reference.Run;
        Assert.True(r1.ExitCode == 0, CliProcess.Describe(r1.Stdout, r1.Stderr));
        string d1 = reference.Dir, d2 = CliProcess.TempDir();
        var r2 = await CliProcess.RunAsync("demo", "--out", d2, "--batch-size", ReferenceDemo.BatchSize);
        Assert.True(r2.ExitCode == 0, CliProcess.Describe(r2.Stdout, r2.Stderr));
        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "results.json")), File.ReadAllBytes(Path.Combine(d2, "results.json")));
        string html = File.ReadAllText(Path.Combine(d1, "report.html"));
        foreach (string stage in new[] { "ingest", "audio-summary", "lld", "functionals", "boaw", "audeep", "classify", "lstm", "crosstask", "discretize", "fusion", "report" })
        {
            Assert.Contains(stage, html);
        }

        Assert.Contains("[audio-summary]", r1.Stdout);
        Assert.DoesNotContain("    reused ", r1.Stdout);
        Assert.Contains("    computed ingest/", r1.Stdout);

        // Table 1 analogue: 6 orders × 2 targets trained by the queue worker; arousal transfers in every order.
        using var results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d1, "results.json")));
        var lstm = results.RootElement.GetProperty("lstm").EnumerateArray().ToList();
        Assert.Equal(12, lstm.Count);
        Assert.All(lstm, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("failure").ValueKind));
        Assert.All(
            lstm.Where(r => r.GetProperty("target").GetString() == "arousal"),
            r => Assert.True(r.GetProperty("testCcAtBest").GetDouble() > 0.2, r.ToString()));
        Assert.Equal(20, results.RootElement.GetProperty("classification").GetArrayLength());

        // The auDeep stage (issue 20): the AuDeep feature set fills the paper's AuDeep rows of Tables 2 and 3 and joins the fusion.
        Assert.Contains("[audeep-train]", r1.Stdout);
        var table2 = results.RootElement.GetProperty("table2").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("featureSet").GetString() == "AuDeep" && r.GetProperty("learner").GetString() == "svm");
        Assert.Equal("usoms", table2.GetProperty("corpus").GetString());
        Assert.InRange(table2.GetProperty("develUar").GetDouble(), 0, 1);
        Assert.Equal(5, results.RootElement.GetProperty("table3").GetProperty("rows").EnumerateArray()
            .Count(r => r.GetProperty("featureSet").GetString() == "AuDeep" && r.GetProperty("corpus").GetString() == "usoms"));
        Assert.Contains(results.RootElement.GetProperty("submissions").GetProperty("rows").EnumerateArray(), r => r.GetProperty("id").GetString() == "learners+audeep" && r.GetProperty("develUar").ValueKind == JsonValueKind.Number);
        Assert.Contains("Table 1", html);
        Assert.Contains("Table 3", html);

        // Tables 1-4 and the Section 4.3 submissions, each beside the paper's figures.
        var root = results.RootElement;
        foreach (string table in new[] { "table1", "table2", "table3", "table4", "submissions" })
        {
            Assert.Equal("paper (real RECOLA/SEMAINE/CreativeIT/USoMS)", root.GetProperty(table).GetProperty("paperSource").GetString());
            Assert.Equal("this run (synthetic corpora)", root.GetProperty(table).GetProperty("runSource").GetString());
            Assert.Contains(table.Replace("table", "Table ", StringComparison.Ordinal).Replace("submissions", "Section 4.3", StringComparison.Ordinal), html);
        }

        Assert.Equal(12, root.GetProperty("table1").GetProperty("rows").EnumerateArray().Count(r => r.GetProperty("paperTestCcAtBest").ValueKind == JsonValueKind.Number && r.GetProperty("train").ValueKind == JsonValueKind.String));
        Assert.Equal(2, root.GetProperty("table2").GetProperty("rows").EnumerateArray().Count(r => r.GetProperty("develUar").ValueKind == JsonValueKind.Number));
        Assert.Equal(12, root.GetProperty("crossTask").GetArrayLength());
        var table4 = root.GetProperty("table4").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(6, table4.Count);
        foreach (var row in table4)
        {
            foreach (string metric in new[] { "trainWar", "trainUar", "develWar", "develUar", "testUar", "paperDevelUar" })
            {
                Assert.InRange(row.GetProperty(metric).GetDouble(), 0, 1);
            }
        }

        var submissions = root.GetProperty("submissions").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["learners-fused", "lstm-1", "lstm-2", "lstm-3", "lstm-3+learners", "lstm-3+learners-sf"], submissions.Select(r => r.GetProperty("id").GetString()));
        foreach (var row in submissions)
        {
            Assert.InRange(row.GetProperty("develUar").GetDouble(), 0, 1);
            Assert.InRange(row.GetProperty("testUar").GetDouble(), 0, 1);
        }

        foreach (var row in submissions.Where(r => r.GetProperty("method").GetString() == "wf"))
        {
            Assert.True(row.GetProperty("develUar").GetDouble() >= row.GetProperty("bestMemberDevelUar").GetDouble(), row.ToString());
        }

        // A second run in the same folder recomputes nothing.
        var r3 = await CliProcess.RunAsync("demo", "--out", d2, "--batch-size", ReferenceDemo.BatchSize);
        Assert.True(r3.ExitCode == 0, CliProcess.Describe(r3.Stdout, r3.Stderr));
        Assert.DoesNotContain("    computed ", r3.Stdout);
        Assert.DoesNotContain("[worker]", r3.Stdout);
        Assert.Contains("    reused   audio-summary/", r3.Stdout);

        // Truncated results.json and metrics.json are reported by file and recomputed, never used (issue 19.2).
        string artifactsDir = Path.Combine(d2, "store", "artifacts");
        string resultsBlob = Directory.GetFiles(Path.Combine(artifactsDir, "report"), "results.json", SearchOption.AllDirectories).Single();
        string metricsBlob = Directory.GetFiles(artifactsDir, "metrics.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        foreach (string blob in new[] { resultsBlob, metricsBlob })
        {
            byte[] whole = File.ReadAllBytes(blob);
            File.WriteAllBytes(blob, whole[..(whole.Length / 2)]);
        }

        var r4 = await CliProcess.RunAsync("demo", "--out", d2, "--batch-size", ReferenceDemo.BatchSize);
        Assert.True(r4.ExitCode == 0, CliProcess.Describe(r4.Stdout, r4.Stderr));
        foreach (string blob in new[] { resultsBlob, metricsBlob })
        {
            string name = "artifacts/" + Path.GetRelativePath(artifactsDir, blob).Replace('\\', '/');
            Assert.Contains($"affect: warning: {name}: ", r4.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "results.json")), File.ReadAllBytes(Path.Combine(d2, "results.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "results.json")), File.ReadAllBytes(resultsBlob));
    }

    [Fact]
    public async Task A_run_killed_mid_way_resumes_without_recomputing_and_ends_byte_identical()
    {
        Assert.True(reference.Run.ExitCode == 0, CliProcess.Describe(reference.Run.Stdout, reference.Run.Stderr));
        string dir = CliProcess.TempDir();
        string summaries = Path.Combine(dir, "store", "artifacts", "audio-summary");
        string killedStdout;
        using (var p = Process.Start(CliProcess.StartInfo("demo", "--out", dir, "--batch-size", ReferenceDemo.BatchSize))!)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!(Directory.Exists(summaries) && Directory.GetFiles(summaries, "summary.json", SearchOption.AllDirectories).Length >= 2))
            {
                Assert.True(DateTime.UtcNow < deadline, "the demo never produced an audio summary");
                Assert.False(p.HasExited, "the demo finished before it could be killed");
                await Task.Delay(5);
            }

            p.Kill(entireProcessTree: true); // SIGKILL
            await p.WaitForExitAsync();
            killedStdout = await stdout;
        }

        Assert.False(File.Exists(Path.Combine(dir, "results.json")), "killed before the end");
        string artifacts = Path.Combine(dir, "store", "artifacts");
        var before = CliProcess.Snapshot(artifacts);

        // Artifacts the killed run reported finished (their main file is written last, then the line is printed).
        var finished = Lines(killedStdout, "    computed ");
        Assert.Contains(finished, a => a.StartsWith("audio-summary/", StringComparison.Ordinal));

        var resumed = await CliProcess.RunAsync("demo", "--out", dir, "--batch-size", ReferenceDemo.BatchSize);
        Assert.True(resumed.ExitCode == 0, CliProcess.Describe(resumed.Stdout, resumed.Stderr));
        var after = CliProcess.Snapshot(artifacts);

        // Finished activities were not recomputed: the resumed run reused them and left their files untouched.
        var reused = Lines(resumed.Stdout, "    reused   ");
        Assert.Subset(reused.ToHashSet(), finished.ToHashSet());
        foreach (var (path, (written, content)) in before.Where(kv => finished.Any(f => kv.Key.StartsWith(f.Replace('/', Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))))
        {
            Assert.Equal(written, after[path].Written);
            Assert.Equal(content, after[path].Content);
        }

        // The final artifacts equal those of an uninterrupted run, byte for byte.
        var expected = CliProcess.Snapshot(Path.Combine(reference.Dir, "store", "artifacts"));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, (_, content)) in expected)
        {
            Assert.True(content.AsSpan().SequenceEqual(after[path].Content), $"{path} differs from the uninterrupted run");
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Dir, "results.json")), File.ReadAllBytes(Path.Combine(dir, "results.json")));
    }

    private static List<string> Lines(string stdout, string prefix) =>
        [.. stdout.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim())];
}
