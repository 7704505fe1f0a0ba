using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The opt-in EGEMAPS feature set: with <c>EGeMaps = true</c> the run builds it and scores every learner on it beside OSFUN.</summary>
public sealed class EGeMapsOrchestrationTests
{
    [Fact]
    public async Task With_eGeMAPS_on_every_learner_also_runs_on_the_EGEMAPS_set_and_the_report_lists_it()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        await TestCorpora.UploadAsync(store);
        var spec = TestCorpora.Spec(seed: 5, batchSize: 100) with { Corpora = ["usoms"], Lstm = new(Enabled: false), Features = new(BatchSize: 100, EGeMaps: true) };
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var outcome = await PipelineRunner.RunAsync(host.Client, spec, "e-1");

        Assert.Contains(outcome.Activities, a => a.Stage == "egemaps");
        var results = await store.GetJsonAsync<RunResults>(Containers.Artifacts, outcome.Results);
        Assert.Equal(["OSFUN", "OSBOAW", "OSFUN+OSBOAW", BuildFeatureSetActivity.EGeMapsName], results.Classification.Select(r => r.FeatureSet).Distinct());
        var egemaps = results.Classification.Where(r => r.FeatureSet == BuildFeatureSetActivity.EGeMapsName).ToList();
        Assert.Equal(spec.Learners.NamesOrAll, egemaps.Select(r => r.Learner));
        Assert.All(egemaps, r => Assert.InRange(r.TestUar!.Value, 0, 1));
        Assert.Contains("EGEMAPS", await File.ReadAllTextAsync(Path.Combine(store.Root, Containers.Artifacts, outcome.Report)), StringComparison.Ordinal);
    }
}
