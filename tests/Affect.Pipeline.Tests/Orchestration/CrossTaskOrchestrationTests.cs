using System.Text.Json;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Activities;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>
/// Stages 8, 9 and 11 inside the orchestration on the in-memory engine: a categorical corpus and two dimensional corpora
/// named like the paper's (semaine, creativeit), whose four LSTMs (2 orders × 2 targets) are real ONNX models put where
/// the training worker puts them, so the run finds them trained and goes on to cross-task prediction, discretization
/// and fusion.
/// </summary>
public sealed class CrossTaskOrchestrationTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    private static ExperimentSpec Spec(int chunks) => new(["usoms", "semaine", "creativeit"], Seed: 5)
    {
        Features = new(BatchSize: 100),
        Boaw = new(Size: 16, Iterations: 5),
        Learners = new(Names: ["kelm", "wkelm", "wkpls"], RetrainOnTrainDevel: true),
        Fusion = new(Pool: 3000, Chunks: chunks),
    };

    [Fact]
    public async Task Cross_task_prediction_discretization_and_fusion_run_and_the_fusion_does_not_depend_on_the_chunks()
    {
        var store = new FolderBlobStore(root);
        await TestCorpora.UploadAsync(store, "usoms", SyntheticCorpusGenerator.Generate(TestCorpora.SmallUsoms(7)));
        await TestCorpora.UploadAsync(store, "semaine", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Semaine, 7, 3, 0.15, 1)));
        await TestCorpora.UploadAsync(store, "creativeit", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.CreativeIt, 7, 3, 0.15, 1)));
        var spec = Spec(chunks: 1);

        // The models the run will ask for, already "trained" (the worker's layout: metrics.json, then model.onnx).
        // Their keys name the corpora's ingest records and stage-2 LLD artifacts (one batch each at batch size 100), as the run's jobs do.
        var ingest = new IngestCorpusActivity(store, new ActivityLog());
        var lld = new ExtractLldActivity(store, new ActivityLog());
        var keys = new Dictionary<string, string>();
        var sources = new Dictionary<string, LstmCorpusSource>();
        foreach (string corpus in new[] { "semaine", "creativeit" })
        {
            var record = await ingest.RunAsync(new IngestRequest(corpus));
            keys[corpus] = record.Record.Key;
            var llds = await lld.RunAsync(new LldBatch(corpus, record.Record.Key, record.Record.Blob, 0, record.FileCount));
            sources[corpus] = new LstmCorpusSource(corpus, record.Record.Blob, [llds.Blob]);
        }

        ulong modelSeed = 20;
        foreach (var (train, validation) in new[] { ("semaine", "creativeit"), ("creativeit", "semaine") })
        {
            foreach (string target in new[] { "arousal", "valence" })
            {
                var job = LstmTrainingJob.Create(train, validation, null, target, (long)spec.Seed, new LstmJobParameters(Epochs: spec.Lstm.Epochs), [keys[train], keys[validation], "-"], [sources[train], sources[validation]]);
                await TestModels.PutAsync(store, job.ModelKey, TestModels.Onnx(target, modelSeed++), validationCc: 0.3);
            }
        }

        var log = new ActivityLog();
        ExperimentOutcome first;
        await using (var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, log))
        {
            first = await PipelineRunner.RunAsync(host.Client, spec, "x-1");
        }

        Assert.Equal((3 * 3) + 3, first.Activities.Count(a => a.Stage == "classify")); // 3 feature sets × 3 learners, then the fused learners' train + devel refits
        Assert.Equal(2, first.Activities.Count(a => a.Stage == "fusion-chunk"));
        Assert.Equal(3, first.Activities.Count(a => a.Stage == "fusion"));

        var results = await store.GetJsonAsync<RunResults>(Containers.Artifacts, first.Results, MemoizedArtifacts.Json);
        Assert.Equal(4, results.CrossTask.Count);
        Assert.All(results.CrossTask, c => Assert.Equal(54, c.Utterances));
        Assert.Equal(4 + 2, results.Discretization.Count); // every model, and the two blends of the submissions
        Assert.All(results.Discretization, d => Assert.Equal(["train", "devel", "train+devel"], d.Fits.Select(f => f.FitOn)));
        Assert.All(results.Discretization.SelectMany(d => d.Fits), f => Assert.Equal(2, f.Thresholds.Count));
        Assert.All(results.Discretization.SelectMany(d => d.Fits), f => Assert.Equal(["devel", "test", "train"], f.Partitions.Keys));

        // Table 4: both sources × both dimensions of this run, beside the paper's rows; RECOLA's rows are the paper's alone.
        var table4 = results.Table4.Rows;
        Assert.Equal(4, table4.Count(r => r.Corpus == "usoms"));
        Assert.All(table4.Where(r => r.Corpus is not null), r => Assert.True(r.TrainUar is >= 0 and <= 1 && r.DevelUar is >= 0 and <= 1 && r.PaperDevelUar is > 0, r.ToString()));
        Assert.Equal(2, table4.Count(r => r.Corpus is null && r.PaperSource == "RECOLA"));

        // Submissions: every system built, with finite devel and test UARs; weighted fusion never below its best member on devel.
        var submissions = results.Submissions.Rows;
        Assert.Equal(
            [SubmissionIds.Learners, SubmissionIds.Lstm1, SubmissionIds.Lstm2, SubmissionIds.Lstm3, SubmissionIds.Final, SubmissionIds.FinalSimple],
            submissions.Select(s => s.Id));
        Assert.All(submissions, s => Assert.True(s.Corpus == "usoms" && s.DevelUar is >= 0 and <= 1 && s.TestUar is >= 0 and <= 1, s.ToString()));
        Assert.All(submissions.Where(s => s.Method == "wf"), s => Assert.True(s.DevelUar >= s.BestMemberDevelUar, s.ToString()));
        Assert.Equal(4, submissions.Single(s => s.Id == SubmissionIds.Final).Members.Count);
        Assert.Contains("train+devel refit", submissions.Single(s => s.Id == SubmissionIds.Learners).Note);
        var final = results.Fusion.Single(f => f.System == SubmissionIds.Final);
        Assert.All(Enumerable.Range(0, final.Classes.Count), j => Assert.Equal(1.0, final.Weights!.Sum(w => w[j]), 12));
        Assert.InRange(results.Fusion.Single(f => f.Method == "sf").Gamma!.Value, 0, 1);

        // The frame tracks are stored beside the scores.
        var crossTask = first.Activities.First(a => a.Stage == "crosstask");
        Assert.NotNull(await store.GetInfoAsync(Containers.Artifacts, crossTask.Blob.Replace("crosstask.json", "frames.csv", StringComparison.Ordinal)));
        string html = await File.ReadAllTextAsync(Path.Combine(root, Containers.Artifacts, first.Report));
        foreach (string heading in new[] { "Table 1", "Table 2", "Table 3", "Table 4", "Section 4.3", PaperFigures.PaperSource, PaperFigures.RunSource })
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(heading), html);
        }

        // The same pool searched in three chunks: new chunk and fusion artifacts, the same fusion results.
        ExperimentOutcome second;
        await using (var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, new ActivityLog()))
        {
            second = await PipelineRunner.RunAsync(host.Client, Spec(chunks: 3), "x-3");
        }

        Assert.Equal(2 * 3, second.Activities.Count(a => a.Stage == "fusion-chunk" && !a.Reused));
        Assert.All(second.Activities.Where(a => a.Stage is "crosstask" or "discretize"), a => Assert.True(a.Reused));
        var again = await store.GetJsonAsync<RunResults>(Containers.Artifacts, second.Results, MemoizedArtifacts.Json);
        Assert.NotEqual(first.Results, second.Results);
        Assert.Equal(JsonSerializer.Serialize(results.Fusion, MemoizedArtifacts.Json), JsonSerializer.Serialize(again.Fusion, MemoizedArtifacts.Json));
        Assert.Equal(JsonSerializer.Serialize(results.Submissions, MemoizedArtifacts.Json), JsonSerializer.Serialize(again.Submissions, MemoizedArtifacts.Json));
    }
}
