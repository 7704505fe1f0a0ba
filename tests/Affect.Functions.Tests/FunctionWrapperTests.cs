using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Affect.Functions.Tests;

public sealed class FunctionWrapperTests
{
    private static async Task<FolderBlobStore> StoreWithCorpusAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-fn-tests", Guid.NewGuid().ToString("N"));
        var store = new FolderBlobStore(dir);
        var files = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 2) with { Speakers = 9, UtterancesPerSpeaker = 6, MinUtteranceSeconds = 3, MaxUtteranceSeconds = 6 });
        foreach (var f in files.OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
        {
            await store.PutBytesAsync(Containers.Corpora, $"usoms/{f.RelativePath}", f.Content);
        }

        return store;
    }

    [Fact]
    public async Task Activity_wrappers_call_the_shared_activities()
    {
        var store = await StoreWithCorpusAsync();
        // The Functions host resolves the wrappers' activities from DI exactly like this.
        using var services = new ServiceCollection().AddPipelineActivities(store).BuildServiceProvider();
        var functions = ActivatorUtilities.CreateInstance<ExperimentFunctions>(services);

        var ingested = await functions.IngestCorpus(new IngestRequest("usoms"), CancellationToken.None);
        Assert.Equal("usoms", ingested.Corpus);
        Assert.True(ingested.FileCount > 0);
        var summary = await functions.SummarizeAudio(new AudioSummaryBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, 2), CancellationToken.None);
        Assert.False(summary.Reused);
        var again = await functions.SummarizeAudio(new AudioSummaryBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, 2), CancellationToken.None);
        Assert.True(again.Reused);
        Assert.Equal(summary.Key, again.Key);
        var lld = await functions.ExtractLld(new LldBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, 1), CancellationToken.None);
        Assert.EndsWith("index.json", lld.Blob, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuDeep_wrappers_call_the_shared_activities()
    {
        var store = await StoreWithCorpusAsync();
        using var services = new ServiceCollection().AddPipelineActivities(store).BuildServiceProvider();
        var functions = ActivatorUtilities.CreateInstance<ExperimentFunctions>(services);
        var audeep = ActivatorUtilities.CreateInstance<AuDeepFunctions>(services);
        var ingested = await functions.IngestCorpus(new IngestRequest("usoms"), CancellationToken.None);
        var options = AuDeepOptions.Demo with { ChunkSeconds = 1 };

        var spectrograms = await audeep.ComputeSpectrograms(new SpectrogramsBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, 2, options), CancellationToken.None);
        Assert.Equal(SpectrogramsActivity.Stage, spectrograms.Stage);
        Assert.False(spectrograms.Reused);
        Assert.True((await audeep.ComputeSpectrograms(new SpectrogramsBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, 2, options), CancellationToken.None)).Reused);
        var status = await ActivatorUtilities.CreateInstance<QueuedTrainingFunctions>(services).CheckAuDeepModel("0123456789abcdef", CancellationToken.None);
        Assert.False(status.Exists);
        Assert.Null(status.Poisoned);
    }

    [Fact]
    public async Task End2You_wrappers_call_the_shared_activities()
    {
        var store = await StoreWithCorpusAsync();
        using var services = new ServiceCollection().AddPipelineActivities(store).BuildServiceProvider();
        var functions = ActivatorUtilities.CreateInstance<ExperimentFunctions>(services);
        var end2you = ActivatorUtilities.CreateInstance<QueuedTrainingFunctions>(services);
        var ingested = await functions.IngestCorpus(new IngestRequest("usoms"), CancellationToken.None);
        var request = new End2YouTrainingRequest("usoms", 1, End2YouSpec.Demo, ingested.Record.Key, ingested.Record.Blob, null);

        var ticket = await end2you.EnqueueEnd2YouTraining(request, CancellationToken.None);
        Assert.True(ticket.Enqueued);
        var status = await end2you.CheckEnd2YouModel(ticket.ModelKey, CancellationToken.None);
        Assert.False(status.Exists);
        Assert.Null(status.Poisoned);
        Assert.Equal(ticket.ModelKey, (await end2you.EnqueueEnd2YouTraining(request, CancellationToken.None)).ModelKey);
    }

    [Fact]
    public async Task Run_starter_schedules_the_orchestration_once_per_spec_and_it_completes()
    {
        var store = await StoreWithCorpusAsync();
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var spec = new ExperimentSpec(await RunRequests.ListCorporaAsync(store)) { Boaw = new(Size: 16, Iterations: 5), Learners = new(Names: ["kelm"]) };
        Assert.Equal(["usoms"], spec.Corpora);

        var first = await RunStarter.StartAsync(host.Client, store, spec, "tiny", RunTriggers.Upload);
        var twin = await RunStarter.StartAsync(host.Client, store, spec, "tiny", RunTriggers.Http);
        Assert.Equal((first.RunId, true, false), (twin.RunId, first.Started, twin.Started));
        string id = first.RunId;
        var state = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.NotNull(await store.GetInfoAsync(Containers.Runs, $"{id}/results.json"));
    }

    [Fact]
    public void Start_request_bodies_are_checked_field_by_field()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["a","b"],"seed":9}""", ["x"]);
        Assert.Equal(["a", "b"], spec.Corpora);
        Assert.Equal(9UL, spec.Seed);
        Assert.Equal(["x"], RunRequests.ParseStartBody(string.Empty, ["x"]).Corpora);
        Assert.Contains("seed", Assert.Throws<FormatException>(() => RunRequests.ParseStartBody("""{"seed":"abc"}""", ["x"])).Message);
        Assert.Contains("corpora", Assert.Throws<FormatException>(() => RunRequests.ParseStartBody("{}", [])).Message);
        Assert.Contains("spec.corpora[0]", Assert.Throws<FormatException>(() => RunRequests.ParseStartBody("""{"corpora":["../etc"]}""", [])).Message);
        Assert.Throws<FormatException>(() => RunRequests.ParseStartBody("""{"corpra":["a"]}""", ["x"]));
        Assert.StartsWith("spec.boaw.iterations:", Assert.Throws<FormatException>(() => RunRequests.ParseStartBody("""{"boaw":{"iterations":-5}}""", ["x"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_http_trigger_and_an_upload_over_the_same_settings_start_the_same_run()
    {
        // POST /api/runs and experiments/{name}.json (read by the blob and timer triggers) go through the one parser: the same
        // settings give the same spec, hence the same run id, whichever entry point or field order they came by.
        var store = new FolderBlobStore(Path.Combine(Path.GetTempPath(), "affect-fn-tests", Guid.NewGuid().ToString("N")));
        await store.PutBytesAsync(Containers.Corpora, "a/manifest.json", "{}"u8.ToArray());
        await store.PutBytesAsync(Experiments.Container, "e.json", """{"lstm":{"deadlineSeconds":120},"boaw":{"iterations":30,"size":100},"corpora":["a"]}"""u8.ToArray());
        var upload = Assert.Single(await Experiments.ForUploadAsync(store, "a"));
        var http = RunRequests.ParseStartBody("""{"corpora":["a"],"boaw":{"size":100,"iterations":30},"lstm":{"deadlineSeconds":120}}""", await RunRequests.ListCorporaAsync(store));
        var versions = new Dictionary<string, string> { ["a"] = "v" };
        Assert.Equal(RunStarts.RunIdFor(http, versions), RunStarts.RunIdFor(upload.Spec, versions));
        Assert.Equal(120, upload.Spec.Lstm.DeadlineSeconds);
    }
}
