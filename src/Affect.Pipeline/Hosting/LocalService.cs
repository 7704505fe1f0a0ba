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
using Microsoft.Extensions.Logging;

namespace Affect.Pipeline.Hosting;

/// <summary>
/// <c>affect serve</c>: a Durable Task engine (normally Azure Storage over Azurite, so runs survive restarts) with an HTTP
/// API on loopback: <c>POST /api/runs</c> starts a run, <c>GET /api/runs/{id}</c> reports its status and progress.
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
    public static async Task<LocalService> StartAsync(IBlobStore store, DurableEngineOptions engineOptions, int port, ActivityLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var queue = engineOptions.StorageConnection is { } connection ? TrainingQueues.Open(connection, TrainingQueueNames.Jobs) : null;
        var engine = await DurableEngineHost.StartAsync(engineOptions, store, log ?? new ActivityLog(), cancellationToken: cancellationToken, trainingQueue: queue);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var client = engine.Client;

        app.MapPost("/api/runs", async (HttpRequest request, CancellationToken ct) =>
        {
            string body = await new StreamReader(request.Body).ReadToEndAsync(ct);
            ExperimentSpec spec;
            try
            {
                spec = RunRequests.ParseStartBody(body, await RunRequests.ListCorporaAsync(store, ct));
            }
            catch (FormatException e)
            {
                return Results.BadRequest(new { error = e.Message });
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
        });

        app.MapGet("/api/runs/{id}", async (string id, CancellationToken ct) =>
        {
            var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            if (state is null)
            {
                return Results.NotFound(new { id, status = "NotFound" });
            }

            return Results.Ok(new
            {
                id,
                status = state.RuntimeStatus.ToString(),
                progress = state.SerializedCustomStatus is { } s ? JsonSerializer.Deserialize<RunProgress>(s, JsonSerializerOptions.Web) : null,
                output = state.SerializedOutput is { } o ? JsonSerializer.Deserialize<ExperimentOutcome>(o, JsonSerializerOptions.Web) : null,
                failure = state.FailureDetails?.ErrorMessage,
            });
        });

        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.First());
        return new LocalService(engine, app, address);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await api.StopAsync();
        await api.DisposeAsync();
        await engine.DisposeAsync();
    }
}
