using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

public sealed class InMemoryEngineTests
{
    [Fact]
    public async Task Orchestration_runs_every_stage_and_a_second_run_reuses_every_artifact()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        await TestCorpora.UploadAsync(store);
        var spec = TestCorpora.Spec(seed: 3, batchSize: 4);

        var log1 = new ActivityLog();
        ExperimentOutcome first;
        await using (var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, log1))
        {
            var progress = new List<RunProgress>();
            first = await PipelineRunner.RunAsync(host.Client, spec, "t-first", progress.Add);
            Assert.Contains(progress, p => p.Stage == "audio-summary" && p.Done > 0 && p.Total > 1);
            var summaryDone = progress.Where(p => p.Stage == "audio-summary").Select(p => p.Done).ToList();
            Assert.Equal(summaryDone.Order(), summaryDone); // progress only moves forward
            Assert.Equal("done", progress[^1].Stage);
        }

        Assert.All(first.Activities, a => Assert.False(a.Reused));
        Assert.Equal(2, first.Activities.Count(a => a.Stage == "ingest"));
        var results = await store.GetJsonAsync<RunResults>(Containers.Artifacts, first.Results);
        Assert.Equal(["usoms", "recola"], results.Corpora.Select(c => c.Name));
        var usoms = results.Corpora[0];
        Assert.Equal("categorical", usoms.Kind);
        Assert.True(usoms.Files > 0 && usoms.TotalDurationSeconds > usoms.Files * 2.0, "USoMS utterances last several seconds");
        Assert.True(usoms.Classes.Count == 3, "three valence classes");
        Assert.Equal("dimensional", results.Corpora[1].Kind);
        Assert.All(results.Corpora, c => Assert.InRange(c.MeanRmsDbfs, -60, -3));

        // Fig. 2 analogue: the dimensional corpus's gold-standard label statistics, none for the categorical one.
        Assert.Null(usoms.Labels);
        var labels = results.Corpora[1].Labels!;
        Assert.Equal([25.0], labels.Rates);
        Assert.Equal(6, labels.Raters["arousal"]);
        Assert.Equal("RECOLA", labels.StandsFor);
        Assert.Equal(labels.Frames, labels.Dimensions["arousal"].Histogram.Sum());
        Assert.Equal(labels.Frames, labels.Joint!.Sum(r => r.Sum()));
        Assert.InRange(labels.ArousalValenceCorrelation!.Value, -1, 1);

        // LLD stage: one .npy of frames × 130 per file, as many rows as the ComParE frame grid gives.
        Assert.All(results.Corpora, c => Assert.True(c.LldFrames > c.TotalDurationSeconds * 95, $"{c.Name}: {c.LldFrames} LLD frames"));
        var lldRef = first.Activities.First(a => a.Stage == "lld");
        var index = await store.GetJsonAsync<LldIndex>(Containers.Artifacts, lldRef.Blob);
        var entry = index.Files[0];
        Assert.Equal(130, entry.Columns);
        Assert.Equal(130, index.Columns.Count);
        string folder = lldRef.Blob[..(lldRef.Blob.LastIndexOf('/') + 1)];
        var npy = await store.GetBytesAsync(Containers.Artifacts, folder + entry.Npy);
        var (values, rows, cols) = Affect.Audio.NpyFormat.Read(new MemoryStream(npy), entry.Npy);
        Assert.Equal((entry.Rows, 130), (rows, cols));
        Assert.All(values, v => Assert.True(float.IsFinite(v)));

        // Utterance branch on the categorical corpus: three feature sets × two learners, scored on devel and test.
        Assert.Equal(6, results.Classification.Count);
        Assert.All(results.Classification, r => Assert.Equal("usoms", r.Corpus));
        Assert.Equal(["OSFUN", "OSBOAW", "OSFUN+OSBOAW"], results.Classification.Select(r => r.FeatureSet).Distinct());
        Assert.All(results.Classification, r => Assert.InRange(r.TestUar!.Value, 0, 1));
        string html = await File.ReadAllTextAsync(Path.Combine(((FolderBlobStore)store).Root, Containers.Artifacts, first.Report));
        Assert.Contains("Table 3", html);
        Assert.Contains("Fig. 2 analogue", html);
        Assert.Contains("aria-label=\"arousal-valence distribution of recola\"", html);
        Assert.NotNull(await store.GetInfoAsync(Containers.Runs, "t-first/results.json"));
        Assert.NotNull(await store.GetInfoAsync(Containers.Runs, "t-first/report.html"));
        Assert.NotNull(await store.GetInfoAsync(Containers.Runs, "t-first/run.json"));

        // A second run of the same spec on a fresh engine recomputes nothing and gives the same bytes.
        var log2 = new ActivityLog();
        ExperimentOutcome second;
        await using (var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, log2))
        {
            second = await PipelineRunner.RunAsync(host.Client, spec, "t-second");
        }

        Assert.All(second.Activities, a => Assert.True(a.Reused));
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(
            await store.GetBytesAsync(Containers.Runs, "t-first/results.json"),
            await store.GetBytesAsync(Containers.Runs, "t-second/results.json"));

        // Per-stage timings live beside results.json, not in it: the first run computed its stages, the second reused
        // every activity; the published report.html carries them in its timings section.
        var timings1 = await store.GetJsonAsync<RunTimings>(Containers.Runs, "t-first/" + RunTimings.FileName, MemoizedArtifacts.Json);
        var timings2 = await store.GetJsonAsync<RunTimings>(Containers.Runs, "t-second/" + RunTimings.FileName, MemoizedArtifacts.Json);
        Assert.Contains(timings1.Stages, t => t.Stage == "lld" && t.Computed > 0 && t.Reused == 0);
        Assert.Equal(timings1.Stages.Select(t => t.Stage), timings2.Stages.Select(t => t.Stage));
        Assert.All(timings2.Stages.Where(t => t.Computed is not null), t => Assert.Equal((0, t.Activities), (t.Computed, t.Reused)));
        Assert.All(timings1.Stages, t => Assert.True(t.Seconds >= 0, t.ToString()));
        string published = System.Text.Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Runs, "t-first/report.html"));
        Assert.Contains("<h2 id=\"timings\">", published, StringComparison.Ordinal);
        Assert.Equal(ReportHtml.WithTimings(html, timings1), published);
    }

    [Fact]
    public async Task A_changed_corpus_file_is_recomputed_and_the_others_are_reused()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        await TestCorpora.UploadAsync(store);
        var spec = TestCorpora.Spec(seed: 1, batchSize: 100);
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var first = await PipelineRunner.RunAsync(host.Client, spec, "c-1");

        // Replace the recola corpus with one from another seed: its stages run again, usoms is reused.
        var other = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Recola, 99) with { Minutes = 0.25 });
        await TestCorpora.UploadAsync(store, "recola", other);
        var second = await PipelineRunner.RunAsync(host.Client, spec, "c-2");
        Assert.True(second.Activities.Single(a => a.Stage == "ingest" && a.Key == first.Activities[0].Key).Reused);
        Assert.Contains(second.Activities, a => a.Stage == "ingest" && !a.Reused);
        Assert.NotEqual(first.Results, second.Results);
    }

    [Fact]
    public async Task An_invalid_corpus_fails_the_run_with_the_file_and_field()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        var files = SyntheticCorpusGenerator.Generate(TestCorpora.SmallUsoms(1)).ToList();
        string missing = files.First(f => f.RelativePath.EndsWith(".wav", StringComparison.Ordinal)).RelativePath;
        files.RemoveAll(f => f.RelativePath == missing);
        await TestCorpora.UploadAsync(store, "broken", files);
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var error = await Assert.ThrowsAsync<PipelineFailedException>(() => PipelineRunner.RunAsync(host.Client, new ExperimentSpec(["broken"]), "bad-1"));
        Assert.Contains(missing, error.Message);
        Assert.Contains("manifest.json", error.Message);
        await foreach (var blob in store.ListAsync(Containers.Artifacts))
        {
            Assert.Fail($"no artifact may be written for an invalid corpus, found {blob.Name}");
        }
    }

    [Fact]
    public async Task A_missing_corpus_names_its_manifest()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        await using var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog());
        var error = await Assert.ThrowsAsync<PipelineFailedException>(() => PipelineRunner.RunAsync(host.Client, new ExperimentSpec(["nothere"]), "bad-2"));
        Assert.Contains("corpora/nothere/manifest.json", error.Message);
    }
}
