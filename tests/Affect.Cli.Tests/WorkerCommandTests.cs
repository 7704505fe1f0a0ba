using System.Text.Json;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Cli.Tests;

/// <summary><c>affect worker</c> processes killed in the middle of a job (what an OOM or CUDA abort does to the trainer).</summary>
public sealed class WorkerCommandTests
{
    private static readonly TimeSpan LineLimit = TimeSpan.FromMinutes(3);

    private static AffectChild StartWorker(string root) =>
        AffectChild.Start("worker", "--store", root, "--max-attempts", "2", "--visibility-seconds", "2", "--poll-seconds", "0.2");

    [Fact]
    public async Task A_worker_killed_mid_job_is_retried_and_the_job_is_poisoned_with_error_json_once_attempts_are_spent()
    {
        string root = CliProcess.TempDir();
        try
        {
            var store = new FolderBlobStore(root);
            foreach (var (kind, name) in new[] { (SyntheticCorpusKind.Recola, "recola"), (SyntheticCorpusKind.Semaine, "semaine") })
            {
                foreach (var f in SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(kind, 3)))
                {
                    await store.PutBytesAsync(Containers.Corpora, $"{name}/{f.RelativePath}", f.Content);
                }
            }

            var jobs = TrainingQueues.Open(root, TrainingQueueNames.Jobs);
            var poison = TrainingQueues.Open(root, TrainingQueueNames.Poison);
            // Far more epochs than the test waits for: every worker is killed during training.
            var request = new LstmTrainingRequest("recola", "semaine", null, "arousal", 7, new LstmJobParameters(Epochs: 1000, HiddenSize: 8, Layers: 1, Features: "basic-prosody-10"), ["k"]);
            var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(request);

            // Attempts 1 and 2: each worker starts training (an epoch ends) and is killed.
            for (int attempt = 1; attempt <= 2; attempt++)
            {
                await using var worker = StartWorker(root);
                await worker.WaitForLineAsync("epoch 1:", LineLimit);
                await worker.KillAsync();
                Assert.Null(await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(ticket.ModelKey)));
                Assert.Equal(1, await jobs.CountAsync());
            }

            // Attempt 3: the message comes back a third time, more than --max-attempts 2: poisoned without training.
            await using (var worker = StartWorker(root))
            {
                await worker.WaitForLineAsync($"{ticket.ModelKey} (message ", LineLimit);
                Assert.DoesNotContain("epoch 1:", worker.Output, StringComparison.Ordinal);
                Assert.Contains("moved to lstm-training-poison after 2 attempt(s)", worker.Output, StringComparison.Ordinal);
            }

            Assert.Equal(0, await jobs.CountAsync());
            Assert.Equal(1, await poison.CountAsync());
            Assert.Null(await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Model(ticket.ModelKey)));
            await using var stream = await store.OpenReadAsync(Containers.Models, LstmModelBlobs.Error(ticket.ModelKey));
            var error = (await JsonSerializer.DeserializeAsync<PoisonedJob>(stream, TrainingWorker.Json))!;
            Assert.Equal(2, error.Attempts);
            Assert.Contains("gave up after 2 attempt(s)", error.Error, StringComparison.Ordinal);
            Assert.Equal(error.Error, (await new CheckLstmModelActivity(store).RunAsync(ticket.ModelKey)).Poisoned);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_whose_trainer_processes_keep_dying_fails_with_the_workers_error_before_its_deadline()
    {
        string root = CliProcess.TempDir();
        try
        {
            var store = new FolderBlobStore(root);
            foreach (var (kind, name) in new[] { (SyntheticCorpusKind.Recola, "recola"), (SyntheticCorpusKind.Semaine, "semaine") })
            {
                var files = SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(kind, 3, 3, 0.2, 1));
                foreach (var f in files.OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
                {
                    await store.PutBytesAsync(Containers.Corpora, $"{name}/{f.RelativePath}", f.Content);
                }
            }

            // Far more epochs than any worker lives: each is killed once an epoch ended, until a job's attempts are spent.
            var spec = new ExperimentSpec(["recola", "semaine"], Seed: 2) { Features = new(BatchSize: 100), Lstm = new(Epochs: 1000, DeadlineSeconds: 600) };
            await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
            var started = DateTime.UtcNow;
            var run = PipelineRunner.RunAsync(host.Client, spec, "dying-trainer");
            int kills = 0;
            while (!run.IsCompleted && kills < 12)
            {
                await using var worker = StartWorker(root);
                var trained = worker.WaitForLineAsync("epoch 1:", LineLimit);
                await Task.WhenAny(trained, run);
                if (trained.IsCompletedSuccessfully)
                {
                    await worker.KillAsync();
                    kills++;
                }
            }

            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => run.WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.Contains("training failed", failure.Reason, StringComparison.Ordinal);
            Assert.Contains("gave up after 2 attempt(s)", failure.Reason, StringComparison.Ordinal);
            Assert.True(kills >= 2, $"only {kills} worker(s) killed");
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(spec.Lstm.DeadlineSeconds), "the run failed only at its deadline");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
