using System.Net;
using System.Net.Sockets;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Affect.Hosting;

/// <summary>Which real Durable Task engine a local host runs on.</summary>
public enum DurableEngine
{
    /// <summary>In-memory history (Microsoft.DurableTask.InProcessTestHost's orchestration service): the embedded default.</summary>
    InMemory,

    /// <summary>Microsoft.Azure.DurableTask.AzureStorage, the engine of Durable Functions: history, queues and leases in Azure Storage or Azurite.</summary>
    AzureStorage,
}

/// <summary>Settings of a local Durable Task host.</summary>
/// <param name="Engine">The orchestration service to run on.</param>
/// <param name="StorageConnection">Azure Storage connection string (AzureStorage engine only).</param>
/// <param name="TaskHub">Task hub name (AzureStorage engine only): letters and digits, 3–45 characters.</param>
/// <param name="WorkerId">Stable worker id, so a restarted host reclaims its own leases at once.</param>
public sealed record DurableEngineOptions(DurableEngine Engine, string? StorageConnection = null, string TaskHub = "affect", string WorkerId = "affect-local")
{
    /// <summary>The embedded default: in-memory engine.</summary>
    public static DurableEngineOptions InMemory { get; } = new(DurableEngine.InMemory);
}

/// <summary>
/// Runs the pipeline's orchestration and activities on a real Durable Task engine inside this process: the Durable Task
/// gRPC sidecar (<see cref="TaskHubGrpcServer"/>) over an orchestration service, plus a Durable Task worker and client
/// connected to it over loopback gRPC. Runs start under <see cref="ExperimentOrchestration.Version"/>; the host relays the
/// training worker's <c>lstm-completions</c> (beside its training queue) as external events to the waiting runs.
/// </summary>
public sealed class DurableEngineHost : IAsyncDisposable
{
    private readonly IHost sidecar;
    private readonly IHost worker;
    private readonly GrpcChannel channel;
    private readonly IOrchestrationService service;

    private readonly CancellationTokenSource stopRelay = new();
    private readonly Task relay;

    private DurableEngineHost(IHost sidecar, IHost worker, GrpcChannel channel, IOrchestrationService service, ITrainingQueue? completions)
    {
        this.service = service;
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
        relay = completions is null
            ? Task.CompletedTask
            : Task.Run(() => LstmCompletionRelay.RunAsync(completions, Client, TimeSpan.FromMilliseconds(200), null, stopRelay.Token));
    }

    /// <summary>The client that schedules and queries orchestrations.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>Starts the engine, the sidecar and the worker with the pipeline's tasks registered.</summary>
    /// <param name="options">Which engine and its settings.</param>
    /// <param name="store">The artifact store activities read and write.</param>
    /// <param name="log">Receives every activity completion.</param>
    /// <param name="loggerFactory">Logging of the engine; null keeps it quiet (warnings and errors only to stderr).</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <param name="trainingQueue">The <c>lstm-training</c> queue (default: the folder queue beside a folder store).</param>
    public static async Task<DurableEngineHost> StartAsync(
        DurableEngineOptions options,
        IBlobStore store,
        ActivityLog log,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default,
        ITrainingQueue? trainingQueue = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // AFFECT_ENGINE_LOG=FILE: the engine's whole log, for a run that stalls.
        if (loggerFactory is null && Environment.GetEnvironmentVariable("AFFECT_ENGINE_LOG") is { Length: > 0 } logPath)
        {
            loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new EngineLogFile(logPath)));
        }

        loggerFactory ??= LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("DurableTask", LogLevel.Error).AddFilter("Microsoft.DurableTask", LogLevel.Error).AddFilter("Microsoft.AspNetCore", LogLevel.Error)
            .AddFilter("Grpc", LogLevel.Error).AddFilter("Microsoft.Hosting", LogLevel.Error).AddFilter("Dapr", LogLevel.Error));

        IOrchestrationService service;
        IOrchestrationServiceClient serviceClient;
        if (options.Engine == DurableEngine.InMemory)
        {
            var memory = new InMemoryOrchestrationService(loggerFactory);
            (service, serviceClient) = (memory, memory);
        }
        else
        {
            var azure = new AzureStorageOrchestrationService(AzureSettings(options, loggerFactory));
            await azure.CreateIfNotExistsAsync();
            (service, serviceClient) = (new StartGuardedOrchestrationService(azure), azure);
        }

        int port = FreeLoopbackPort();
        string address = $"http://127.0.0.1:{port}";
        var sidecar = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders().Services.AddSingleton(loggerFactory))
            .ConfigureWebHost(web =>
            {
                web.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
                web.ConfigureServices(s =>
                {
                    s.AddGrpc();
                    s.AddSingleton(service);
                    s.AddSingleton(serviceClient);
                    s.AddSingleton<TaskHubGrpcServer>();
                });
                web.Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>());
                });
            })
            .ConfigureServices(s => s.AddSingleton<IHostLifetime, EmbeddedHostLifetime>())
            .UseDefaultServiceProvider(o => o.ValidateScopes = false)
            .ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5))
            .Build();
        await sidecar.StartAsync(cancellationToken);

        var channel = GrpcChannel.ForAddress(address);
        var worker = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders().Services.AddSingleton(loggerFactory))
            .ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5))
            .ConfigureServices(services =>
            {
                services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
                services.AddPipelineActivities(store, log, trainingQueue);
                services.AddDurableTaskWorker(b =>
                {
                    b.UseGrpc(channel);
                    b.AddTasks(PipelineTasks.Register);
                });
                services.AddDurableTaskClient(b =>
                {
                    b.UseGrpc(channel);
                    b.UseDefaultVersion(ExperimentOrchestration.Version);
                    b.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync(cancellationToken);

        // The training worker's completions (a model or an error written) become the external events the orchestration waits on.
        var jobs = trainingQueue ?? PipelineTasks.DefaultTrainingQueue(store);
        return new DurableEngineHost(sidecar, worker, channel, service, jobs is MissingTrainingQueue ? null : TrainingWorker.CompletionsBeside(jobs));
    }

    /// <summary>Settings of the Azure Storage engine for a local service: short visibility timeouts and a stable worker id.</summary>
    public static AzureStorageOrchestrationServiceSettings AzureSettings(DurableEngineOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.StorageConnection))
        {
            throw new ArgumentException("The AzureStorage engine needs a storage connection string (e.g. UseDevelopmentStorage=true for Azurite).", nameof(options));
        }

        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnection),
            TaskHubName = options.TaskHub,
            WorkerId = options.WorkerId,
            PartitionCount = 1,
            // The default 5-minute visibility timeouts would stall a resumed local run; the sidecar renews work items it holds.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(20),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(20),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
            LoggerFactory = loggerFactory,
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopRelay.CancelAsync();
        await relay;
        stopRelay.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await worker.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        worker.Dispose();
        await channel.ShutdownAsync();
        channel.Dispose();
        try
        {
            await sidecar.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        sidecar.Dispose();

        // The sidecar's dispatcher waits without end for activities the stopped worker will never answer, so its host
        // never stops the orchestration service. Stopped here, so this host's engine no longer listens on the task hub:
        // otherwise it keeps taking control-queue messages it will never process, and a host started again on the same
        // hub (an in-process restart) stalls until they time out, over and over. What it held reappears after the
        // queues' visibility timeout.
        using var serviceTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await service.StopAsync(isForced: true).WaitAsync(serviceTimeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The lifetime of a host embedded in a command or a test: it neither waits for nor reacts to console signals (the
/// default <c>ConsoleLifetime</c> would stop the host on SIGTERM behind its owner's back); the owner stops it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Appends every log line of the engine, at every level, to one file (<c>AFFECT_ENGINE_LOG</c>): a stalled run's record.</summary>
internal sealed class EngineLogFile(string path) : ILoggerProvider
{
    private static readonly object Gate = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Category(path, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Category(string path, string name) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {name}: {formatter(state, exception)}{(exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})")}{Environment.NewLine}";
            lock (Gate)
            {
                File.AppendAllText(path, line);
            }
        }
    }
}
