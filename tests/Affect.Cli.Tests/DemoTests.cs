using System.Diagnostics;

namespace Affect.Cli.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_twice_gives_byte_identical_results_and_a_report()
    {
        string d1 = CliProcess.TempDir(), d2 = CliProcess.TempDir();
        var r1 = await CliProcess.RunAsync("demo", "--out", d1);
        Assert.True(r1.ExitCode == 0, CliProcess.Describe(r1.Stdout, r1.Stderr));
        var r2 = await CliProcess.RunAsync("demo", "--out", d2);
        Assert.True(r2.ExitCode == 0, CliProcess.Describe(r2.Stdout, r2.Stderr));
        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "results.json")), File.ReadAllBytes(Path.Combine(d2, "results.json")));
        string html = File.ReadAllText(Path.Combine(d1, "report.html"));
        foreach (string stage in new[] { "ingest", "audio-summary", "report" })
        {
            Assert.Contains(stage, html);
        }

        Assert.Contains("[audio-summary]", r1.Stdout);

        // Table 1 analogue: 6 orders × 2 targets trained by the queue worker; arousal transfers in every order.
        using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d1, "results.json")));
        var lstm = results.RootElement.GetProperty("lstm").EnumerateArray().ToList();
        Assert.Equal(12, lstm.Count);
        Assert.All(lstm, r => Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("failure").ValueKind));
        Assert.All(
            lstm.Where(r => r.GetProperty("target").GetString() == "arousal"),
            r => Assert.True(r.GetProperty("testCcAtBest").GetDouble() > 0.2, r.ToString()));
        Assert.Equal(15, results.RootElement.GetProperty("classification").GetArrayLength());
        Assert.Contains("Table 1", html);
        Assert.Contains("Table 3", html);
        Assert.DoesNotContain("    reused ", r1.Stdout);
        Assert.Contains("    computed ingest/", r1.Stdout);

        // A third run in the same folder recomputes nothing.
        var r3 = await CliProcess.RunAsync("demo", "--out", d1);
        Assert.True(r3.ExitCode == 0, CliProcess.Describe(r3.Stdout, r3.Stderr));
        Assert.DoesNotContain("    computed ", r3.Stdout);
        Assert.Contains("    reused   audio-summary/", r3.Stdout);
    }

    [Fact]
    public async Task A_run_killed_mid_way_resumes_without_recomputing_and_ends_byte_identical()
    {
        string reference = CliProcess.TempDir();
        var full = await CliProcess.RunAsync("demo", "--out", reference, "--batch-size", "1");
        Assert.True(full.ExitCode == 0, CliProcess.Describe(full.Stdout, full.Stderr));

        string dir = CliProcess.TempDir();
        string summaries = Path.Combine(dir, "store", "artifacts", "audio-summary");
        using (var p = Process.Start(CliProcess.StartInfo("demo", "--out", dir, "--batch-size", "1"))!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
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
        }

        Assert.False(File.Exists(Path.Combine(dir, "results.json")), "killed before the end");
        string artifacts = Path.Combine(dir, "store", "artifacts");
        var before = CliProcess.Snapshot(artifacts);
        int summariesBefore = before.Keys.Count(k => k.EndsWith("summary.json", StringComparison.Ordinal));
        Assert.True(summariesBefore >= 2);

        var resumed = await CliProcess.RunAsync("demo", "--out", dir, "--batch-size", "1");
        Assert.True(resumed.ExitCode == 0, CliProcess.Describe(resumed.Stdout, resumed.Stderr));
        var after = CliProcess.Snapshot(artifacts);

        // Finished activities were not recomputed: their artifacts were not rewritten...
        foreach (var (path, (written, content)) in before)
        {
            Assert.True(after.ContainsKey(path), $"{path} vanished");
            Assert.Equal(written, after[path].Written);
            Assert.Equal(content, after[path].Content);
        }

        // ...the resumed run says so...
        int reusedSummaries = resumed.Stdout.Split('\n').Count(l => l.Contains("    reused ", StringComparison.Ordinal) && l.Contains("audio-summary/", StringComparison.Ordinal));
        Assert.True(reusedSummaries >= summariesBefore, CliProcess.Describe(resumed.Stdout, resumed.Stderr));

        // ...and the final artifacts equal those of an uninterrupted run, byte for byte.
        var expected = CliProcess.Snapshot(Path.Combine(reference, "store", "artifacts"));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, (_, content)) in expected)
        {
            Assert.True(content.AsSpan().SequenceEqual(after[path].Content), $"{path} differs from the uninterrupted run");
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "results.json")), File.ReadAllBytes(Path.Combine(dir, "results.json")));
    }
}
