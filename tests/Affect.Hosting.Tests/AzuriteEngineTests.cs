using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Storage;
using Affect.Storage.Tests;

namespace Affect.Hosting.Tests;

[Collection("Azurite")]
public sealed class AzuriteEngineTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_same_orchestration_on_the_Azure_Storage_engine_over_Azurite_gives_the_same_results_as_in_memory()
    {
        var spec = TestCorpora.Spec(seed: 5, batchSize: 3);

        var folder = new FolderBlobStore(TestCorpora.TempDir());
        await TestCorpora.UploadAsync(folder);
        ExperimentOutcome local;
        await using (var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, folder, new ActivityLog()))
        {
            local = await PipelineRunner.RunAsync(host.Client, spec, "az-compare");
        }

        var azure = new AzureBlobStore(azurite.ConnectionString);
        await TestCorpora.UploadAsync(azure);
        string hub = "affecttest" + Guid.NewGuid().ToString("N")[..8];
        var engine = new DurableEngineOptions(DurableEngine.AzureStorage, azurite.ConnectionString, hub, "test-worker");
        ExperimentOutcome remote;
        var progress = new List<RunProgress>();
        await using (var host = await DurableEngineHost.StartAsync(engine, azure, new ActivityLog()))
        {
            remote = await PipelineRunner.RunAsync(host.Client, spec, "az-compare", progress.Add).WaitAsync(TimeSpan.FromMinutes(3));
        }

        Assert.Contains(progress, p => p.Stage == "audio-summary");
        Assert.Equal(local.Results, remote.Results);
        Assert.Equal(
            await folder.GetBytesAsync(Containers.Artifacts, local.Results),
            await azure.GetBytesAsync(Containers.Artifacts, remote.Results));
        Assert.NotNull(await azure.GetInfoAsync(Containers.Runs, "az-compare/run.json"));
    }
}
