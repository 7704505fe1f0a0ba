using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Affect.Storage.Tests;
using Azure.Storage.Queues;

namespace Affect.Hosting.Tests;

/// <summary>
/// How the training worker gives up and holds its job, on real Azurite queues and blobs (and the folder queue):
/// error.json on every give-up, poison before work after crashed attempts, visibility renewal while training.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrainingWorkerFailureTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("affect-worker-failure-");

    public void Dispose() => folder.Delete(recursive: true);

    /// <summary>A runner the test controls: counts calls and runs a delegate in place of the trainer.</summary>
    private sealed class DelegateRunner(Func<LstmTrainingJob, CancellationToken, Task<LstmJobOutput>> run) : ILstmJobRunner
    {
        private int runs;

        public int Runs => Volatile.Read(ref runs);

        public Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref runs);
            return run(job, cancellationToken);
        }
    }

    private static readonly LstmJobOutput Output = new([1, 2, 3], JsonSerializer.SerializeToUtf8Bytes(new { bestEpoch = 1 }));

    private (IBlobStore Store, ITrainingQueue Jobs, ITrainingQueue Poison) Azure()
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        return (BlobStore.Open(azurite.ConnectionString),
            new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "jobs-" + suffix)),
            new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "poison-" + suffix)));
    }

    private (IBlobStore Store, ITrainingQueue Jobs, ITrainingQueue Poison) Folder()
    {
        var queues = Path.Combine(folder.FullName, TrainingQueues.FolderName);
        return (new FolderBlobStore(folder.FullName), new FolderTrainingQueue(queues, TrainingQueueNames.Jobs), new FolderTrainingQueue(queues, TrainingQueueNames.Poison));
    }

    /// <summary>A request with a fresh seed, so tests sharing one Azurite never share a model key.</summary>
    private static LstmTrainingRequest Request() =>
        new("recola-synth", "semaine-synth", null, "arousal", Random.Shared.NextInt64(1, long.MaxValue), new LstmJobParameters(Epochs: 1), ["k"]);

    /// <summary>Receives the next message like a worker that then dies (1 s visibility, the Azure minimum), waiting until one is visible.</summary>
    private static async Task<QueuedMessage> ReceiveWhenVisibleAsync(ITrainingQueue jobs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await jobs.ReceiveAsync(TimeSpan.FromSeconds(1)) is { } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, "the message never became visible again");
            await Task.Delay(100);
        }
    }

    private static async Task<PoisonedJob> ErrorJsonAsync(IBlobStore store, string key)
    {
        Assert.NotNull(await store.GetInfoAsync(Containers.Models, LstmModelBlobs.Error(key)));
        await using var stream = await store.OpenReadAsync(Containers.Models, LstmModelBlobs.Error(key));
        return (await JsonSerializer.DeserializeAsync<PoisonedJob>(stream, TrainingWorker.Json))!;
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("folder")]
    public async Task Visibility_renewal_keeps_a_long_job_from_a_second_worker(string kind)
    {
        var (store, jobs, poison) = kind == "azure" ? Azure() : Folder();
        // 3 s: the lease renews every 1.5 s, which leaves a busy CI machine 1.5 s of slack per renewal (1 s left it 0.5 s,
        // and a late renewal let the second worker take the job).
        var visibility = TimeSpan.FromSeconds(3);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        var runner = new DelegateRunner(async (_, ct) =>
        {
            if (Interlocked.Increment(ref started) == 1)
            {
                await release.Task.WaitAsync(ct);   // the first run lasts until the test ends it
            }

            return Output;                          // a second run (the bug) returns at once, so the polls see it
        });
        var first = new TrainingWorker(store, jobs, poison, runner) { Visibility = visibility };
        var second = new TrainingWorker(store, jobs, poison, runner) { Visibility = visibility };
        var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(Request());

        var training = Task.Run(() => first.ProcessNextAsync());
        while (runner.Runs == 0)
        {
            await Task.Delay(20);
        }

        // The job runs for 3 visibility timeouts; a second worker polls all the while and must find nothing.
        var polls = new List<JobOutcome>();
        var until = DateTime.UtcNow + 3 * visibility;
        while (DateTime.UtcNow < until)
        {
            polls.Add(await second.ProcessNextAsync());
            await Task.Delay(100);
        }

        release.SetResult();
        Assert.Equal(JobOutcome.Trained, await training);
        Assert.True(polls.Count >= 10, $"{polls.Count} polls");
        Assert.All(polls, p => Assert.Equal(JobOutcome.Idle, p));
        Assert.Equal(1, runner.Runs);
        Assert.Equal(0, await jobs.CountAsync());
        Assert.True((await new CheckLstmModelActivity(store).RunAsync(ticket.ModelKey)).Exists);
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("folder")]
    public async Task A_job_received_more_than_MaxAttempts_times_is_poisoned_without_training(string kind)
    {
        var (store, jobs, poison) = kind == "azure" ? Azure() : Folder();
        var runner = new DelegateRunner((_, _) => Task.FromResult(Output));
        var worker = new TrainingWorker(store, jobs, poison, runner) { MaxAttempts = 2, Visibility = TimeSpan.FromSeconds(30) };
        var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(Request());

        // Two workers received it and died before deleting it (it reappears after their 1 s visibility).
        Assert.Equal(1, (await ReceiveWhenVisibleAsync(jobs)).DequeueCount);
        Assert.Equal(2, (await ReceiveWhenVisibleAsync(jobs)).DequeueCount);
        while (await worker.ProcessNextAsync() is var outcome && outcome == JobOutcome.Idle)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1, await poison.CountAsync());
        Assert.Equal(0, runner.Runs);
        Assert.Equal(0, await jobs.CountAsync());
        var error = await ErrorJsonAsync(store, ticket.ModelKey);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("gave up after 2 attempt(s)", error.Error, StringComparison.Ordinal);
        Assert.NotNull(error.MessageId);
        var status = await new CheckLstmModelActivity(store).RunAsync(ticket.ModelKey);
        Assert.False(status.Exists);
        Assert.Equal(error.Error, status.Poisoned);
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("folder")]
    public async Task A_job_with_bad_input_writes_error_json_on_its_first_attempt(string kind)
    {
        var (store, jobs, poison) = kind == "azure" ? Azure() : Folder();
        var runner = new DelegateRunner((_, _) => throw new ArgumentException("no training windows", "train"));
        var worker = new TrainingWorker(store, jobs, poison, runner);
        var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(Request());

        Assert.Equal(JobOutcome.Poisoned, await worker.ProcessNextAsync());

        Assert.Equal(1, runner.Runs);
        var error = await ErrorJsonAsync(store, ticket.ModelKey);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("no training windows", error.Error, StringComparison.Ordinal);
        Assert.Contains("no training windows", (await new CheckLstmModelActivity(store).RunAsync(ticket.ModelKey)).Poisoned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_with_a_wrong_model_key_leaves_error_json_under_that_key()
    {
        var (store, jobs, poison) = Azure();
        var job = LstmTrainingJob.Create("recola-synth", "semaine-synth", null, "valence", 5, new LstmJobParameters()) with { ModelKey = "lstm-v2-forged" };
        await jobs.EnqueueAsync(JsonSerializer.Serialize(job, TrainingWorker.Json));
        var runner = new DelegateRunner((_, _) => Task.FromResult(Output));

        Assert.Equal(JobOutcome.Poisoned, await new TrainingWorker(store, jobs, poison, runner).ProcessNextAsync());

        Assert.Equal(0, runner.Runs);
        Assert.Contains("modelKey: 'lstm-v2-forged' is not the content key", (await ErrorJsonAsync(store, "lstm-v2-forged")).Error, StringComparison.Ordinal);
        Assert.True(await store.DeleteAsync(Containers.Models, LstmModelBlobs.Error("lstm-v2-forged")));
    }

    [Fact]
    public async Task Enqueueing_the_key_again_removes_a_stale_error_json()
    {
        var (store, jobs, poison) = Azure();
        var failing = new TrainingWorker(store, jobs, poison, new DelegateRunner((_, _) => throw new ArgumentException("no training windows")));
        var request = Request();
        var ticket = await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(request);
        Assert.Equal(JobOutcome.Poisoned, await failing.ProcessNextAsync());
        var check = new CheckLstmModelActivity(store);
        Assert.NotNull((await check.RunAsync(ticket.ModelKey)).Poisoned);

        // A later run (e.g. after the corpus was fixed) enqueues the same key: the old failure must not end it.
        Assert.True((await new EnqueueLstmTrainingActivity(store, jobs).RunAsync(request)).Enqueued);
        Assert.Null((await check.RunAsync(ticket.ModelKey)).Poisoned);
        var runner = new DelegateRunner((_, _) => Task.FromResult(Output));
        Assert.Equal(JobOutcome.Trained, await new TrainingWorker(store, jobs, poison, runner).ProcessNextAsync());
        var status = await check.RunAsync(ticket.ModelKey);
        Assert.True(status.Exists);
        Assert.Null(status.Poisoned);
    }

    [Fact]
    public async Task Renewing_with_a_stale_pop_receipt_fails_on_azure()
    {
        var (_, jobs, _) = Azure();
        await jobs.EnqueueAsync("x");
        var received = (await jobs.ReceiveAsync(TimeSpan.FromSeconds(30)))!;
        var renewed = await jobs.RenewAsync(received, TimeSpan.FromSeconds(30));
        Assert.NotEqual(received.PopReceipt, renewed.PopReceipt);
        Assert.Null(await jobs.ReceiveAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => jobs.RenewAsync(received, TimeSpan.FromSeconds(30)));
        await jobs.DeleteAsync(renewed);
        Assert.Equal(0, await jobs.CountAsync());
    }
}
