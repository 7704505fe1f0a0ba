using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Storage;
using Affect.Storage.Tests;

namespace Affect.Hosting.Tests;

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
            var bad = await http.PostAsync(new Uri(service.Address, "api/runs"), new StringContent("""{"seed":"x"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("seed", await bad.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(service.Address, "api/runs/nothing"))).StatusCode);

            var started = await http.PostAsync(new Uri(service.Address, "api/runs"), new StringContent("""{"corpora":["usoms","recola"],"seed":2,"features":{"batchSize":1},"boaw":{"size":16},"learners":{"names":["kelm"]}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var accepted = await started.Content.ReadFromJsonAsync<JsonElement>();
            status = new Uri(service.Address, accepted.GetProperty("statusQueryGetUri").GetString());

            // Stop the service once the run is under way.
            await WaitForStatusAsync(http, status, b => b.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("stage").GetString() == "audio-summary" && p.GetProperty("done").GetInt32() >= 1);
        }

        Assert.Contains(firstLog.Entries, e => e.Stage == "ingest");

        // The stopped service's engine no longer holds the task hub: its partition lease is not renewed any more (a host
        // that kept listening would take the resumed run's control-queue messages and never process them).
        var partitions = new Azure.Data.Tables.TableClient(azurite.ConnectionString, hub + "Partitions");
        var leaseBefore = await partitions.GetEntityAsync<Azure.Data.Tables.TableEntity>(string.Empty, hub + "-control-00");
        await Task.Delay(TimeSpan.FromSeconds(12)); // longer than the engine's 10-s lease renewal interval
        var leaseAfter = await partitions.GetEntityAsync<Azure.Data.Tables.TableEntity>(string.Empty, hub + "-control-00");
        Assert.Equal(leaseBefore.Value.ETag, leaseAfter.Value.ETag);

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

    [Fact]
    public async Task Bad_requests_get_a_4xx_with_a_json_message_and_a_failed_run_reads_as_failed_not_500()
    {
        var store = new AzureBlobStore(azurite.ConnectionString);
        await TestCorpora.UploadAsync(store, "usoms", Affect.Corpora.Synthetic.SyntheticCorpusGenerator.Generate(Affect.Corpora.Synthetic.SyntheticCorpusSpec.Default(Affect.Corpora.Synthetic.SyntheticCorpusKind.Usoms, 5)));
        string broken = "broken" + Guid.NewGuid().ToString("N")[..6];
        await store.PutBytesAsync(Containers.Corpora, $"{broken}/manifest.json", "{}"u8.ToArray());
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, azurite.ConnectionString, "errors" + Guid.NewGuid().ToString("N")[..8], "errors-test");
        var errors = new StringWriter();
        using var http = new HttpClient();
        await using var service = await LocalService.StartAsync(store, engine, 0, errors: errors);
        var runs = new Uri(service.Address, "api/runs");

        // A corpus not in the store: refused at once, naming it and the manifest it lacks.
        var unknown = await http.PostAsync(runs, new StringContent("""{"corpora":["nosuch","usoms"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        string message = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains("'nosuch'", message, StringComparison.Ordinal);
        Assert.Contains("corpora/nosuch/manifest.json", message, StringComparison.Ordinal);
        Assert.DoesNotContain("'usoms'", message, StringComparison.Ordinal);

        // Malformed bodies: 400 with a message naming what is wrong.
        foreach (var (body, names) in new[] { ("{", "spec"), ("""{"corpora":"usoms"}""", "corpora"), ("""{"seed":-1}""", "seed"), ("""{"corpus":["usoms"]}""", "corpus"), ("""{"corpora":["../x"]}""", "corpora"), ("[1]", "spec") })
        {
            var bad = await http.PostAsync(runs, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)bad.StatusCode}");
            string error = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
            Assert.Contains(names, error, StringComparison.Ordinal);
        }

        // A corpus whose manifest is broken fails inside the run: every GET answers 200 with the failure, never an empty 500.
        var started = await http.PostAsync(runs, new StringContent($$$"""{"corpora":["{{{broken}}}"],"learners":{"names":["kelm"]}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = new Uri(service.Address, (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusQueryGetUri").GetString());
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement state;
        while (true)
        {
            var response = await http.GetAsync(status);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {status}: {(int)response.StatusCode} '{text}'");
            state = JsonDocument.Parse(text).RootElement.Clone();
            if (state.GetProperty("status").GetString() == "Failed")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the run over a broken corpus never failed: {text}");
            await Task.Delay(100);
        }

        Assert.Contains("manifest.json", state.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("output").ValueKind);
        Assert.Equal(string.Empty, errors.ToString()); // no server error so far
    }

    [Fact]
    public async Task A_server_error_answers_500_with_a_json_message_and_is_logged()
    {
        // The artifact store lives on a second Azurite that goes away: listing the corpora fails for real.
        var storeAzurite = await AzuriteFixture.StartAsync();
        var store = new AzureBlobStore(storeAzurite.ConnectionString, new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, azurite.ConnectionString, "fault" + Guid.NewGuid().ToString("N")[..8], "fault-test");
        var errors = new StringWriter();
        using var http = new HttpClient();
        await using var service = await LocalService.StartAsync(store, engine, 0, errors: errors);
        storeAzurite.Dispose();

        var response = await http.PostAsync(new Uri(service.Address, "api/runs"), new StringContent("""{"corpora":["usoms"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(error));
        string log = errors.ToString();
        Assert.Contains("POST /api/runs: 500: ", log, StringComparison.Ordinal);
        Assert.Contains(error, log, StringComparison.Ordinal);
    }
}
