using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Tests.Training;

/// <summary>The worker's side of the LSTM wait: every ended job is announced on <c>lstm-completions</c> to its waiting run.</summary>
public sealed class CompletionAnnouncementTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    private sealed class Runner(Exception? failure) : ILstmJobRunner
    {
        public Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken) =>
            failure is null ? Task.FromResult(new LstmJobOutput([1, 2, 3], "{}"u8.ToArray())) : throw failure;
    }

    private async Task<(LstmTrainingJob Job, List<LstmCompletion> Completions)> ProcessAsync(Exception? failure, bool duplicate = false)
    {
        var store = new FolderBlobStore(root);
        var jobs = new FolderTrainingQueue(Path.Combine(root, TrainingQueues.FolderName), TrainingQueueNames.Jobs);
        var poison = jobs.Sibling(TrainingQueueNames.Poison);
        var job = LstmTrainingJob.Create("a", "b", null, "arousal", 1, new LstmJobParameters()) with { ReplyTo = "run-1" };
        string text = JsonSerializer.Serialize(job, TrainingWorker.Json);
        await jobs.EnqueueAsync(text);
        if (duplicate)
        {
            await jobs.EnqueueAsync(text);
        }

        var worker = new TrainingWorker(store, jobs, poison, new Runner(failure));
        await worker.DrainAsync();
        var completions = new List<LstmCompletion>();
        var queue = jobs.Sibling(TrainingQueueNames.Completions);
        while (await queue.ReceiveAsync(TimeSpan.FromMinutes(1)) is { } message)
        {
            completions.Add(JsonSerializer.Deserialize<LstmCompletion>(message.Text, TrainingWorker.Json)!);
            await queue.DeleteAsync(message);
        }

        return (job, completions);
    }

    [Fact]
    public async Task A_trained_job_and_its_dropped_duplicate_are_both_announced_to_the_waiting_run()
    {
        var (job, completions) = await ProcessAsync(failure: null, duplicate: true);

        Assert.Equal(2, completions.Count);
        Assert.All(completions, c => Assert.Equal(new LstmCompletion(job.ModelKey, "run-1", null), c));
    }

    [Fact]
    public async Task A_job_given_up_on_bad_input_is_announced_with_its_error()
    {
        var (job, completions) = await ProcessAsync(new ArgumentException("no training windows"));

        var completion = Assert.Single(completions);
        Assert.Equal(job.ModelKey, completion.ModelKey);
        Assert.Equal("run-1", completion.InstanceId);
        Assert.Equal("ArgumentException: no training windows", completion.Error);
        Assert.Equal("lstm-completed-" + job.ModelKey, LstmCompletion.EventName(job.ModelKey));
    }

    [Fact]
    public async Task A_run_that_finds_its_job_queued_by_another_run_is_told_of_the_outcome_too()
    {
        var store = new FolderBlobStore(root);
        var jobs = new FolderTrainingQueue(Path.Combine(root, TrainingQueues.FolderName), TrainingQueueNames.Jobs);
        var enqueue = new EnqueueLstmTrainingActivity(store, jobs);
        var request = new LstmTrainingRequest("a", "b", null, "arousal", 1, null, ["k1", "k2", "-"]);

        var first = await enqueue.RunAsync(request with { ReplyTo = "run-1" });
        var second = await enqueue.RunAsync(request with { ReplyTo = "run-2" });

        Assert.True(first.Enqueued);
        Assert.True(second.Enqueued);
        Assert.Equal(first.ModelKey, second.ModelKey);
        var worker = new TrainingWorker(store, jobs, jobs.Sibling(TrainingQueueNames.Poison), new Runner(null));
        Assert.Equal([JobOutcome.Trained], await worker.DrainAsync());

        var completions = new List<LstmCompletion>();
        var queue = jobs.Sibling(TrainingQueueNames.Completions);
        while (await queue.ReceiveAsync(TimeSpan.FromMinutes(1)) is { } message)
        {
            completions.Add(JsonSerializer.Deserialize<LstmCompletion>(message.Text, TrainingWorker.Json)!);
            await queue.DeleteAsync(message);
        }

        Assert.Equal(["run-1", "run-2"], completions.Select(c => c.InstanceId).Order());
        await foreach (var left in store.ListAsync(Containers.Models, LstmModelBlobs.WaitersPrefix(first.ModelKey)))
        {
            Assert.Fail($"waiter entry {left.Name} left behind");
        }

        // A third run arriving after the model exists reads it without waiting for an event.
        var third = await enqueue.RunAsync(request with { ReplyTo = "run-3" });
        Assert.False(third.Enqueued);
    }
}
