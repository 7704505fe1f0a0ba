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
        var r2 = await CliProcess.RunAsync("demo", "--out", d2, "--batch-size", ReferenceDemo.BatchSize, "--json");
        Assert.True(r2.ExitCode == 0, CliProcess.Describe(r2.Stdout, r2.Stderr));
        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "results.json")), File.ReadAllBytes(Path.Combine(d2, "results.json")));
        string html = File.ReadAllText(Path.Combine(d1, "report.html"));

        // report.html differs between the two runs only in its per-stage timings section (from timings.json); without
        // it, it is the memoized report artifact, byte for byte.
        string WithoutTimings(string dir) => System.Text.RegularExpressions.Regex.Replace(
            File.ReadAllText(Path.Combine(dir, "report.html")), "<h2 id=\"timings\">.*?</figure>\n", Affect.Pipeline.Activities.ReportHtml.TimingsPlaceholder, System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Contains("<h2 id=\"timings\">", html, StringComparison.Ordinal);
        Assert.Equal(WithoutTimings(d1), WithoutTimings(d2));
        string memoized = Directory.GetFiles(Path.Combine(d1, "store", "artifacts", "report"), "report.html", SearchOption.AllDirectories).Single();
        Assert.Equal(File.ReadAllText(memoized), WithoutTimings(d1));
        Assert.True(File.Exists(Path.Combine(d2, "timings.json")));
        foreach (string stage in new[] { "ingest", "audio-summary", "lld", "functionals", "boaw", "audeep", "classify", "end2you", "lstm", "crosstask", "discretize", "fusion", "report" })
        {
            Assert.Contains(stage, html);
        }

        // Redirected: progress per stage with ETA and one line per activity, on stderr, without ANSI codes; stdout
        // holds only the closing summary, which says where the results are.
        Assert.Contains("  [audio-summary] ", r1.Stderr);
        Assert.Matches(@"  \[lld\] \d+/\d+ \d+ % [0-9.]+ s, (eta [0-9.]+ s|done)", r1.Stderr);
        Assert.DoesNotContain("    reused ", r1.Stderr);
        Assert.Contains("    computed ingest/", r1.Stderr);
        Assert.DoesNotContain("    computed ", r1.Stdout);
        Assert.DoesNotContain('\u001b', r1.Stdout + r1.Stderr);
        Assert.StartsWith("affect demo: completed in ", r1.Stdout, StringComparison.Ordinal);
        foreach (string where in new[] { Path.Combine(d1, "results.json"), Path.Combine(d1, "report.html"), Path.Combine(d1, "store"), "scores " })
        {
            Assert.Contains(where, r1.Stdout, StringComparison.Ordinal);
        }

        Assert.True(r1.Stdout.Split('\n').Length < 25, "the summary fits on one screen:\n" + r1.Stdout);

        // --json: stdout is exactly one JSON object with the summary's fields; progress stays on stderr.
        using (var summary = JsonDocument.Parse(r2.Stdout))
        {
            var s = summary.RootElement;
            Assert.Equal("demo", s.GetProperty("command").GetString());
            Assert.Equal("completed", s.GetProperty("status").GetString());
            Assert.True(s.GetProperty("seconds").GetDouble() > 0);
            Assert.Equal(Path.Combine(d2, "results.json"), s.GetProperty("outputs").GetProperty("results").GetString());
            Assert.Equal(Path.Combine(d2, "report.html"), s.GetProperty("outputs").GetProperty("report").GetString());
            Assert.Equal(Path.Combine(d2, "store"), s.GetProperty("outputs").GetProperty("store").GetString());
            Assert.StartsWith(Path.Combine(d2, "store", "artifacts"), s.GetProperty("outputs").GetProperty("scores").GetString(), StringComparison.Ordinal);
            Assert.True(s.GetProperty("computed").GetInt32() > 0);
            Assert.Equal(0, s.GetProperty("reused").GetInt32());
            Assert.StartsWith("run-", s.GetProperty("run").GetString(), StringComparison.Ordinal);
        }

        Assert.Single(r2.Stdout.Trim().Split('\n'));
        Assert.Contains("  [audio-summary] ", r2.Stderr);

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
        Assert.Contains("[audeep-train]", r1.Stderr); // stage progress goes to stderr
        var table2 = results.RootElement.GetProperty("table2").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("featureSet").GetString() == "AuDeep" && r.GetProperty("learner").GetString() == "svm");
        Assert.Equal("usoms", table2.GetProperty("corpus").GetString());
        Assert.InRange(table2.GetProperty("develUar").GetDouble(), 0, 1);
        Assert.Equal(5, results.RootElement.GetProperty("table3").GetProperty("rows").EnumerateArray()
            .Count(r => r.GetProperty("featureSet").GetString() == "AuDeep" && r.GetProperty("corpus").GetString() == "usoms"));
        Assert.Contains(results.RootElement.GetProperty("submissions").GetProperty("rows").EnumerateArray(), r => r.GetProperty("id").GetString() == "learners+audeep" && r.GetProperty("develUar").ValueKind == JsonValueKind.Number);

        // The End2You stage (issue 20): the END2YOU row of Table 2 (the network's own learner name) and the fusion learners+end2you.
        Assert.Contains("[end2you-train]", r1.Stderr);
        var end2you = results.RootElement.GetProperty("table2").GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("featureSet").GetString() == "END2YOU");
        Assert.Equal(("usoms", "cnn+gru"), (end2you.GetProperty("corpus").GetString(), end2you.GetProperty("learner").GetString()));
        Assert.InRange(end2you.GetProperty("develUar").GetDouble(), 0, 1);
        Assert.InRange(end2you.GetProperty("testUar").GetDouble(), 0, 1);
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
        // Table 2's reproduced baselines: OSFUN, OSBOAW, AuDeep (the auDeep stage) and END2YOU (the End2You stage).
        Assert.Equal(4, root.GetProperty("table2").GetProperty("rows").EnumerateArray().Count(r => r.GetProperty("develUar").ValueKind == JsonValueKind.Number));
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
        Assert.Equal(["learners-fused", "lstm-1", "lstm-2", "lstm-3", "lstm-3+learners", "lstm-3+learners-sf", "learners+audeep", "learners+end2you"], submissions.Select(r => r.GetProperty("id").GetString()));
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
        Assert.DoesNotContain("    computed ", r3.Stderr);
        Assert.DoesNotContain("[worker]", r3.Stderr);
        Assert.Contains("    reused   audio-summary/", r3.Stderr);

        // Truncated results.json and metrics.json are reported by file and recomputed, never used (issue 19.2).
        string artifactsDir = Path.Combine(d2, "store", "artifacts");
        string resultsBlob = Directory.GetFiles(Path.Combine(artifactsDir, "report"), "results.json", SearchOption.AllDirectories).Single();
        string metricsBlob = Directory.GetFiles(artifactsDir, "metrics.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        foreach (string blob in new[] { resultsBlob, metricsBlob })
        {
            byte[] whole = File.ReadAllBytes(blob);
            File.WriteAllBytes(blob, whole[..(whole.Length / 2)]);
        }

        var r4 = await CliProcess.RunAsync("demo", "--out", d2, "--batch-size", ReferenceDemo.BatchSize, "--quiet");
        Assert.True(r4.ExitCode == 0, CliProcess.Describe(r4.Stdout, r4.Stderr));

        // --quiet: no progress, only warnings and errors on stderr, and the results path on stdout.
        Assert.Equal(Path.Combine(d2, "results.json") + "\n", r4.Stdout);
        Assert.DoesNotContain("[audio-summary]", r4.Stderr);
        Assert.DoesNotContain("    computed ", r4.Stderr);
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
            // Activity lines are progress: on stderr.
            _ = p.StandardOutput.ReadToEndAsync();
            var stdout = p.StandardError.ReadToEndAsync();
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
        var reused = Lines(resumed.Stderr, "    reused   ");
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

    [Fact]
    public async Task A_demo_killed_with_its_lstm_jobs_queued_resumes_with_no_stale_job_and_trains_each_model_once()
    {
        Assert.True(reference.Run.ExitCode == 0, CliProcess.Describe(reference.Run.Stdout, reference.Run.Stderr));
        string dir = CliProcess.TempDir();
        string queue = Path.Combine(dir, "store", ".queues", "lstm-training");
        string killedOutput;
        await using (var demo = AffectChild.Start("demo", "--out", dir, "--batch-size", ReferenceDemo.BatchSize))
        {
            // The jobs are queued and the in-process worker trains the first when the run waits on them.
            await demo.WaitForLineAsync("  [lstm-train]", TimeSpan.FromMinutes(4));
            await demo.KillAsync(); // SIGKILL
            killedOutput = demo.Output;
        }

        // Half the messages removed: what a kill between a job's queue marker and its message leaves (issue 19.12). The
        // other half stay, the first of them held by the killed worker until its lease ends.
        var messages = Directory.GetFiles(queue, "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.True(messages.Count >= 2, $"{messages.Count} queued job(s) at the kill\n{killedOutput}");
        foreach (string m in messages.Where((_, i) => i % 2 == 1))
        {
            using var message = JsonDocument.Parse(File.ReadAllBytes(m));
            using var job = JsonDocument.Parse(message.RootElement.GetProperty("Text").GetString()!);
            File.Delete(Path.Combine(dir, "store", "models", job.RootElement.GetProperty("modelKey").GetString()!, "enqueued.json"));
            File.Delete(m);
        }

        await using var resuming = AffectChild.Start("demo", "--out", dir, "--batch-size", ReferenceDemo.BatchSize);
        await resuming.WaitForLineAsync("affect demo: completed", TimeSpan.FromMinutes(6));
        await resuming.WaitForExitAsync();
        Assert.True(resuming.ExitCode == 0, resuming.Output);
        var resumed = (Stdout: resuming.Output, Stderr: string.Empty);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Dir, "results.json")), File.ReadAllBytes(Path.Combine(dir, "results.json")));

        // No stale job is left in the local queue, no duplicate was queued, and each of the 12 models was trained once
        // over both processes (the one in training at the kill had not finished).
        Assert.Empty(Directory.GetFiles(queue, "*.json"));
        Assert.DoesNotContain("model exists", resumed.Stdout, StringComparison.Ordinal);
        // The in-process worker's lines are detail lines on stderr (AffectChild prefixes those with "stderr: ").
        var trained = (killedOutput + "\n" + resumed.Stdout).Split('\n')
            .Select(l => (l.StartsWith("stderr: ", StringComparison.Ordinal) ? l["stderr: ".Length..] : l).Trim())
            .Where(l => l.StartsWith("[worker] ", StringComparison.Ordinal)
                && (l.Contains(": trained arousal ", StringComparison.Ordinal) || l.Contains(": trained valence ", StringComparison.Ordinal)))
            .Select(l => l["[worker] ".Length..l.IndexOf(':', StringComparison.Ordinal)])
            .ToList();
        Assert.Equal(12, trained.Count);
        Assert.Equal(12, trained.Distinct(StringComparer.Ordinal).Count());
    }

    private static List<string> Lines(string stdout, string prefix) =>
        [.. stdout.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim())];
}
