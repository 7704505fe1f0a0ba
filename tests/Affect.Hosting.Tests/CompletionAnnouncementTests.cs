using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Hosting.Tests;

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

    [Fact]
    public async Task A_marker_whose_runner_died_before_queueing_is_taken_over_once_and_a_live_one_is_waited_for()
    {
        var store = new FolderBlobStore(root);
        var jobs = new FolderTrainingQueue(Path.Combine(root, TrainingQueues.FolderName), TrainingQueueNames.Jobs);
        var enqueue = new EnqueueLstmTrainingActivity(store, jobs);
        var request = new LstmTrainingRequest("a", "b", null, "arousal", 1, null, ["k1", "k2", "-"]);
        string key = (await enqueue.RunAsync(request with { ReplyTo = "run-1" })).ModelKey;
        Assert.Equal(1, await jobs.CountAsync());

        // A runner killed between the marker and the message: the marker is older than the take-over age, no
        // enqueued.json and no message. Two resumed runners at once: exactly one queues the job, the other waits for it.
        var message = await jobs.ReceiveAsync(TimeSpan.FromMinutes(1));
        await jobs.DeleteAsync(message!);
        await store.DeleteAsync(Containers.Models, LstmModelBlobs.Enqueued(key));
        var old = new LstmQueueMarker(DateTimeOffset.UtcNow - QueuedTraining.TakeOverAfter - TimeSpan.FromSeconds(1));
        await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Queued(key), JsonSerializer.SerializeToUtf8Bytes(old, TrainingWorker.Json));
        var resumed = await Task.WhenAll(enqueue.RunAsync(request with { ReplyTo = "run-2" }), enqueue.RunAsync(request with { ReplyTo = "run-3" }));
        Assert.All(resumed, t => Assert.True(t.Enqueued));
        Assert.Equal(1, await jobs.CountAsync());
        Assert.NotNull(await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Enqueued(key)));

        // The job was queued (enqueued.json present): a further runner only registers as a waiter, queueing nothing.
        Assert.True((await enqueue.RunAsync(request with { ReplyTo = "run-4" })).Enqueued);
        Assert.Equal(1, await jobs.CountAsync());
        var worker = new TrainingWorker(store, jobs, jobs.Sibling(TrainingQueueNames.Poison), new Runner(null));
        Assert.Equal([JobOutcome.Trained], await worker.DrainAsync());
        Assert.Equal(0, await jobs.CountAsync());
    }
}
