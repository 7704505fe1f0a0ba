using Affect.Hosting;
using Affect.Pipeline.Training;
using Affect.Storage;
using Affect.Training;

namespace Affect.Cli;

/// <summary><c>affect worker --store CONN</c>: the training worker (LSTM and auDeep jobs) on the <c>lstm-training</c> queue.</summary>
internal static class WorkerCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("worker", """
        affect worker --store CONN [--drain] [--poll-seconds 5] [--threads 1] [--device auto|cpu|cuda] [--max-attempts 3] [--visibility-seconds 300]
            [--quiet | --json]
            training worker: takes jobs from the lstm-training queue — LSTMs (from the run's stored LLDs: models/{key}/model.onnx
            + metrics.json) and auDeep autoencoders (from the run's stored spectrograms: models/{key}/encoder-<N>dB.onnx, metrics.json,
            audeep.json) — and announces each ended job on lstm-completions (the waiting run continues on that event);
            renews a job's visibility every half --visibility-seconds while training; a job received more than --max-attempts
            times, or failing on bad input, goes to lstm-training-poison with models/{key}/error.json;
            --device auto (default) trains on CUDA when libtorch sees a GPU, else on the CPU; bit-identical results are promised on cpu only;
            --drain stops when the queue is empty; SIGINT/SIGTERM stop it gracefully (exit 0); log lines and epochs on stderr,
            at the end a summary (jobs handled) on stdout, only the store with --quiet, one JSON object with --json
        """, RunAsync)
    {
        Options = ["store", "poll-seconds", "threads", "device", "max-attempts", "visibility-seconds"],
        Flags = ["drain", .. CommandOutput.Flags],
    };

    private static async Task<int> RunAsync(Arguments a, CancellationToken cancellationToken)
    {
        var connection = a.Require("store");
        var drain = a.Flag("drain");
        var poll = TimeSpan.FromSeconds(a.GetDouble("poll-seconds", 5, 0.1, 3600));
        var threads = a.GetInt("threads", 1, 1, 256);
        var maxAttempts = a.GetInt("max-attempts", TrainingWorker.DefaultMaxAttempts, 1, 100);
        var visibility = TimeSpan.FromSeconds(a.GetDouble("visibility-seconds", 300, 1, 7 * 24 * 3600));
        var device = a.Get("device") ?? "auto";
        if (device is not ("cpu" or "cuda" or "auto"))
        {
            throw new UsageException($"--device: '{device}' is not cpu, cuda or auto");
        }

        using var output = CommandOutput.For(a, "worker");
        a.RejectUnknown();
        RunCommand.RequireExistingStore(connection);

        var store = BlobStore.Open(connection);
        var worker = new TrainingWorker(
            store,
            TrainingQueues.Open(connection, TrainingQueueNames.Jobs),
            TrainingQueues.Open(connection, TrainingQueueNames.Poison),
            new TorchJobRunner(threads, output.Detail, device, LstmCommand.Extractor))
        {
            MaxAttempts = maxAttempts,
            Visibility = visibility,
        };
        output.Line($"worker: waiting for jobs on {TrainingQueueNames.Jobs}" + (drain ? " (until the queue is empty)" : string.Empty));
        int handled = await worker.RunAsync(poll, drain, output.Line, cancellationToken);
        output.Line("worker: stopped");
        output.Finish(new CommandSummary("stopped", [("store", RunCommand.StoreFolder(connection) ?? "(Azure Storage)")], [("jobs", handled)]));
        return 0;
    }
}
