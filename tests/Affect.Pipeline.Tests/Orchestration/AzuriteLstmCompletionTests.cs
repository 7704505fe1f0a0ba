using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Affect.Storage.Tests;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>
/// The Azure path of the LSTM wait over a real Azurite: Azure Storage queues for the jobs and the completions, the
/// Durable Task Azure Storage engine (history in Azurite tables), and the host relaying each completion as an event.
/// </summary>
[Collection("Azurite")]
public sealed class AzuriteLstmCompletionTests(AzuriteFixture azurite)
{
    /// <summary>Runs the LSTM stages with a worker whose every job takes <paramref name="trainingTime"/>; returns the run's work events in history.</summary>
    private async Task<(ExperimentOutcome Outcome, int WorkEvents, int Raised, int Timers)> RunAsync(ulong seed, TimeSpan trainingTime)
    {
        var store = new AzureBlobStore(azurite.ConnectionString);
        await LstmCompletionTests.UploadDimensionalAsync(store);
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var jobs = new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "jobs-" + suffix));
        var poison = new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "poison-" + suffix));
        string hub = "lstmevents" + suffix;
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, azurite.ConnectionString, hub, "test-worker");
        var runner = new LstmCompletionTests.StoredLldRunner(trainingTime);
        ExperimentOutcome outcome;
        await using (var host = await DurableEngineHost.StartAsync(engine, store, new ActivityLog(), trainingQueue: jobs))
        {
            using var stop = new CancellationTokenSource();
            var worker = new TrainingWorker(store, jobs, poison, runner).RunAsync(TimeSpan.FromMilliseconds(100), cancellationToken: stop.Token);
            try
            {
                outcome = await PipelineRunner.RunAsync(host.Client, LstmCompletionTests.Spec(600) with { Seed = seed }, "lstm-az").WaitAsync(TimeSpan.FromMinutes(3));
            }
            finally
            {
                await stop.CancelAsync();
                await worker;
            }
        }

        Assert.Equal(4, runner.Runs);
        var history = new TableClient(azurite.ConnectionString, hub + "History")
            .Query<TableEntity>(e => e.PartitionKey == "lstm-az")
            .Select(e => e.GetString("EventType"))
            .ToList();
        return (
            outcome,
            history.Count(t => t is not ("OrchestratorStarted" or "OrchestratorCompleted")),
            history.Count(t => t == "EventRaised"),
            history.Count(t => t == "TimerCreated"));
    }

    [Fact]
    public async Task The_run_continues_on_the_workers_completion_events_and_its_history_does_not_grow_with_training_time()
    {
        var fast = await RunAsync(seed: 11, TimeSpan.FromMilliseconds(100));
        var slow = await RunAsync(seed: 12, TimeSpan.FromSeconds(4));

        Assert.Equal(4, slow.Outcome.Activities.Count(a => a.Stage == "lstm" && a.Blob.EndsWith("model.onnx", StringComparison.Ordinal)));
        // Per job: one enqueue, one completion event, one (cancelled) deadline timer, one result read — however long it
        // trains; a polling loop would add a check and a timer every few seconds of the slow run's 4 × 4 s.
        Assert.Equal(4, slow.Raised);
        Assert.Equal(4, slow.Timers);
        Assert.Equal(fast.WorkEvents, slow.WorkEvents);
    }
}
