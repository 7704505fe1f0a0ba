using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Affect.Corpora.Synthetic;
using Affect.Storage;
using Affect.Storage.Tests;
using Xunit.Abstractions;

namespace Affect.Cli.Tests;

/// <summary>
/// <c>affect serve</c> run as a real process over a real Azurite: SIGTERM stops it gracefully within seconds, idle
/// and with a run in progress, and the run carries on after a restart.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeCommandTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string TestKey = "serve-command-tests-key-0123456789";

    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_stops_an_idle_service_within_seconds_with_exit_code_0()
    {
        await using var serve = await ServeProcess.StartAsync(azurite.ConnectionString, "idle" + Guid.NewGuid().ToString("N")[..8], TestKey);
        var (exitCode, elapsed) = await serve.TerminateAsync();
        output.WriteLine($"idle: stopped {elapsed.TotalSeconds:F2} s after SIGTERM");
        Assert.True(exitCode == 0, $"exit {exitCode}\n{serve.Output}");
        Assert.True(elapsed < StopLimit, $"took {elapsed.TotalSeconds:F1} s to stop\n{serve.Output}");
        Assert.Contains("affect serve: stopped", serve.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_stops_a_service_with_a_run_in_progress_within_seconds_and_the_run_resumes_after_restart()
    {
        var store = new AzureBlobStore(azurite.ConnectionString);
        var spec = SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 21) with { Speakers = 9, UtterancesPerSpeaker = 6, MinUtteranceSeconds = 3, MaxUtteranceSeconds = 6 };
        await DemoCommand.UploadAsync(store, "usoms", SyntheticCorpusGenerator.Generate(spec), CancellationToken.None);
        string hub = "run" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("x-functions-key", TestKey);

        Uri statusPath;
        int doneBefore;
        await using (var serve = await ServeProcess.StartAsync(azurite.ConnectionString, hub, TestKey))
        {
            var started = await http.PostAsync(new Uri(serve.Address, "api/runs"), new StringContent("""{"corpora":["usoms"],"seed":21,"features":{"batchSize":1},"boaw":{"size":16},"learners":{"names":["kelm"]}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            statusPath = new Uri((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusQueryGetUri").GetString()!, UriKind.Relative);
            var underWay = await WaitForAsync(http, new Uri(serve.Address, statusPath), b => Progress(b) is ("audio-summary", >= 1) or ("lld" or "functionals" or "boaw", _));
            doneBefore = Completed(underWay);

            var (exitCode, elapsed) = await serve.TerminateAsync();
            output.WriteLine($"during a run ({Progress(underWay)}): stopped {elapsed.TotalSeconds:F2} s after SIGTERM");
            Assert.True(exitCode == 0, $"exit {exitCode}\n{serve.Output}");
            Assert.True(elapsed < StopLimit, $"took {elapsed.TotalSeconds:F1} s to stop during a run\n{serve.Output}");
        }

        // Restarted on the same task hub, the run is picked up again and moves on (the full resume, to completion,
        // is LocalServiceTests' restart test).
        await using (var again = await ServeProcess.StartAsync(azurite.ConnectionString, hub, TestKey))
        {
            var moved = await WaitForAsync(http, new Uri(again.Address, statusPath), b => b.GetProperty("status").GetString() == "Completed" || Completed(b) > doneBefore);
            Assert.NotEqual("Failed", moved.GetProperty("status").GetString());
            var (exitCode, _) = await again.TerminateAsync();
            Assert.Equal(0, exitCode);
        }
    }

    private static (string? Stage, int Done) Progress(JsonElement body) =>
        body.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p ? (p.GetProperty("stage").GetString(), p.GetProperty("done").GetInt32()) : (null, 0);

    // A monotone measure of a run's progress: stages in pipeline order, then files done in the stage.
    private static int Completed(JsonElement body)
    {
        string[] stages = ["ingest", "audio-summary", "lld", "functionals", "boaw", "classify", "lstm", "report"];
        var (stage, done) = Progress(body);
        return stage is null ? 0 : ((Array.IndexOf(stages, stage) + 1) * 100_000) + done;
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient http, Uri status, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4); // generous: CI runs several test projects at once on 2 cores
        while (true)
        {
            var response = await http.GetAsync(status);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {status}: {(int)response.StatusCode} {text}");
            var body = JsonDocument.Parse(text).RootElement.Clone();
            Assert.NotEqual("Failed", body.GetProperty("status").GetString());
            if (done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run did not reach the expected state: {body}");
            await Task.Delay(100);
        }
    }
}
