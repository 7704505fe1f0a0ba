using System.Diagnostics;
using System.Text;

namespace Affect.Cli.Tests;

/// <summary><c>affect run</c> against a wrong store: a clear error naming the store and corpus, and nothing left behind.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task An_empty_folder_as_store_fails_naming_it_and_stays_empty()
    {
        string store = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        var r = await CliProcess.RunAsync("run", "--store", store, "--corpus", "usoms");
        AssertFailedNaming(r, store, "usoms", "holds no corpus");
        Assert.Empty(Directory.EnumerateFileSystemEntries(store));
    }

    [Fact]
    public async Task A_folder_of_unrelated_files_or_a_typo_in_the_corpus_name_fails_and_the_folder_is_unchanged()
    {
        string store = Directory.CreateDirectory(Path.Combine(dir, "data")).FullName;
        File.WriteAllText(Path.Combine(store, "notes.txt"), "mine\n");
        Directory.CreateDirectory(Path.Combine(store, "recordings"));
        File.WriteAllBytes(Path.Combine(store, "recordings", "a.wav"), [1, 2, 3]);
        var before = Listing(store);

        var r = await CliProcess.RunAsync("run", "--store", store, "--corpus", "usoms", "--corpus", "recola");
        AssertFailedNaming(r, store, "usoms", "holds no corpus");
        Assert.Equal(before, Listing(store));

        // A real corpus in the store, asked for by a wrong name: the error lists what is there.
        var synth = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", "1", "--out", Path.Combine(store, "corpora", "usoms"));
        Assert.True(synth.ExitCode == 0, CliProcess.Describe(synth.Stdout, synth.Stderr));
        before = Listing(store);
        var typo = await CliProcess.RunAsync("run", "--store", "folder:" + store, "--corpus", "usmos");
        AssertFailedNaming(typo, store, "usmos", "holds usoms");
        Assert.Equal(before, Listing(store));
    }

    [Fact]
    public async Task A_store_folder_that_does_not_exist_is_not_created()
    {
        string missing = Path.Combine(dir, "typo", "store");
        foreach (string store in new[] { "folder:" + missing, missing })
        {
            var r = await CliProcess.RunAsync("run", "--store", store, "--corpus", "usoms");
            Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
            Assert.Contains(missing, r.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "typo")));
        }

        var worker = await CliProcess.RunAsync("worker", "--store", "folder:" + missing, "--drain");
        Assert.True(worker.ExitCode == 1, CliProcess.Describe(worker.Stdout, worker.Stderr));
        Assert.False(Directory.Exists(Path.Combine(dir, "typo")));
    }

    [Fact]
    public async Task Sigterm_stops_a_run_within_seconds_with_exit_code_143()
    {
        string store = Directory.CreateDirectory(Path.Combine(dir, "store")).FullName;
        var synth = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", "3", "--out", Path.Combine(store, "corpora", "usoms"));
        Assert.True(synth.ExitCode == 0, CliProcess.Describe(synth.Stdout, synth.Stderr));
        using var run = new Process { StartInfo = CliProcess.StartInfo("run", "--store", store, "--corpus", "usoms", "--boaw-size", "16", "--learner", "kelm") };
        var computed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        run.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };

        // Progress and activity lines go to stderr (stdout is kept for the closing summary or --json).
        run.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("    computed ", StringComparison.Ordinal) == true)
            {
                computed.TrySetResult();
            }
        };
        run.Start();
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        try
        {
            Assert.True(await Task.WhenAny(computed.Task, run.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(3))) == computed.Task, $"no activity finished\n{output}");
            var clock = Stopwatch.StartNew();
            CliProcess.Terminate(run);
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:F1} s to stop\n{output}");
            Assert.True(run.ExitCode == 143, $"exit {run.ExitCode}\n{output}");
            Assert.Contains("affect: cancelled", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }
    }

    private static void AssertFailedNaming((int ExitCode, string Stdout, string Stderr) r, string store, string corpus, string detail)
    {
        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"affect: error: {store}: corpora/{corpus}/manifest.json: corpus '{corpus}", line, StringComparison.Ordinal);
        Assert.Contains(detail, line, StringComparison.Ordinal);
    }

    // Every file and folder under root, hidden ones included, with file contents.
    private static List<string> Listing(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p) + (File.Exists(p) ? ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "/"))
            .Order(StringComparer.Ordinal)];
}
