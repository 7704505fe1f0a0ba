using System.Net;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Affect.Functions;

/// <summary>The ways a run starts on Azure: a corpus upload, an HTTP request, the nightly timer.</summary>
public sealed class TriggerFunctions(IBlobStore store, ILogger<TriggerFunctions> logger)
{
    /// <summary>
    /// Uploading <c>corpora/{corpus}/manifest.json</c> (last, after audio and labels) starts a run over that corpus. The
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
        string id = await RunStarter.StartAsync(client, new ExperimentSpec([corpus]), "upload", cancellationToken);
        logger.LogInformation("Corpus {Corpus} uploaded ({Bytes} bytes of manifest): run {RunId}", corpus, manifest.Length, id);
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

        string id = await RunStarter.StartAsync(client, spec, "run", cancellationToken);
        return await client.CreateCheckStatusResponseAsync(request, id, cancellationToken);
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

    /// <summary>Nightly re-evaluation of every uploaded corpus (schedule from the app setting <c>NightlySchedule</c>, a CRON expression).</summary>
    [Function("NightlyRun")]
    public async Task NightlyRun(
        [TimerTrigger("%NightlySchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var corpora = await RunRequests.ListCorporaAsync(store, cancellationToken);
        if (corpora.Count == 0)
        {
            logger.LogInformation("Nightly run skipped: no corpus uploaded");
            return;
        }

        string id = await RunStarter.StartAsync(client, new ExperimentSpec(corpora), "nightly-" + DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        logger.LogInformation("Nightly run {RunId} over {Count} corpora", id, corpora.Count);
    }
}
