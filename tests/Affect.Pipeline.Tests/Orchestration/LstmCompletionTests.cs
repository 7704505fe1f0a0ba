using System.Text;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Activities;
using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>
/// Stages 5–7 end to end on the in-memory engine: the orchestration queues the Table 1 jobs of two small dimensional
/// corpora, a training worker in this process reads the stored LLDs and labels of each job, and the run continues on
/// the worker's completion event (or fails with the job's error, or at its deadline).
/// </summary>
public sealed class LstmCompletionTests : IDisposable
{
    private readonly List<string> roots = [];

    public void Dispose()
    {
        foreach (string root in roots)
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>Reads each corpus of a job from the store as the real trainer does, waits, then returns a real ONNX model.</summary>
    internal sealed class StoredLldRunner(TimeSpan trainingTime, Exception? failure = null) : ILstmJobRunner
    {
        public int Runs;

        public async Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Runs);
            Assert.NotNull(job.Sources);
            foreach (var source in job.Sources)
            {
                var corpus = await StoredSequenceCorpus.LoadAsync(store, source, job.Target, new Affect.Sequence.LabelOptions(job.Parameters.LagSeconds), cancellationToken);
                Assert.All(corpus.Recordings, r => Assert.Equal(130, r.Features.Features));
                Assert.All(corpus.Recordings, r => Assert.NotNull(r.Labels));
            }

            await Task.Delay(trainingTime, cancellationToken);
            if (failure is not null)
            {
                throw failure;
            }

            string metrics = """{"bestEpoch": 1, "validationPearsonAtBest": 0.25, "testPearsonAtEpoch1": null, "testPearsonAtBest": null}""";
            return new LstmJobOutput(TestModels.Onnx(job.Target, (ulong)job.Seed), Encoding.UTF8.GetBytes(metrics));
        }
    }

    internal static ExperimentSpec Spec(int deadlineSeconds) =>
        new(["recola", "semaine"], Seed: 3) { Features = new(BatchSize: 100), Lstm = new(Epochs: 1, DeadlineSeconds: deadlineSeconds) };

    private async Task<FolderBlobStore> StoreAsync()
    {
        string root = TestCorpora.TempDir();
        roots.Add(root);
        var store = new FolderBlobStore(root);
        await UploadDimensionalAsync(store);
        return store;
    }

    /// <summary>Two small dimensional corpora (3 speakers × one 12 s recording each).</summary>
    internal static async Task UploadDimensionalAsync(IBlobStore store)
    {
        await TestCorpora.UploadAsync(store, "recola", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Recola, 7, 3, 0.2, 1)));
        await TestCorpora.UploadAsync(store, "semaine", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Semaine, 7, 3, 0.2, 1)));
    }

    /// <summary>Runs the spec with a worker in this process (none when <paramref name="runner"/> is null); returns the outcome or the failure.</summary>
    private static async Task<(ExperimentOutcome? Outcome, PipelineFailedException? Failure)> RunAsync(
        FolderBlobStore store, ExperimentSpec spec, ILstmJobRunner? runner, string id = "lstm-run")
    {
        var jobs = PipelineTasks.DefaultTrainingQueue(store);
        var poison = jobs.Sibling(TrainingQueueNames.Poison);
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        using var stop = new CancellationTokenSource();
        var worker = runner is null
            ? Task.CompletedTask
            : new TrainingWorker(store, jobs, poison, runner) { Visibility = TimeSpan.FromSeconds(30) }.RunAsync(TimeSpan.FromMilliseconds(50), cancellationToken: stop.Token);
        try
        {
            var outcome = await PipelineRunner.RunAsync(host.Client, spec, id).WaitAsync(TimeSpan.FromMinutes(3));
            return (outcome, null);
        }
        catch (PipelineFailedException e)
        {
            return (null, e);
        }
        finally
        {
            await stop.CancelAsync();
            await worker;
        }
    }

    [Fact]
    public async Task A_job_that_fails_on_its_input_fails_the_run_with_the_workers_message()
    {
        var runner = new StoredLldRunner(TimeSpan.Zero, new ArgumentException("no training windows: every recording is shorter than 8 s"));
        var (outcome, failure) = await RunAsync(await StoreAsync(), Spec(600), runner);

        Assert.Null(outcome);
        Assert.NotNull(failure);
        Assert.Contains("training failed", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("no training windows: every recording is shorter than 8 s", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_result_by_the_deadline_fails_the_run_clearly()
    {
        var (outcome, failure) = await RunAsync(await StoreAsync(), Spec(deadlineSeconds: 2), runner: null);

        Assert.Null(outcome);
        Assert.NotNull(failure);
        Assert.Contains("no model and no error within the deadline of 2 s (spec.lstm.deadlineSeconds)", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corpus_file_replaced_during_the_run_fails_it_naming_the_file()
    {
        var store = await StoreAsync();
        var log = new ActivityLog();
        string? replaced = null;
        await foreach (var blob in store.ListAsync(Containers.Corpora, "recola/audio/"))
        {
            replaced ??= blob.Name;
        }

        Assert.NotNull(replaced);
        log.Completed += a =>
        {
            if (a.Stage == "ingest")
            {
                // A new upload of one file lands after the run ingested the corpus (and before it reads the audio).
                var bytes = store.GetBytesAsync(Containers.Corpora, replaced).GetAwaiter().GetResult();
                bytes[^1] ^= 0x5A;
                store.PutBytesAsync(Containers.Corpora, replaced, bytes).GetAwaiter().GetResult();
            }
        };
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, log);
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => PipelineRunner.RunAsync(host.Client, Spec(600) with { Corpora = ["recola"] }, "replaced"));

        Assert.Contains($"corpora/{replaced}: sha256: the file changed after this run ingested it", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_started_under_another_orchestration_version_fails_naming_both_versions()
    {
        var store = await StoreAsync();
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        await host.Client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Experiment, Spec(600), new StartOrchestrationOptions("old-run") { Version = "1" });
        var state = await host.Client.WaitForInstanceCompletionAsync("old-run", getInputsAndOutputs: true).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        string failure = state.FailureDetails?.ErrorMessage ?? state.SerializedOutput ?? string.Empty;
        Assert.Contains($"was started under orchestration version '1' and this deployment runs version '{ExperimentOrchestration.Version}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_with_no_result_behind_it_only_makes_the_run_wait_for_the_next()
    {
        var store = await StoreAsync();
        var jobs = PipelineTasks.DefaultTrainingQueue(store);
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var run = PipelineRunner.RunAsync(host.Client, Spec(600), "stale-events").WaitAsync(TimeSpan.FromMinutes(3));
        while (await jobs.CountAsync() < 4)
        {
            Assert.False(run.IsCompleted, "the run ended before queueing its jobs");
            await Task.Delay(100);
        }

        // Stale completions of every queued key (as after a resumed run), raised before any model exists.
        for (int i = 0; i < 4; i++)
        {
            var message = await jobs.ReceiveAsync(TimeSpan.FromSeconds(2));
            Assert.NotNull(message);
            var job = System.Text.Json.JsonSerializer.Deserialize<LstmTrainingJob>(message.Text, TrainingWorker.Json)!;
            await host.Client.RaiseEventAsync("stale-events", LstmCompletion.EventName(job.ModelKey), new LstmCompletion(job.ModelKey, "stale-events", null));
        }

        await Task.Delay(2500); // the four jobs are visible again
        Assert.False(run.IsCompleted, "a stale event ended the wait");
        using var stop = new CancellationTokenSource();
        var worker = new TrainingWorker(store, jobs, jobs.Sibling(TrainingQueueNames.Poison), new StoredLldRunner(TimeSpan.Zero)).RunAsync(TimeSpan.FromMilliseconds(50), cancellationToken: stop.Token);
        var outcome = await run;
        await stop.CancelAsync();
        await worker;

        Assert.Equal(4, outcome.Activities.Count(a => a.Stage == "lstm" && a.Blob.EndsWith("model.onnx", StringComparison.Ordinal)));
    }
}
