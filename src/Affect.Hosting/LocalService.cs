using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Affect.Hosting;

/// <summary>What <c>affect serve</c> does besides answering HTTP: the API key, the upload watcher, the nightly schedule.</summary>
/// <param name="ApiKey">The key every request must carry in <c>x-functions-key</c>; null accepts every request (in-process embedding only).</param>
/// <param name="PollInterval">How often <c>corpora/*/manifest.json</c> is polled for uploads; null: no upload trigger.</param>
/// <param name="Nightly">The nightly CRON expression (UTC); null: no schedule.</param>
/// <param name="Clock">The clock of the schedule and of start records (injectable for tests).</param>
/// <param name="RegressionThreshold">A metric drop larger than this is listed as a regression in nightly comparisons.</param>
public sealed record ServeOptions(string? ApiKey = null, TimeSpan? PollInterval = null, string? Nightly = null, TimeProvider? Clock = null, double RegressionThreshold = RunComparisons.DefaultThreshold);

/// <summary>
/// <c>affect serve</c>: a Durable Task engine (normally Azure Storage over Azurite, so runs survive restarts) with an HTTP
/// API on loopback: <c>POST /api/runs</c> starts a run (202, or 200 when that run exists; 400 for a malformed body, 422
/// for a corpus not in the store), <c>GET /api/runs/{id}</c> reports its status and progress, <c>GET /api/runs?experiment=NAME</c>
/// lists runs. Every request needs the API key (<c>x-functions-key</c>, 401 otherwise) and a body must be JSON (415).
/// Besides HTTP, it starts runs when corpora are uploaded and on the nightly schedule (<see cref="ServeOptions"/>).
/// Errors answer JSON <c>{"error": ...}</c>; every 5xx is also logged. Its owner stops it by disposing it.
/// </summary>
public sealed class LocalService : IAsyncDisposable
{
    private readonly DurableEngineHost engine;
    private readonly WebApplication api;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> background = [];

    private LocalService(DurableEngineHost engine, WebApplication api, Uri address)
    {
        this.engine = engine;
        this.api = api;
        Address = address;
    }

    /// <summary>The upload watcher (null when not polling).</summary>
    public CorpusWatcher? Watcher { get; private set; }

    /// <summary>The API's base address.</summary>
    public Uri Address { get; }

    /// <summary>The Durable Task client of the engine (for tests and tools).</summary>
    public DurableTaskClient Client => engine.Client;

    /// <summary>Starts the engine and the HTTP API on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    /// <param name="store">The artifact store (corpora are looked up there).</param>
    /// <param name="engineOptions">The Durable Task engine.</param>
    /// <param name="port">The API's loopback port; 0 picks a free one (see <see cref="Address"/>).</param>
    /// <param name="log">Receives every activity completion.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <param name="errors">Where server errors (every 5xx answer, with its cause) are logged, one line each; standard error by default.</param>
    /// <param name="options">API key, upload watcher and nightly schedule; none by default.</param>
    public static async Task<LocalService> StartAsync(IBlobStore store, DurableEngineOptions engineOptions, int port, ActivityLog? log = null, CancellationToken cancellationToken = default, TextWriter? errors = null, ServeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        errors ??= Console.Error;
        options ??= new ServeOptions();
        var clock = options.Clock ?? TimeProvider.System;
        var cron = options.Nightly is { } expression ? NightlySchedule.Parse(expression) : null;
        var queue = engineOptions.StorageConnection is { } connection ? TrainingQueues.Open(connection, TrainingQueueNames.Jobs) : null;
        var engine = await DurableEngineHost.StartAsync(engineOptions, store, log ?? new ActivityLog(), cancellationToken: cancellationToken, trainingQueue: queue);
        WebApplication app;
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            app = builder.Build();
            var client = engine.Client;
            app.Use((context, next) => AnswerErrorsAsync(context, next, errors));
            app.Use((context, next) => GuardAsync(context, next, options.ApiKey));
            app.MapPost("/api/runs", (HttpRequest request, CancellationToken ct) => StartRunAsync(request, store, client, clock, ct));
            app.MapGet("/api/runs", (string? experiment, CancellationToken ct) => ListRunsAsync(experiment, store, client, ct));
            app.MapGet("/api/runs/{id}", (string id, CancellationToken ct) => GetRunAsync(id, client, ct));
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }

        var address = new Uri(app.Urls.First());
        var service = new LocalService(engine, app, address);
        var token = service.stopping.Token;
        if (options.PollInterval is { } interval)
        {
            service.Watcher = new CorpusWatcher(store, engine.Client, clock, errors);
            var watcher = service.Watcher;
            service.background.Add(Task.Run(() => watcher.RunAsync(interval, token), CancellationToken.None));
        }

        if (cron is not null)
        {
            var schedule = new NightlySchedule(store, engine.Client, cron, clock, errors);
            service.background.Add(Task.Run(() => schedule.RunAsync(token), CancellationToken.None));
            service.background.Add(Task.Run(() => CompareNightlyRunsAsync(store, options.RegressionThreshold, options.PollInterval ?? TimeSpan.FromSeconds(10), errors, token), CancellationToken.None));
        }

        return service;
    }

    // Writes each finished nightly run's comparison (polled: a restart catches up on runs that finished meanwhile).
    private static async Task CompareNightlyRunsAsync(IBlobStore store, double threshold, TimeSpan interval, TextWriter errors, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var c in await RunComparisons.WritePendingAsync(store, threshold, ct))
                {
                    Log(errors, $"affect serve: run {c.RunId}: comparison with {c.PreviousRunId} written ({c.Regressions.Count} regressions)");
                }

                await Task.Delay(interval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log(errors, $"affect serve: nightly comparison: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                try
                {
                    await Task.Delay(interval, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Every route needs the key (x-functions-key, as on Azure Functions; compared in constant time), and a request with
    // a body must be JSON, so a cross-site form post cannot start a run.
    private static async Task GuardAsync(HttpContext context, RequestDelegate next, string? apiKey)
    {
        if (apiKey is not null)
        {
            string given = context.Request.Headers["x-functions-key"].ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { error = "missing or wrong API key: send it in the x-functions-key header" });
                return;
            }
        }

        bool hasBody = context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if ((hasBody || HttpMethods.IsPost(context.Request.Method)) && context.Request.ContentType is { } type
            && !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsJsonAsync(new { error = $"content type '{type}' is not accepted: send application/json" });
            return;
        }

        if (hasBody && context.Request.ContentType is null)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsJsonAsync(new { error = "a request body needs Content-Type: application/json" });
            return;
        }

        await next(context);
    }

    // GET /api/runs?experiment=NAME: every started run (of that experiment), oldest first, with its status.
    private static async Task<IResult> ListRunsAsync(string? experiment, IBlobStore store, DurableTaskClient client, CancellationToken ct)
    {
        var runs = new List<object>();
        foreach (var r in await RunStarts.ListAsync(store, ct))
        {
            if (experiment is not null && r.Experiment != experiment)
            {
                continue;
            }

            var state = await client.GetInstanceAsync(r.RunId, ct);
            runs.Add(new
            {
                id = r.RunId,
                experiment = r.Experiment,
                trigger = r.Trigger,
                startedAt = r.StartedAt,
                status = state?.RuntimeStatus.ToString() ?? "NotFound",
                corpusVersions = r.CorpusVersions,
                codeVersion = r.CodeVersion,
                comparison = await store.ExistsAsync(Containers.Runs, $"{r.RunId}/{RunComparison.FileName}", ct) ? $"{Containers.Runs}/{r.RunId}/{RunComparison.FileName}" : null,
            });
        }

        return Results.Ok(new { runs });
    }

    // POST /api/runs: 400 for a malformed body, 422 for a corpus that is not in the store, else 202 with the run's status URI.
    private static async Task<IResult> StartRunAsync(HttpRequest request, IBlobStore store, DurableTaskClient client, TimeProvider clock, CancellationToken ct)
    {
        string body = await new StreamReader(request.Body).ReadToEndAsync(ct);
        var available = await RunRequests.ListCorporaAsync(store, ct);
        ExperimentSpec spec;
        try
        {
            spec = RunRequests.ParseStartBody(body, available);
        }
        catch (FormatException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }

        var missing = spec.Corpora.Where(c => !available.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            string have = available.Count == 0 ? "the store holds no corpus" : "the store holds " + string.Join(", ", available);
            return Results.UnprocessableEntity(new
            {
                error = $"request body: corpora: '{string.Join("', '", missing)}' not in the store: no {Containers.Corpora}/{missing[0]}/manifest.json ({have})",
                missing,
                available,
            });
        }

        var start = await RunStarts.StartAsync(client, store, spec, Experiments.AdHocName, RunTriggers.Http, clock, ct);
        string id = start.RunId;
        if (!start.Started)
        {
            return Results.Ok(new { id, statusQueryGetUri = $"/api/runs/{id}", existing = true });
        }

        return Results.Accepted($"/api/runs/{id}", new { id, statusQueryGetUri = $"/api/runs/{id}" });
    }

    // GET /api/runs/{id}: the run's status, progress, output once completed and failure once failed.
    private static async Task<IResult> GetRunAsync(string id, DurableTaskClient client, CancellationToken ct)
    {
        var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (state is null)
        {
            return Results.NotFound(new { id, status = "NotFound", error = $"no run '{id}'" });
        }

        // A failed orchestration's output is not an ExperimentOutcome: read it only once the run completed.
        return Results.Ok(new
        {
            id,
            status = state.RuntimeStatus.ToString(),
            progress = state.SerializedCustomStatus is { } s ? JsonSerializer.Deserialize<RunProgress>(s, JsonSerializerOptions.Web) : null,
            output = state.RuntimeStatus == OrchestrationRuntimeStatus.Completed && state.SerializedOutput is { } o ? JsonSerializer.Deserialize<ExperimentOutcome>(o, JsonSerializerOptions.Web) : null,
            failure = PipelineRunner.FailureOf(state),
        });
    }

    // Every server error answers JSON {"error": ...} and is logged with its request, so a 5xx never comes back empty and unexplained.
    private static async Task AnswerErrorsAsync(HttpContext context, RequestDelegate next, TextWriter errors)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !(e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            string message = $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
            Log(errors, $"affect serve: {context.Request.Method} {context.Request.Path}: 500: {message}");
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new { error = message });
            return;
        }

        if (context.Response.StatusCode >= 500)
        {
            Log(errors, $"affect serve: {context.Request.Method} {context.Request.Path}: {context.Response.StatusCode}");
        }
    }

    private static void Log(TextWriter errors, string line)
    {
        lock (errors)
        {
            errors.WriteLine(line);
            errors.Flush();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(background);
        stopping.Dispose();
        await api.StopAsync();
        await api.DisposeAsync();
        await engine.DisposeAsync();
    }
}
