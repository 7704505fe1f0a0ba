using Affect.Corpora;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;
using Affect.Training;

namespace Affect.Cli;

/// <summary><c>affect worker --store CONN</c>: the LSTM training worker on the <c>lstm-training</c> queue.</summary>
internal static class WorkerCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("worker", """
        affect worker --store CONN [--drain] [--poll-seconds 5] [--threads 1] [--device cpu|cuda|auto] [--max-attempts 3] [--visibility-seconds 300]
            LSTM training worker: takes jobs from the lstm-training queue, writes models/{key}/model.onnx + metrics.json;
            renews a job's visibility every half --visibility-seconds while training; a job received more than --max-attempts
            times, or failing on bad input, goes to lstm-training-poison with models/{key}/error.json;
            --drain stops when the queue is empty; SIGINT/SIGTERM stop it gracefully (exit 0)
        """, RunAsync)
    {
        Options = ["store", "poll-seconds", "threads", "device", "max-attempts", "visibility-seconds"],
        Flags = ["drain"],
    };

    private static async Task<int> RunAsync(Arguments a, CancellationToken cancellationToken)
    {
        var connection = a.Require("store");
        var drain = a.Flag("drain");
        var poll = TimeSpan.FromSeconds(a.GetDouble("poll-seconds", 5, 0.1, 3600));
        var threads = a.GetInt("threads", 1, 1, 256);
        var maxAttempts = a.GetInt("max-attempts", TrainingWorker.DefaultMaxAttempts, 1, 100);
        var visibility = TimeSpan.FromSeconds(a.GetDouble("visibility-seconds", 300, 1, 7 * 24 * 3600));
        var device = a.Get("device") ?? "cpu";
        if (device is not ("cpu" or "cuda" or "auto"))
        {
            throw new UsageException($"--device: '{device}' is not cpu, cuda or auto");
        }

        a.RejectUnknown();
        RunCommand.RequireExistingStore(connection);

        var store = BlobStore.Open(connection);
        var worker = new TrainingWorker(
            store,
            TrainingQueues.Open(connection, TrainingQueueNames.Jobs),
            TrainingQueues.Open(connection, TrainingQueueNames.Poison),
            new TorchJobRunner(threads, Console.WriteLine, device))
        {
            MaxAttempts = maxAttempts,
            Visibility = visibility,
        };
        Console.WriteLine($"worker: waiting for jobs on {TrainingQueueNames.Jobs}" + (drain ? " (until the queue is empty)" : string.Empty));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var outcome = await worker.ProcessNextAsync(Console.WriteLine, cancellationToken);
                if (outcome == JobOutcome.Idle)
                {
                    if (drain)
                    {
                        return 0;
                    }

                    await Task.Delay(poll, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A job cut short goes back to the queue when its visibility timeout ends; another worker takes it.
        }

        Console.WriteLine("worker: stopped");
        return 0;
    }
}

/// <summary>
/// Runs a job with TorchSharp: copies each corpus (its manifest and the files it names) from the store to a temporary
/// folder, loads it, and runs <see cref="CrossCorpusExperiment"/>.
/// </summary>
/// <param name="threads">Torch intra-op threads.</param>
/// <param name="log">Progress lines.</param>
/// <param name="device">Torch device: cpu, cuda or auto.</param>
internal sealed class TorchJobRunner(int threads, Action<string>? log, string device = "cpu") : ILstmJobRunner
{
    // One cache per front-end for the worker's lifetime: the 12 jobs of Table 1 share three corpora.
    private readonly Dictionary<string, IFrameFeatureExtractor> extractors = new(StringComparer.Ordinal);

    private IFrameFeatureExtractor ExtractorFor(string features)
    {
        lock (extractors)
        {
            if (!extractors.TryGetValue(features, out var extractor))
            {
                extractors[features] = extractor = new CachingFrameFeatureExtractor(LstmCommand.Extractor(features));
            }

            return extractor;
        }
    }

    public async Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
    {
        var extractor = ExtractorFor(job.Parameters.Features);
        var labels = new LabelOptions(job.Parameters.LagSeconds);
        var root = Directory.CreateTempSubdirectory("affect-worker-");
        try
        {
            async Task<SequenceCorpus> Load(string name)
            {
                var dir = Path.Combine(root.FullName, name);
                await DownloadCorpusAsync(store, name, dir, cancellationToken);
                return SequenceCorpus.LoadFolder(dir, job.Target, extractor, labels);
            }

            var train = await Load(job.TrainCorpus);
            var validation = await Load(job.ValidationCorpus);
            var test = job.TestCorpus is null ? null : await Load(job.TestCorpus);
            var options = new LstmTrainingOptions(job.Parameters.HiddenSize, job.Parameters.Layers, job.Parameters.Epochs, job.Parameters.LearningRate,
                job.Parameters.BatchSize, job.Parameters.Loss == "ccc" ? LstmLoss.Ccc : LstmLoss.Mse, job.Seed, Threads: threads, Device: device);
            var result = CrossCorpusExperiment.Run(train, validation, test, options, new ContextWindowOptions(StepFrames: job.Parameters.StepFrames), log);
            return new LstmJobOutput(result.Model, result.Metrics.ToJsonBytes());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task DownloadCorpusAsync(IBlobStore store, string corpus, string dir, CancellationToken cancellationToken)
    {
        var manifestBlob = $"{corpus}/{CorpusManifest.FileName}";
        string json;
        await using (var stream = await store.OpenReadAsync(Containers.Corpora, manifestBlob, cancellationToken))
        using (var reader = new StreamReader(stream))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }

        var manifest = CorpusManifest.Parse(json, $"{Containers.Corpora}/{manifestBlob}");
        var files = manifest.Files.SelectMany(f => f.Labels is null ? new[] { f.Audio } : [f.Audio, f.Labels.Path]);
        foreach (var file in files)
        {
            var path = Path.Combine(dir, file.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var source = await store.OpenReadAsync(Containers.Corpora, $"{corpus}/{file}", cancellationToken);
            await using var target = File.Create(path);
            await source.CopyToAsync(target, cancellationToken);
        }

        await File.WriteAllTextAsync(Path.Combine(dir, CorpusManifest.FileName), json, cancellationToken);
    }
}
