using System.Globalization;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Cli;

/// <summary><c>affect runs list|show</c>: the history of runs in a store (started by uploads, HTTP or the nightly schedule).</summary>
internal static class RunsCommand
{
    /// <summary><c>affect runs list</c>.</summary>
    public static CliCommand List { get; } = new("runs list", """
        affect runs list --store CONN [--experiment NAME]
            one line per run in the store, oldest first: id, status (completed or started), experiment, trigger, start time
        """, ListAsync)
    {
        Options = ["store", "experiment"],
    };

    /// <summary><c>affect runs show</c>.</summary>
    public static CliCommand Show { get; } = new("runs show", """
        affect runs show --store CONN (RUN | --latest) [--experiment NAME]
            a run's record and results and, for a nightly run, its comparison with the previous run (regressions first)
        """, ShowAsync)
    {
        Options = ["store", "experiment"],
        Flags = ["latest"],
        MaxPositional = 1,
    };

    private static async Task<int> ListAsync(Arguments args, CancellationToken cancellationToken)
    {
        var store = BlobStore.Open(args.Require("store"));
        string? experiment = args.Get("experiment");
        args.RejectUnknown();
        foreach (var run in await RunStarts.ListAsync(store, cancellationToken))
        {
            if (experiment is null || run.Experiment == experiment)
            {
                string status = await store.ExistsAsync(Containers.Runs, $"{run.RunId}/run.json", cancellationToken) ? "completed" : "started";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.RunId}  {status,-9}  {run.Experiment}  {run.Trigger}  {run.StartedAt:yyyy-MM-ddTHH:mm:ssZ}"));
            }
        }

        return 0;
    }

    private static async Task<int> ShowAsync(Arguments args, CancellationToken cancellationToken)
    {
        var store = BlobStore.Open(args.Require("store"));
        string? experiment = args.Get("experiment");
        bool latest = args.Flag("latest");
        args.RejectUnknown();
        if (latest == (args.Positional.Count == 1))
        {
            throw new UsageException("give either a run id or --latest");
        }

        var runs = (await RunStarts.ListAsync(store, cancellationToken)).Where(r => experiment is null || r.Experiment == experiment).ToList();
        var run = latest
            ? runs.LastOrDefault() ?? throw new InvalidDataException($"{Containers.Runs}: no run{(experiment is null ? string.Empty : $" of experiment '{experiment}'")} in the store")
            : runs.FirstOrDefault(r => r.RunId == args.Positional[0]) ?? throw new InvalidDataException($"{Containers.Runs}/{args.Positional[0]}/{RunStarts.StartFile}: no such run");
        Console.WriteLine($"run {run.RunId}: experiment {run.Experiment}, trigger {run.Trigger}, started {run.StartedAt:yyyy-MM-ddTHH:mm:ssZ}, code {run.CodeVersion}");
        Console.WriteLine($"  corpora: {string.Join(", ", run.CorpusVersions.Select(v => $"{v.Key}@{v.Value[..12]}"))}; seed {run.Spec.Seed}");
        if (await store.ExistsAsync(Containers.Runs, $"{run.RunId}/run.json", cancellationToken))
        {
            var record = await store.GetJsonAsync<RunRecord>(Containers.Runs, $"{run.RunId}/run.json", MemoizedArtifacts.Json, cancellationToken);
            Console.WriteLine($"  completed: {record.Computed} activities computed, {record.Reused} reused; results {Containers.Runs}/{run.RunId}/{ReportBlobs.ResultsFile}, report {Containers.Runs}/{run.RunId}/{ReportBlobs.HtmlFile}");
        }
        else
        {
            Console.WriteLine("  not finished (no run.json yet)");
        }

        string comparisonName = $"{run.RunId}/{RunComparison.FileName}";
        if (await store.ExistsAsync(Containers.Runs, comparisonName, cancellationToken))
        {
            var c = await store.GetJsonAsync<RunComparison>(Containers.Runs, comparisonName, MemoizedArtifacts.Json, cancellationToken);
            Console.WriteLine($"  compared with {c.PreviousRunId}: {c.Regressions.Count} regressions (drop > {c.Threshold.ToString(CultureInfo.InvariantCulture)}), {c.Metrics.Count} metrics");
            foreach (var m in c.Regressions)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    REGRESSION {m.Table} [{m.Row}] {m.Metric}: {m.Previous:0.0000} -> {m.Current:0.0000} ({m.Delta:+0.0000;-0.0000})"));
            }

            foreach (var v in c.Corpora.Prepend(c.Code).Where(v => v.Changed))
            {
                Console.WriteLine($"    changed {v.Name}: {v.Previous ?? "-"} -> {v.Current ?? "-"}");
            }

            foreach (var s in c.Stages)
            {
                Console.WriteLine($"    stage {s.Stage}: {s.Computed} recomputed, {s.Reused} reused");
            }
        }

        return 0;
    }
}
