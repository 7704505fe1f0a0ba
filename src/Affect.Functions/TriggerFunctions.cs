using System.Net;
using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Affect.Functions;

/// <summary>The ways a run starts on Azure: a corpus upload, an HTTP request, the nightly timer.</summary>
public sealed class TriggerFunctions(IBlobStore store, ILogger<TriggerFunctions> logger)
{
    /// <summary>
    /// Uploading <c>corpora/{corpus}/manifest.json</c> (last, after audio and labels) starts the experiments that read that
    /// corpus (<see cref="Experiments.OnUploadAsync"/>, the code <c>affect serve</c>'s watcher calls), once per corpus version. The
    /// trigger is fed by Event Grid (BlobCreated, the only blob trigger source Flex Consumption supports; wired in bicep/main.bicep).
    /// </summary>
    [Function("CorpusUploaded")]
    public async Task CorpusUploaded(
        [BlobTrigger("corpora/{corpus}/manifest.json", Source = BlobTriggerSource.EventGrid, Connection = "AffectStorage")] byte[] manifest,
        string corpus,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var start in await Experiments.OnUploadAsync(client, store, corpus, cancellationToken: cancellationToken))
        {
            logger.LogInformation("Corpus {Corpus} uploaded ({Bytes} bytes of manifest): run {RunId} ({Started})", corpus, manifest.Length, start.RunId, start.Started ? "started" : "exists");
        }
    }

    /// <summary><c>POST /api/runs</c> with an optional JSON body <c>{"corpora": [...], "seed": 1}</c>; answers 202 with the check-status links.</summary>
    [Function("StartRun")]
    public async Task<HttpResponseData> StartRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string body = await new StreamReader(request.Body).ReadToEndAsync(cancellationToken);
        ExperimentSpec spec;
        try
        {
            spec = RunRequests.ParseStartBody(body, await RunRequests.ListCorporaAsync(store, cancellationToken));
        }
        catch (FormatException e)
        {
            var bad = request.CreateResponse(HttpStatusCode.BadRequest);
            await bad.WriteAsJsonAsync(new { error = e.Message }, cancellationToken);
            return bad;
        }

        var start = await RunStarter.StartAsync(client, store, spec, Experiments.AdHocName, RunTriggers.Http, cancellationToken);
        var response = await client.CreateCheckStatusResponseAsync(request, start.RunId, cancellationToken);
        if (!start.Started)
        {
            response.StatusCode = HttpStatusCode.OK; // the run exists: the same links, no new run
        }

        return response;
    }

    /// <summary><c>GET /api/runs/{id}</c>: the run's status, progress and output.</summary>
    [Function("GetRun")]
    public async Task<HttpResponseData> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}")] HttpRequestData request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        var response = request.CreateResponse(state is null ? HttpStatusCode.NotFound : HttpStatusCode.OK);
        await response.WriteAsJsonAsync(RunStarter.Describe(id, state), cancellationToken);
        return response;
    }

    /// <summary>
    /// Nightly re-evaluation of every registered experiment (<see cref="Experiments.OnNightAsync"/>, as in <c>affect serve</c>;
    /// schedule from the app setting <c>NightlySchedule</c>, a CRON expression), and the comparisons of finished nightly runs.
    /// </summary>
    [Function("NightlyRun")]
    public async Task NightlyRun(
        [TimerTrigger("%NightlySchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var now = DateTimeOffset.UtcNow; // the tick's minute names the night's runs (the timer is a singleton; ids dedupe anyway)
        var starts = await Experiments.OnNightAsync(client, store, new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero), cancellationToken: cancellationToken);
        logger.LogInformation("Nightly tick: {Runs}", starts.Count == 0 ? "no experiment to run" : string.Join(", ", starts.Select(s => s.RunId)));
        await RunComparisons.WritePendingAsync(store, cancellationToken: cancellationToken);
    }
}
