using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Hosting;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

[Collection("Azurite")]
public sealed class LocalServiceTests(AzuriteFixture azurite)
{
    private static async Task<JsonElement> WaitForStatusAsync(HttpClient http, Uri status, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6); // generous: CI runs several test projects at once on 2 cores
        while (true)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(status);
            if (done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run did not reach the expected state: {body}");
            Assert.NotEqual("Failed", body.GetProperty("status").GetString());
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Http_api_starts_a_run_that_survives_a_service_restart_and_completes()
    {
        var store = new AzureBlobStore(azurite.ConnectionString);
        await TestCorpora.UploadAsync(store, seed: 11);
        string hub = "serve" + Guid.NewGuid().ToString("N")[..8];
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, azurite.ConnectionString, hub, "serve-test");
        using var http = new HttpClient();

        Uri status;
        var firstLog = new ActivityLog();
        await using (var service = await LocalService.StartAsync(store, engine, 0, firstLog))
        {
            var bad = await http.PostAsync(new Uri(service.Address, "api/runs"), new StringContent("""{"seed":"x"}"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("seed", await bad.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(service.Address, "api/runs/nothing"))).StatusCode);

            var started = await http.PostAsync(new Uri(service.Address, "api/runs"), new StringContent("""{"corpora":["usoms","recola"],"seed":2,"batchSize":1,"boawSize":16,"learners":["kelm"]}"""));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var accepted = await started.Content.ReadFromJsonAsync<JsonElement>();
            status = new Uri(service.Address, accepted.GetProperty("statusQueryGetUri").GetString());

            // Stop the service once the run is under way.
            await WaitForStatusAsync(http, status, b => b.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("stage").GetString() == "audio-summary" && p.GetProperty("done").GetInt32() >= 1);
        }

        Assert.Contains(firstLog.Entries, e => e.Stage == "ingest");
        var secondLog = new ActivityLog();
        await using (var service = await LocalService.StartAsync(store, engine, 0, secondLog))
        {
            var resumedStatus = new Uri(service.Address, status.AbsolutePath);
            var final = await WaitForStatusAsync(http, resumedStatus, b => b.GetProperty("status").GetString() == "Completed");
            string results = final.GetProperty("output").GetProperty("results").GetString()!;
            Assert.NotNull(await store.GetInfoAsync(Containers.Artifacts, results));
        }

        // The resumed orchestration replayed its history: ingest never ran again.
        Assert.DoesNotContain(secondLog.Entries, e => e.Stage == "ingest");
        Assert.Contains(secondLog.Entries, e => e.Stage == "report");
    }
}
