using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Cli;

/// <summary><c>affect serve</c>: the local service on the Azure Storage engine (Azurite), with an HTTP API on loopback, the upload trigger and the nightly schedule.</summary>
internal static class ServeCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("serve", """
        affect serve --store CONN [--port 7071] [--task-hub affect] [--api-key-file FILE] [--poll 5] [--nightly "0 2 * * *"|off]
            [--regression-threshold 0.01] [--clock 2026-01-01T01:59:00Z]
            local service: Durable Task sidecar over Azure Storage (Azurite), HTTP API on 127.0.0.1: POST /api/runs
            ({"corpora": [...], "seed": 1}; 202, 200 when that run exists, 400 for a malformed body, 422 for a corpus not in
            the store), GET /api/runs/{id}, GET /api/runs?experiment=NAME. Every request needs the API key in the
            x-functions-key header (401 otherwise) and bodies must be application/json (415): the key is AFFECT_API_KEY,
            else the content of --api-key-file, else a random key written to a file only you can read (its path is printed).
            Runs also start when corpora/NAME/manifest.json is uploaded or changed (polled every --poll seconds, 0: off) and
            every night (--nightly CRON in UTC, default the NightlySchedule setting or 02:00; each nightly run gets
            runs/ID/comparison.json against the previous run of its experiment). --clock starts the clock at that instant.
            SIGINT/SIGTERM stop it gracefully within seconds (exit 0); a run in progress resumes on the next start
        """, RunAsync)
    {
        Options = ["store", "port", "task-hub", "api-key-file", "poll", "nightly", "regression-threshold", "clock"],
    };

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        string connection = args.Require("store");
        int port = args.GetInt("port", 7071, 0, 65535);
        string hub = args.Get("task-hub") ?? "affect";
        string? keyFile = args.Get("api-key-file");
        int poll = args.GetInt("poll", 5, 0, 86_400);
        string nightly = args.Get("nightly") ?? Environment.GetEnvironmentVariable("NightlySchedule") ?? NightlySchedule.DefaultCron;
        double threshold = args.GetDouble("regression-threshold", RunComparisons.DefaultThreshold, 0, 1);
        string? clockStart = args.Get("clock");
        args.RejectUnknown();
        if (!connection.Contains('=', StringComparison.Ordinal))
        {
            throw new UsageException("--store must be an Azure Storage connection string (e.g. UseDevelopmentStorage=true with Azurite running): the service keeps its orchestration state there");
        }

        string? cron = nightly.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : nightly;
        if (cron is not null)
        {
            try
            {
                NightlySchedule.Parse(cron);
            }
            catch (FormatException e)
            {
                throw new UsageException("--nightly: " + e.Message);
            }
        }

        TimeProvider clock = TimeProvider.System;
        if (clockStart is not null)
        {
            clock = DateTimeOffset.TryParse(clockStart, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                ? new ShiftedClock(at)
                : throw new UsageException($"--clock: '{clockStart}' is not an ISO 8601 instant (e.g. 2026-01-01T01:59:00Z)");
        }

        string key = ServeApiKey.Resolve(
            Environment.GetEnvironmentVariable(ServeApiKey.EnvironmentVariable), keyFile, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), line => Console.WriteLine("affect serve: " + line));
        var store = BlobStore.Open(connection);
        var log = new ActivityLog();
        log.Completed += a => Console.WriteLine($"  {(a.Reused ? "reused  " : "computed")} {a.Stage}/{a.Key}");
        log.CorruptFound += c => Console.Error.WriteLine($"affect: warning: {Affect.Audio.DisplayText.Escape(c.Problem)}: recomputing {c.Stage}/{c.Key}");

        // A unique worker id per process: two services on one task hub must not take each other for a restarted self.
        string workerId = $"affect-serve-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, connection, hub, workerId);
        var options = new ServeOptions(key, poll > 0 ? TimeSpan.FromSeconds(poll) : null, cron, clock, threshold);
        var service = await LocalService.StartAsync(store, engine, port, log, cancellationToken, Console.Error, options);
        try
        {
            Console.WriteLine($"affect serve: task hub '{hub}' on {connection.Split(';')[0]}; uploads polled {(poll > 0 ? $"every {poll} s" : "never")}; nightly {cron ?? "off"} (UTC)");
            Console.WriteLine($"affect serve: API {service.Address}api/runs (Ctrl+C or SIGTERM to stop)");
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
