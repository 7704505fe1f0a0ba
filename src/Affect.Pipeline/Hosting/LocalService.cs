using System.Net;
using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
using Affect.Pipeline.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Affect.Pipeline.Hosting;

/// <summary>
/// <c>affect serve</c>: a Durable Task engine (normally Azure Storage over Azurite, so runs survive restarts) with an HTTP
/// API on loopback: <c>POST /api/runs</c> starts a run (202; 400 for a malformed body, 422 for a corpus not in the store),
/// <c>GET /api/runs/{id}</c> reports its status and progress. Errors answer JSON <c>{"error": ...}</c>; every 5xx is
/// also logged. The service does not react to signals itself: its owner stops it by disposing it.
/// </summary>
public sealed class LocalService : IAsyncDisposable
{
    private readonly DurableEngineHost engine;
    private readonly WebApplication api;

    private LocalService(DurableEngineHost engine, WebApplication api, Uri address)
    {
        this.engine = engine;
        this.api = api;
        Address = address;
    }

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
    public static async Task<LocalService> StartAsync(IBlobStore store, DurableEngineOptions engineOptions, int port, ActivityLog? log = null, CancellationToken cancellationToken = default, TextWriter? errors = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        errors ??= Console.Error;
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
            app.MapPost("/api/runs", (HttpRequest request, CancellationToken ct) => StartRunAsync(request, store, client, ct));
            app.MapGet("/api/runs/{id}", (string id, CancellationToken ct) => GetRunAsync(id, client, ct));
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }

        var address = new Uri(app.Urls.First());
        return new LocalService(engine, app, address);
    }

    // POST /api/runs: 400 for a malformed body, 422 for a corpus that is not in the store, else 202 with the run's status URI.
    private static async Task<IResult> StartRunAsync(HttpRequest request, IBlobStore store, DurableTaskClient client, CancellationToken ct)
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

        string id = RunRequests.RunIdFor(spec);
        var existing = await client.GetInstanceAsync(id, ct);
        if (existing is not { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running })
        {
            if (existing is not null)
            {
                await client.PurgeInstanceAsync(id, cancellation: ct);
            }

            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Experiment, spec, new StartOrchestrationOptions(id), ct);
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
        await api.StopAsync();
        await api.DisposeAsync();
        await engine.DisposeAsync();
    }
}
