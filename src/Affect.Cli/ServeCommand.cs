using Affect.Pipeline.Activities;
using Affect.Pipeline.Hosting;
using Affect.Pipeline.Storage;

namespace Affect.Cli;

/// <summary><c>affect serve</c>: the local service on the Azure Storage engine (Azurite), with an HTTP API on loopback.</summary>
internal static class ServeCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("serve", """
        affect serve --store CONN [--port 7071] [--task-hub affect]
            local service: Durable Task sidecar over Azure Storage (Azurite), HTTP API on 127.0.0.1: POST /api/runs
            ({"corpora": [...], "seed": 1}; 202, or 400 for a malformed body, 422 for a corpus not in the store),
            GET /api/runs/{id}; errors are JSON {"error": ...} and every 5xx is logged to stderr.
            SIGINT/SIGTERM stop it gracefully within seconds (exit 0); a run in progress resumes on the next start
        """, RunAsync)
    {
        Options = ["store", "port", "task-hub"],
    };

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        string connection = args.Require("store");
        int port = args.GetInt("port", 7071, 0, 65535);
        string hub = args.Get("task-hub") ?? "affect";
        args.RejectUnknown();
        if (!connection.Contains('=', StringComparison.Ordinal))
        {
            throw new UsageException("--store must be an Azure Storage connection string (e.g. UseDevelopmentStorage=true with Azurite running): the service keeps its orchestration state there");
        }

        var store = BlobStore.Open(connection);
        var log = new ActivityLog();
        log.Completed += a => Console.WriteLine($"  {(a.Reused ? "reused  " : "computed")} {a.Stage}/{a.Key}");
        log.CorruptFound += c => Console.Error.WriteLine($"affect: warning: {Affect.Audio.DisplayText.Escape(c.Problem)}: recomputing {c.Stage}/{c.Key}");
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, connection, hub, "affect-serve-" + Environment.MachineName.ToLowerInvariant());
        var service = await LocalService.StartAsync(store, engine, port, log, cancellationToken, Console.Error);
        try
        {
            Console.WriteLine($"affect serve: task hub '{hub}' on {connection.Split(';')[0]}; API {service.Address}api/runs (Ctrl+C or SIGTERM to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("affect serve: stopping; a run in progress resumes on the next start");
        }
        finally
        {
            await service.DisposeAsync();
        }

        Console.WriteLine("affect serve: stopped");
        return 0;
    }
}
