using System.Text.Json;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Sequence.Windows;
using Affect.Storage;

namespace Affect.Training.Tests;

public sealed class TrainingWorkerTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("affect-worker-test-");
    private readonly FolderBlobStore store;
    private readonly FolderTrainingQueue jobs;
    private readonly FolderTrainingQueue poison;

    public TrainingWorkerTests()
    {
        store = new FolderBlobStore(root.FullName);
        jobs = new FolderTrainingQueue(Path.Combine(root.FullName, TrainingQueues.FolderName), TrainingQueueNames.Jobs);
        poison = new FolderTrainingQueue(Path.Combine(root.FullName, TrainingQueues.FolderName), TrainingQueueNames.Poison);
    }

    public void Dispose() => root.Delete(recursive: true);

    private static LstmTrainingRequest Request(string target = "arousal") =>
        new("recola-synth", "semaine-synth", "creativeit-synth", target, 1, new LstmJobParameters(HiddenSize: 16, Layers: 1, Features: "basic-prosody-10"), ["k1", "k2", "k3"]);

    /// <summary>Trains with the real trainer on the in-memory synthetic corpora (what the CLI's runner does after downloading).</summary>
    private sealed class SyntheticRunner : ILstmJobRunner
    {
        public int Runs { get; private set; }

        public Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
        {
            Runs++;
            var p = job.Parameters;
            var result = CrossCorpusExperiment.Run(
                SyntheticCorpora.Load(job.TrainCorpus, job.Target),
                SyntheticCorpora.Load(job.ValidationCorpus, job.Target),
                job.TestCorpus is null ? null : SyntheticCorpora.Load(job.TestCorpus, job.Target),
                new LstmTrainingOptions(p.HiddenSize, p.Layers, p.Epochs, p.LearningRate, p.BatchSize, LstmLoss.Mse, job.Seed),
                new ContextWindowOptions(StepFrames: p.StepFrames));
            return Task.FromResult(new LstmJobOutput(result.Model, result.Metrics.ToJsonBytes()));
        }
    }

    private sealed class FailingRunner : ILstmJobRunner
    {
        public Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken) =>
            throw new InvalidDataException("corpora/recola-synth/manifest.json: blob not found");
    }

    [Fact]
    public async Task EnqueueTrainCheckAndNoSecondJob()
    {
        var enqueue = new EnqueueLstmTrainingActivity(store, jobs);
        var check = new CheckLstmModelActivity(store);
        var runner = new SyntheticRunner();
        var worker = new TrainingWorker(store, jobs, poison, runner);

        var ticket = await enqueue.RunAsync(Request());
        Assert.True(ticket.Enqueued);
        Assert.False((await check.RunAsync(ticket.ModelKey)).Exists);
        var duplicate = await enqueue.RunAsync(Request());   // e.g. an activity retry or a second runner before the model exists
        Assert.Equal(ticket.ModelKey, duplicate.ModelKey);
        Assert.Equal(1, await jobs.CountAsync()); // queued once per key (models/KEY/queued.json): no duplicate job

        var outcomes = await worker.DrainAsync();

        Assert.Equal([JobOutcome.Trained], outcomes);
        Assert.Equal(1, runner.Runs);
        Assert.Equal(0, await jobs.CountAsync());
        var status = await check.RunAsync(ticket.ModelKey);
        Assert.True(status.Exists);
        Assert.Equal($"{ticket.ModelKey}/model.onnx", status.ModelBlob);
        Assert.InRange(status.BestEpoch!.Value, 1, 5);
        Assert.True(status.TestPearsonAtBest > 0.05, $"test CC {status.TestPearsonAtBest}");

        // The stored model runs in ONNX Runtime and knows its windows and target.
        await using var stream = await store.OpenReadAsync(Containers.Models, status.ModelBlob!);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        using var predictor = LstmSequencePredictor.Load(buffer.ToArray(), status.ModelBlob!);
        Assert.Equal("arousal", predictor.Info.Target);
        Assert.Equal(16, predictor.Info.Windows.Steps);

        // Once the model exists, enqueueing is a no-op.
        Assert.False((await enqueue.RunAsync(Request())).Enqueued);
        Assert.Equal(0, await jobs.CountAsync());
    }

    [Fact]
    public async Task AJobFailingThreeTimesGoesToThePoisonQueueWithItsError()
    {
        var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(Request("valence"));
        var worker = new TrainingWorker(store, jobs, poison, new FailingRunner()) { Visibility = TimeSpan.Zero };
        var lines = new List<string>();

        var outcomes = await worker.DrainAsync(lines.Add);

        Assert.Equal([JobOutcome.FailedWillRetry, JobOutcome.FailedWillRetry, JobOutcome.Poisoned], outcomes);
        Assert.Equal(0, await jobs.CountAsync());
        var message = await poison.ReceiveAsync(TimeSpan.FromMinutes(1));
        var entry = JsonSerializer.Deserialize<PoisonedJob>(message!.Text, TrainingWorker.Json)!;
        Assert.Equal(3, entry.Attempts);
        Assert.Contains("corpora/recola-synth/manifest.json: blob not found", entry.Error);
        Assert.Contains(ticket.ModelKey, entry.Job);
        var status = await new CheckLstmModelActivity(store).RunAsync(ticket.ModelKey);
        Assert.False(status.Exists);
        Assert.Contains("blob not found", status.Poisoned);
        Assert.Contains(lines, l => l.Contains("moved to lstm-training-poison after 3 attempt(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnreadableMessageIsPoisonedAtOnce()
    {
        await jobs.EnqueueAsync("{ not json");
        var worker = new TrainingWorker(store, jobs, poison, new FailingRunner());

        Assert.Equal(JobOutcome.Poisoned, await worker.ProcessNextAsync());
        Assert.Equal(1, await poison.CountAsync());
    }

    [Fact]
    public async Task AReceivedMessageIsHiddenUntilItsVisibilityEnds()
    {
        await jobs.EnqueueAsync("a");
        var first = await jobs.ReceiveAsync(TimeSpan.FromMinutes(5));

        Assert.NotNull(first);
        Assert.Null(await jobs.ReceiveAsync(TimeSpan.FromMinutes(5)));
        await jobs.DeleteAsync(first);
        Assert.Equal(0, await jobs.CountAsync());
    }

    [Fact]
    public void ModelKeyDependsOnEveryParameter()
    {
        var a = LstmTrainingJob.Create("a", "b", "c", "arousal", 1, new LstmJobParameters());
        Assert.Equal(a.ModelKey, LstmTrainingJob.Create("a", "b", "c", "arousal", 1, new LstmJobParameters()).ModelKey);
        Assert.NotEqual(a.ModelKey, LstmTrainingJob.Create("a", "b", "c", "arousal", 2, new LstmJobParameters()).ModelKey);
        Assert.NotEqual(a.ModelKey, LstmTrainingJob.Create("a", "b", "c", "valence", 1, new LstmJobParameters()).ModelKey);
        Assert.NotEqual(a.ModelKey, LstmTrainingJob.Create("a", "b", "c", "arousal", 1, new LstmJobParameters(Epochs: 4)).ModelKey);
        var error = Assert.Throws<ArgumentException>(() => LstmTrainingJob.Create("", "b", null, "dominance", 1, new LstmJobParameters(Loss: "l1")));
        Assert.Contains("trainCorpus: empty", error.Message);
        Assert.Contains("target: 'dominance'", error.Message);
        Assert.Contains("parameters.loss: 'l1'", error.Message);
    }
}
