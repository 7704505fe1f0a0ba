using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Affect.Storage.Tests;
using Xunit.Abstractions;

namespace Affect.Cli.Tests;

/// <summary>
/// The three ways a run starts, with real <c>affect serve</c> and <c>affect worker</c> processes over a private Azurite:
/// an upload starts a run by itself, a restart does not start it again, a changed WAV starts a run that recomputes only
/// what depends on it, duplicate HTTP starts give one run, the key and content type are enforced, and a nightly tick
/// under a shifted clock writes a comparison against the previous run.
/// </summary>
public sealed class ServeTriggerTests(ITestOutputHelper output)
{
    private const string Key = "serve-trigger-tests-key-0123456789";

    private const string TinySpec = """{"corpora":["usoms"],"seed":21,"features":{"batchSize":1},"boaw":{"size":16,"iterations":5},"learners":{"names":["kelm"]},"fusion":{"pool":64,"chunks":1}}""";

    [Fact]
    public async Task Uploads_http_and_the_nightly_tick_start_each_run_once_and_the_night_is_compared_with_the_previous_run()
    {
        using var azurite = await AzuriteFixture.StartAsync();
        string connection = azurite.ConnectionString;
        var store = new AzureBlobStore(connection);
        string hub = "trig" + Guid.NewGuid().ToString("N")[..8];
        await store.PutBytesAsync(Experiments.Container, "tiny.json", Encoding.UTF8.GetBytes(TinySpec));
        var files = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 21) with { UtterancesPerSpeaker = 3 });
        await using var worker = AffectChild.Start("worker", "--store", connection, "--poll-seconds", "0.5");
        await ServeTriggersAsync(store, connection, hub, files);
        await worker.TerminateAsync();
    }

    private async Task ServeTriggersAsync(AzureBlobStore store, string connection, string hub, IReadOnlyList<CorpusFile> files)
    {

        // 1. Upload while serve runs: the watcher starts the registered experiment, and it completes.
        RunStartRecord first;
        await using (var serve = await ServeProcess.StartAsync(connection, hub, Key, "--poll", "1"))
        {
            await DemoCommand.UploadAsync(store, "usoms", files, CancellationToken.None);
            first = Assert.Single(await WaitForRunsAsync(store, 1, serve));
            Assert.Equal(("tiny", RunTriggers.Upload), (first.Experiment, first.Trigger));
            await WaitForCompletionAsync(store, first.RunId, serve);

            // The key and the content type are enforced on every route.
            using var anonymous = new HttpClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri(serve.Address, "api/runs"))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri(serve.Address, "api/runs"), Json(TinySpec))).StatusCode);
            using var http = ServeProcess.Client(Key);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync(new Uri(serve.Address, "api/runs"), new StringContent("corpora=usoms", Encoding.UTF8, "application/x-www-form-urlencoded"))).StatusCode);

            // The same spec over HTTP is the upload's run (200, same id): nothing new starts.
            var same = await http.PostAsync(new Uri(serve.Address, "api/runs"), Json(TinySpec));
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.Equal(first.RunId, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

            // Concurrent duplicate starts of a new spec: one run, every answer 200/202 with its id, exactly one 202.
            string other = TinySpec.Replace("\"seed\":21", "\"seed\":22", StringComparison.Ordinal);
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => http.PostAsync(new Uri(serve.Address, "api/runs"), Json(other))));
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)a.StatusCode}"));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
            var ids = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));
            Assert.Single(ids.Distinct());
            await WaitForCompletionAsync(store, ids[0]!, serve);

            var listed = await http.GetFromJsonAsync<JsonElement>(new Uri(serve.Address, "api/runs?experiment=tiny"));
            Assert.Equal(first.RunId, Assert.Single(listed.GetProperty("runs").EnumerateArray()).GetProperty("id").GetString());
            Assert.Equal(0, (await serve.TerminateAsync()).ExitCode);
        }

        // 2. A restarted serve does not start the upload's run again.
        RunStartRecord third;
        await using (var serve = await ServeProcess.StartAsync(connection, hub, Key, "--poll", "1"))
        {
            await Task.Delay(TimeSpan.FromSeconds(4)); // several polls
            Assert.Equal(2, (await RunStarts.ListAsync(store)).Count);

            // 3. One WAV changed and the manifest re-uploaded: a new run that recomputes only what depends on that file.
            var wav = files.First(f => f.RelativePath.EndsWith(".wav", StringComparison.Ordinal));
            byte[] changed = [.. wav.Content];
            changed[^1] ^= 0x40; // the high byte of the last 16-bit sample
            await store.PutBytesAsync(Containers.Corpora, "usoms/" + wav.RelativePath, changed);
            await store.PutBytesAsync(Containers.Corpora, "usoms/" + CorpusManifest.FileName, files.Single(f => f.RelativePath == CorpusManifest.FileName).Content);
            third = (await WaitForRunsAsync(store, 3, serve)).Last();
            Assert.Equal(("tiny", RunTriggers.Upload), (third.Experiment, third.Trigger));
            Assert.NotEqual(first.CorpusVersions["usoms"], third.CorpusVersions["usoms"]);
            var record = await WaitForCompletionAsync(store, third.RunId, serve);
            var lld = record.Activities.Where(a => a.Stage == "lld").ToList();
            output.WriteLine($"changed WAV: {record.Computed} computed, {record.Reused} reused; lld {lld.Count(a => !a.Reused)} computed of {lld.Count}");
            Assert.Equal(1, lld.Count(a => !a.Reused));
            Assert.Equal(1, record.Activities.Count(a => a.Stage == "audio-summary" && !a.Reused));
            Assert.Equal(files.Count(f => f.RelativePath.EndsWith(".wav", StringComparison.Ordinal)) - 1, lld.Count(a => a.Reused));
            Assert.Equal(0, (await serve.TerminateAsync()).ExitCode);
        }

        // 4. A nightly tick under a clock started five seconds before 02:00 UTC tomorrow re-runs "tiny" and compares it with run 3.
        var night = DateTime.UtcNow.Date.AddDays(1).AddHours(2);
        await using (var serve = await ServeProcess.StartAsync(connection, hub, Key, "--poll", "1", "--nightly", "0 2 * * *", "--clock", night.AddSeconds(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture)))
        {
            var nightly = (await WaitForRunsAsync(store, 4, serve)).Last();
            Assert.Equal($"nightly-tiny-{night:yyyyMMddHHmm}", nightly.RunId);
            await WaitForCompletionAsync(store, nightly.RunId, serve);
            var comparison = await WaitForAsync(
                async () => await store.ExistsAsync(Containers.Runs, $"{nightly.RunId}/{RunComparison.FileName}")
                    ? await store.GetJsonAsync<RunComparison>(Containers.Runs, $"{nightly.RunId}/{RunComparison.FileName}", MemoizedArtifacts.Json)
                    : null,
                serve);
            output.WriteLine($"comparison: {comparison.Metrics.Count} metrics, {comparison.Regressions.Count} regressions, stages {string.Join(", ", comparison.Stages.Select(s => $"{s.Stage} {s.Computed}/{s.Reused}"))}");
            Assert.Equal(third.RunId, comparison.PreviousRunId);
            Assert.NotEmpty(comparison.Metrics);
            Assert.All(comparison.Metrics, m => Assert.Equal(0.0, m.Delta)); // same code, same corpus: same numbers
            Assert.Empty(comparison.Regressions);
            Assert.False(comparison.Code.Changed);
            Assert.False(Assert.Single(comparison.Corpora).Changed);
            Assert.Equal(0, comparison.Stages.Where(s => s.Stage == "lld").Sum(s => s.Computed));
            string report = Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Runs, $"{nightly.RunId}/{ReportBlobs.HtmlFile}"));
            Assert.Contains("id=\"comparison\"", report, StringComparison.Ordinal);
            Assert.Equal(0, (await serve.TerminateAsync()).ExitCode);
        }

        var (code, stdout, stderr) = await CliProcess.RunAsync("runs", "show", "--store", connection, "--latest");
        Assert.True(code == 0, CliProcess.Describe(stdout, stderr));
        Assert.Contains($"compared with {third.RunId}: 0 regressions", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = await CliProcess.RunAsync("runs", "list", "--store", connection);
        Assert.True(code == 0, CliProcess.Describe(stdout, stderr));
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("completed", StringComparison.Ordinal)));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<IReadOnlyList<RunStartRecord>> WaitForRunsAsync(IBlobStore store, int count, ServeProcess serve) =>
        WaitForAsync(async () => await RunStarts.ListAsync(store) is { } runs && runs.Count >= count ? runs : null, serve);

    private static Task<RunRecord> WaitForCompletionAsync(IBlobStore store, string runId, ServeProcess serve) =>
        WaitForAsync(async () => await store.ExistsAsync(Containers.Runs, $"{runId}/run.json") ? await store.GetJsonAsync<RunRecord>(Containers.Runs, $"{runId}/run.json", MemoizedArtifacts.Json) : null, serve);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, ServeProcess serve)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddMinutes(4); // generous: CI runs several test projects at once on 2 cores
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out\n{serve.Output}");
            await Task.Delay(250);
        }
    }
}
