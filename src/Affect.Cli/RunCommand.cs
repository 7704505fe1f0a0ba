using Affect.Audio;
using Affect.Corpora;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Affect.Training;

namespace Affect.Cli;

/// <summary><c>affect run</c>: the experiment orchestration over corpora already in a store.</summary>
internal static class RunCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("run", """
        affect run --store CONN --corpus NAME [--corpus NAME ...] [--seed N] [--batch-size N] [--engine memory|azure-storage] [--boaw-size N]
            [--boaw-assignments N] [--learner kelm ...] [--no-worker] [--out DIR] [--retrain-train-devel] [--fusion-pool 100000] [--fusion-chunks 4]
            [--egemaps] [--audeep] [--end2you] [--lstm-deadline SECONDS] [--quiet | --json]
            run the experiment orchestration over corpora already uploaded to a store (folder path or Azure connection string);
            the store and every corpus (corpora/NAME/manifest.json) are checked before anything is written;
            --egemaps also builds the EGEMAPS feature set (88 eGeMAPS v02 functionals) and runs every learner on it;
            --audeep adds the auDeep stage with auDeep's defaults (4 thresholds, 2 × 256 GRU units, 64 epochs; trained by the
            queue worker on the train partition) and the feature set AuDeep (Tables 2–3, fusion learners+audeep);
            --end2you adds the End2You stage with End2You's defaults (raw audio, 40 ms frames, 2 convolutions, 256 GRU units,
            up to 50 epochs chosen on devel; trained by the queue worker on the train partition): the END2YOU row of Table 2
            and the fusion learners+end2you;
            --lstm-deadline fails the run when a queued LSTM job has no model after SECONDS (default 21600);
            the flags make the same spec (and run id) as the same settings in POST /api/runs or experiments/NAME.json;
            progress per stage with ETA on stderr; --quiet prints only the results path, --json one JSON summary on stdout
        """, RunAsync)
    {
        Options = ["store", "corpus", "seed", "batch-size", "engine", "out", "boaw-size", "boaw-assignments", "learner", "fusion-pool", "fusion-chunks", "lstm-deadline"],
        Flags = ["no-worker", "retrain-train-devel", "egemaps", "audeep", "end2you", .. CommandOutput.Flags],
    };

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        string connection = args.Require("store");
        var corpora = args.GetAll("corpus").ToList();
        string engineName = args.Get("engine") ?? "memory";
        bool worker = !args.Flag("no-worker");
        string? outDir = args.Get("out");
        if (corpora.Count == 0)
        {
            throw new UsageException("at least one --corpus NAME is required");
        }

        var spec = SpecFlags.Parse(args, corpora) with { AuDeep = args.Flag("audeep") ? new AuDeepOptions() : null };
        using var output = CommandOutput.For(args, "run");
        args.RejectUnknown();

        var engine = engineName switch
        {
            "memory" => DurableEngineOptions.InMemory,
            "azure-storage" when StoreFolder(connection) is null => new DurableEngineOptions(DurableEngine.AzureStorage, connection),
            "azure-storage" => throw new UsageException("--engine azure-storage keeps its state in Azure Storage: --store must be an Azure Storage connection string (UseDevelopmentStorage=true for Azurite)"),
            _ => throw new UsageException($"--engine: '{engineName}' is not one of memory, azure-storage"),
        };
        // Nothing is created (store folder, .staging, .queues) until the store and every corpus are known to exist.
        await CheckCorporaAsync(connection, corpora, cancellationToken);
        var store = BlobStore.Open(connection);
        var (outcome, runId, written) = await ExecuteAsync(store, connection, engine, spec, outDir, worker, output, cancellationToken);
        output.Finish(Summary(outcome, runId, written, StoreFolder(connection) ?? "(Azure Storage)"));
        return 0;
    }

    /// <summary>The folder of a folder-store connection (<c>folder:PATH</c> or a path without '='), or null for Azure Storage.</summary>
    public static string? StoreFolder(string connection)
    {
        string text = connection.Trim();
        if (text.StartsWith(BlobStore.FolderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Path.GetFullPath(text[BlobStore.FolderPrefix.Length..]);
        }

        return text.Contains('=', StringComparison.Ordinal) || text.StartsWith(BlobStore.IdentityPrefix, StringComparison.OrdinalIgnoreCase) || text.Length == 0
            ? null
            : Path.GetFullPath(text);
    }

    /// <summary>Fails when a folder store does not exist (opening one would create it), naming the folder.</summary>
    public static void RequireExistingStore(string connection)
    {
        if (StoreFolder(connection) is { } folder && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: store: the folder does not exist (--store names a folder store, e.g. DIR/store after affect demo --out DIR, or an Azure Storage connection string)");
        }
    }

    /// <summary>Fails unless the store exists and holds <c>corpora/NAME/manifest.json</c> for every corpus, without writing anything.</summary>
    private static async Task CheckCorporaAsync(string connection, IReadOnlyList<string> corpora, CancellationToken cancellationToken)
    {
        RequireExistingStore(connection);
        string? folder = StoreFolder(connection);
        IReadOnlyList<string> present;
        if (folder is not null)
        {
            string root = Path.Combine(folder, Containers.Corpora);
            present = Directory.Exists(root)
                ? [.. Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, CorpusManifest.FileName))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
                : [];
        }
        else
        {
            present = await RunRequests.ListCorporaAsync(BlobStore.Open(connection), cancellationToken);
        }

        var missing = corpora.Where(c => !present.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            string where = folder ?? "store";
            string have = present.Count == 0 ? "the store holds no corpus" : "the store holds " + string.Join(", ", present);
            throw new InvalidDataException(
                $"{where}: {Containers.Corpora}/{missing[0]}/{CorpusManifest.FileName}: corpus '{string.Join("', '", missing)}' is not in the store ({have}; upload a corpus folder under {Containers.Corpora}/NAME/, manifest last)");
        }
    }

    /// <summary>Runs the orchestration on a local engine, showing its progress, and copies results.json, report.html (with the run's timings) and timings.json to <paramref name="outDir"/>.</summary>
    /// <param name="store">The artifact store.</param>
    /// <param name="connection">The store's connection (its training queues live beside it).</param>
    /// <param name="engine">Which Durable Task engine.</param>
    /// <param name="spec">The run.</param>
    /// <param name="outDir">Where to copy results.json and report.html, or null.</param>
    /// <param name="inProcessWorker">Also run the LSTM training worker in this process (else run <c>affect worker</c> beside it).</param>
    /// <param name="output">Where progress goes: the orchestration's custom status (<see cref="RunProgress"/>) as stages with ETA, each activity as a detail line.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The outcome, the run id and the files written to <paramref name="outDir"/> (results.json, report.html; none without it).</returns>
    public static async Task<(ExperimentOutcome Outcome, string RunId, IReadOnlyList<string> Written)> ExecuteAsync(
        IBlobStore store, string connection, DurableEngineOptions engine, ExperimentSpec spec, string? outDir, bool inProcessWorker, CommandOutput output, CancellationToken cancellationToken)
    {
        var log = new ActivityLog();
        log.Completed += a => output.Detail($"    {(a.Reused ? "reused  " : "computed")} {a.Stage}/{a.Key}");
        log.CorruptFound += c => Console.Error.WriteLine($"affect: warning: {Affect.Audio.DisplayText.Escape(c.Problem)}: recomputing {c.Stage}/{c.Key}");
        string runId = RunStarts.RunIdFor(spec, await RunStarts.CorpusVersionsAsync(store, spec, cancellationToken));
        output.Line($"run {runId}: corpora {string.Join(", ", spec.Corpora)}; seed {spec.Seed}; engine {engine.Engine}");
        var jobs = TrainingQueues.Open(connection, TrainingQueueNames.Jobs);
        await using var host = await DurableEngineHost.StartAsync(engine, store, log, cancellationToken: cancellationToken, trainingQueue: jobs);
        using var stopWorker = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = inProcessWorker
            ? Task.Run(() => RunWorkerAsync(store, jobs, TrainingQueues.Open(connection, TrainingQueueNames.Poison), output, stopWorker.Token), CancellationToken.None)
            : Task.CompletedTask;
        ExperimentOutcome outcome;
        try
        {
            outcome = await PipelineRunner.RunAsync(host.Client, spec, runId, p => output.Clock.Follow(p).ToList().ForEach(output.Progress), cancellationToken);
        }
        finally
        {
            await stopWorker.CancelAsync();
            await worker;
        }

        await ShowUnseenStagesAsync(store, runId, output, cancellationToken);
        int reused = outcome.Activities.Count(a => a.Reused);
        output.Line($"run {runId}: completed; {outcome.Activities.Count - reused} activities computed, {reused} reused");
        output.Line($"  results: {Containers.Runs}/{runId}/results.json (artifact {Containers.Artifacts}/{outcome.Results})");
        var targets = new List<string>();
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            using var outputs = new AtomicFileSet();
            byte[] results = await store.GetBytesAsync(Containers.Artifacts, outcome.Results, cancellationToken);
            await ArtifactIntegrity.RequireCommittedAsync(store, Containers.Artifacts, outcome.Results, results, cancellationToken);
            var files = new List<(string File, byte[] Bytes)> { ("results.json", results) };

            // The published report (the memoized one with this run's timings section) and timings.json, from runs/{runId}/.
            string published = $"{runId}/{ReportBlobs.HtmlFile}";
            if (await store.GetInfoAsync(Containers.Runs, published, cancellationToken) is not null)
            {
                files.Add(("report.html", await store.GetBytesAsync(Containers.Runs, published, cancellationToken)));
            }
            else
            {
                byte[] html = await store.GetBytesAsync(Containers.Artifacts, outcome.Report, cancellationToken);
                await ArtifactIntegrity.RequireCommittedAsync(store, Containers.Artifacts, outcome.Report, html, cancellationToken);
                files.Add(("report.html", html));
            }

            string timings = $"{runId}/{RunTimings.FileName}";
            if (await store.GetInfoAsync(Containers.Runs, timings, cancellationToken) is not null)
            {
                files.Add((RunTimings.FileName, await store.GetBytesAsync(Containers.Runs, timings, cancellationToken)));
            }

            foreach (var (file, bytes) in files)
            {
                string target = Path.Combine(outDir, file);
                outputs.Stage(target, s => s.Write(bytes));
                targets.Add(target);
            }

            outputs.Commit();
            targets.ForEach(t => output.Line($"  wrote {t}"));
        }

        return (outcome, runId, targets);
    }

    /// <summary>
    /// Shows, from the run's <c>timings.json</c>, each stage the status poller never saw (a stage can pass between two
    /// polls on a busy machine), so the progress lists every stage of the run once.
    /// </summary>
    private static async Task ShowUnseenStagesAsync(IBlobStore store, string runId, CommandOutput output, CancellationToken cancellationToken)
    {
        string blob = $"{runId}/{RunTimings.FileName}";
        if (await store.GetInfoAsync(Containers.Runs, blob, cancellationToken) is null)
        {
            return;
        }

        var timings = await store.GetJsonAsync<RunTimings>(Containers.Runs, blob, cancellationToken: cancellationToken);
        foreach (var stage in timings.Stages.Where(s => s.Activities > 0 && !output.Clock.Seen(s.Stage)))
        {
            output.Progress(output.Clock.Record(stage.Stage, stage.Activities, TimeSpan.FromSeconds(stage.Seconds)));
        }
    }

    /// <summary>
    /// The closing summary of a run: results.json and report.html (copied to --out, else in the store), the per-file
    /// scores (the classify and fusion artifacts) and the store, with the run id (for <c>affect runs show</c> and
    /// <c>affect results download</c>) and how many activities were computed or reused.
    /// </summary>
    public static CommandSummary Summary(ExperimentOutcome outcome, string runId, IReadOnlyList<string> written, string storeLocation)
    {
        string artifacts = storeLocation.StartsWith('(') ? Containers.Artifacts : Path.Combine(storeLocation, Containers.Artifacts);
        var outputs = new List<(string, string)>
        {
            ("results", written.FirstOrDefault(w => w.EndsWith("results.json", StringComparison.Ordinal)) ?? $"{artifacts}/{outcome.Results}"),
            ("report", written.FirstOrDefault(w => w.EndsWith("report.html", StringComparison.Ordinal)) ?? $"{artifacts}/{outcome.Report}"),
        };
        var scoreStages = outcome.Activities.Select(a => a.Stage).Where(s => s is "classify" or "fusion" or "discretize" or "lstm").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (scoreStages.Count > 0)
        {
            outputs.Add(("scores", $"{artifacts}/{{{string.Join(",", scoreStages)}}}/"));
        }

        outputs.Add(("store", storeLocation));
        int reused = outcome.Activities.Count(a => a.Reused);
        return new CommandSummary("completed", outputs, [("run", runId), ("computed", outcome.Activities.Count - reused), ("reused", reused)]);
    }

    /// <summary>The LSTM training worker inside this process: takes jobs from the queue until stopped.</summary>
    private static async Task RunWorkerAsync(IBlobStore store, ITrainingQueue jobs, ITrainingQueue poison, CommandOutput output, CancellationToken stop)
    {
        // A short, renewed lease: a job this process held when it was killed is visible again to the resumed run
        // within half a minute (the default 5 minutes suits remote workers).
        var worker = new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null, extractorFor: LstmCommand.Extractor)) { Visibility = TimeSpan.FromSeconds(30) };
        await worker.RunAsync(TimeSpan.FromMilliseconds(250), drain: false, line => output.Detail("    [worker] " + line), stop);
    }
}
