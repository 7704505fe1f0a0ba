using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Affect.Storage.Tests;
using Azure.Storage.Queues;

namespace Affect.Training.Tests;

/// <summary>The auDeep job on the Azure path: Azure Storage queues and blobs of a real Azurite, the real worker and trainer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteAuDeepJobTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_auDeep_job_queued_on_Azure_Storage_is_trained_by_the_worker_and_announced_to_its_run()
    {
        var store = new AzureBlobStore(azurite.ConnectionString);
        var (_, spectrograms) = await AuDeepJobTests.PrepareAsync(store);
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var jobs = new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "jobs-" + suffix));
        var poison = new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "poison-" + suffix));
        var completions = new AzureTrainingQueue(new QueueClient(azurite.ConnectionString, "completions-" + suffix));

        var ticket = await new EnqueueAuDeepTrainingActivity(store, jobs).RunAsync(AuDeepJobTests.Request(spectrograms) with { ReplyTo = "run-az" });
        Assert.True(ticket.Enqueued);
        var outcomes = await new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null)) { Completions = completions }.DrainAsync();

        Assert.Equal([JobOutcome.Trained], outcomes);
        var status = await new CheckAuDeepModelActivity(store).RunAsync(ticket.ModelKey);
        Assert.True(status.Exists, status.Poisoned);
        var model = await store.GetJsonAsync<AuDeepModel>(Containers.Models, status.ModelBlob!, MemoizedArtifacts.Json);
        Assert.Equal(AuDeepJobTests.Small.ThresholdsOrDefault, model.Thresholds);
        var completion = await completions.ReceiveAsync(TimeSpan.FromMinutes(1));
        Assert.NotNull(completion);
        Assert.Contains(ticket.ModelKey, completion.Text, StringComparison.Ordinal);
        Assert.Contains("run-az", completion.Text, StringComparison.Ordinal);

        var extracted = await new ExtractAuDeepActivity(store, new ActivityLog()).RunAsync(new AuDeepExtractRequest("usoms", spectrograms[1], ticket.ModelKey, status.ModelBlob!));
        Assert.False(extracted.Reused);
        Assert.EndsWith("audeep.json", extracted.Blob, StringComparison.Ordinal);
    }
}
