using Affect.Pipeline.Activities;
using Affect.Pipeline.Hosting;
using Affect.Pipeline.Storage;

namespace Affect.Cli;

/// <summary><c>affect serve</c>: the local service on the Azure Storage engine (Azurite), with an HTTP API on loopback.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
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
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, connection, hub, "affect-serve-" + Environment.MachineName.ToLowerInvariant());
        await using var service = await LocalService.StartAsync(store, engine, port, log, cancellationToken);
        Console.WriteLine($"affect serve: task hub '{hub}' on {connection.Split(';')[0]}; API {service.Address}api/runs (Ctrl+C to stop)");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine("affect serve: stopping");
        return 0;
    }
}
