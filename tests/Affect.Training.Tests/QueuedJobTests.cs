using System.Text.Json;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Training.Tests;

/// <summary>
/// The scaffold of a queued training kind's tests (<see cref="AuDeepJobTests"/>, <see cref="End2YouJobTests"/>):
/// temporary folder stores and queues, the kind's enqueue → real worker → model check round trip, a run of the
/// orchestration with the real worker beside it, and the facts every kind must hold on the worker. A kind's class holds
/// only what differs: how its job is prepared and what its model must contain.
/// </summary>
public abstract class QueuedJobTests : IDisposable
{
    private readonly List<DirectoryInfo> roots = [];

    /// <summary>The kind under test.</summary>
    protected abstract QueuedJobKind Kind { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        roots.ForEach(r => r.Delete(recursive: true));
        GC.SuppressFinalize(this);
    }

    /// <summary>Uploads and ingests a small synthetic corpus into <paramref name="store"/> (and whatever the kind's job reads) and queues one job of the kind on <paramref name="jobs"/>.</summary>
    protected abstract Task<LstmTrainingTicket> EnqueueAsync(IBlobStore store, ITrainingQueue jobs);

    /// <summary>The kind's model check activity.</summary>
    protected abstract CheckQueuedModelActivity Check(IBlobStore store);

    /// <summary>A fresh folder store, deleted with the test.</summary>
    protected FolderBlobStore NewStore()
    {
        var root = Directory.CreateTempSubdirectory($"affect-{Kind.Name}-test-");
        roots.Add(root);
        return new FolderBlobStore(root.FullName);
    }

    /// <summary>The <c>lstm-training</c> queue and its poison queue beside a folder store.</summary>
    protected static (FolderTrainingQueue Jobs, FolderTrainingQueue Poison) Queues(FolderBlobStore store) =>
        (new FolderTrainingQueue(Path.Combine(store.Root, TrainingQueues.FolderName), TrainingQueueNames.Jobs),
         new FolderTrainingQueue(Path.Combine(store.Root, TrainingQueues.FolderName), TrainingQueueNames.Poison));

    /// <summary>Uploads a synthetic categorical corpus as <c>usoms</c> and ingests it.</summary>
    protected static async Task<IngestedCorpus> IngestAsync(IBlobStore store, SyntheticCorpusSpec spec)
    {
        await UploadAsync(store, spec);
        return await new IngestCorpusActivity(store, new ActivityLog()).RunAsync(new IngestRequest("usoms"));
    }

    /// <summary>
    /// Queues a job through <paramref name="enqueue"/> (it must be new), drains the queue with the real worker
    /// (<see cref="TorchJobRunner"/>, one thread, CPU) and checks that the model exists.
    /// </summary>
    protected async Task<(LstmTrainingTicket Ticket, QueuedModelStatus Status, IReadOnlyList<JobOutcome> Outcomes)> TrainAsync(FolderBlobStore store, Func<ITrainingQueue, Task<LstmTrainingTicket>> enqueue)
    {
        var (jobs, poison) = Queues(store);
        var ticket = await enqueue(jobs);
        Assert.True(ticket.Enqueued);
        var outcomes = await new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null)).DrainAsync();
        var status = await Check(store).RunAsync(ticket.ModelKey);
        Assert.True(status.Exists, status.Poisoned);
        Assert.Equal(Kind.ModelBlob(ticket.ModelKey), status.ModelBlob);
        return (ticket, status, outcomes);
    }

    /// <summary>Once the model exists, enqueueing the same job again queues nothing.</summary>
    protected static async Task AssertQueuedOnceAsync(FolderBlobStore store, Func<ITrainingQueue, Task<LstmTrainingTicket>> enqueue)
    {
        var (jobs, _) = Queues(store);
        Assert.False((await enqueue(jobs)).Enqueued);
        Assert.Equal(0, await jobs.CountAsync());
    }

    /// <summary>A small run over <c>usoms</c> (seed 5) with <paramref name="learners"/>, no LSTMs, a 2000-matrix fusion pool; the kind's stage is added with <c>with</c>.</summary>
    protected static ExperimentSpec SmallRun(params string[] learners) => new(["usoms"], 5)
    {
        Features = new(BatchSize: 100),
        Boaw = new(Size: 16, Iterations: 5),
        Learners = new(Names: learners),
        Lstm = new(Enabled: false),
        Fusion = new(Pool: 2000),
    };

    /// <summary>Runs <paramref name="experiment"/> on the in-memory Durable engine with the real worker draining the folder queue beside it.</summary>
    protected static async Task<ExperimentOutcome> RunWithWorkerAsync(FolderBlobStore store, SyntheticCorpusSpec corpus, ExperimentSpec experiment, string runId)
    {
        await UploadAsync(store, corpus);
        var (jobs, poison) = Queues(store);
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog(), trainingQueue: jobs);
        using var stop = new CancellationTokenSource();
        var worker = Task.Run(() => new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null)).RunAsync(TimeSpan.FromMilliseconds(100), drain: false, null, stop.Token));
        try
        {
            return await PipelineRunner.RunAsync(host.Client, experiment, runId);
        }
        finally
        {
            await stop.CancelAsync();
            await worker;
        }
    }

    private sealed class LstmOnlyRunner : ILstmJobRunner
    {
        public Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this runner trains LSTMs only");
    }

    [Fact]
    public async Task A_worker_without_a_trainer_of_the_kind_gives_the_job_up_at_once_and_the_run_reads_why()
    {
        var store = NewStore();
        var (jobs, poison) = Queues(store);
        var ticket = await EnqueueAsync(store, jobs);

        var outcomes = await new TrainingWorker(store, jobs, poison, new LstmOnlyRunner()).DrainAsync();

        Assert.Equal([JobOutcome.Poisoned], outcomes);
        var status = await Check(store).RunAsync(ticket.ModelKey);
        Assert.False(status.Exists);
        Assert.Contains($"kind: this worker has no {Kind.Name} trainer", status.Poisoned, StringComparison.Ordinal);
        Assert.Equal(1, await poison.CountAsync());
    }

    [Fact]
    public async Task A_job_whose_model_key_is_not_its_content_key_is_given_up_at_once_without_training()
    {
        var store = NewStore();
        var (jobs, poison) = Queues(store);
        var ticket = await EnqueueAsync(store, jobs);
        var message = await jobs.ReceiveAsync(TimeSpan.Zero);
        Assert.NotNull(message);
        await jobs.DeleteAsync(message);
        string forged = "e2e0123456789abc";
        await jobs.EnqueueAsync(message.Text.Replace(ticket.ModelKey, forged, StringComparison.Ordinal));

        var outcomes = await new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null)).DrainAsync();

        Assert.Equal([JobOutcome.Poisoned], outcomes);
        string? error = await QueuedTraining.ReadErrorAsync(store, forged, CancellationToken.None);
        Assert.Contains($"modelKey: '{forged}' is not the content key of the job ({ticket.ModelKey})", error, StringComparison.Ordinal);
        Assert.Null(await store.GetInfoAsync(Containers.Models, Kind.ModelBlob(forged)));
        Assert.Equal(Kind.Name, JsonDocument.Parse(message.Text).RootElement.GetProperty("kind").GetString());
    }

    private static async Task UploadAsync(IBlobStore store, SyntheticCorpusSpec spec)
    {
        foreach (var f in SyntheticCorpusGenerator.Generate(spec).OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
        {
            await store.PutBytesAsync(Containers.Corpora, $"usoms/{f.RelativePath}", f.Content);
        }
    }
}
