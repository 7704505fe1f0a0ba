using System.Text;
using System.Text.Json;
using Affect.Audio;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Training.Tests;

/// <summary>
/// The End2You stage as a queued job: the real worker trains the model (TorchSharp) from the corpus audio in the store,
/// the scoring activity runs its ONNX model with ONNX Runtime on devel and test, and a small orchestration run shows the
/// END2YOU row of Table 2 and the fusion learners+end2you. All on synthetic corpora. The scaffold and the facts every
/// queued kind holds are <see cref="QueuedJobTests"/>'s.
/// </summary>
public sealed class End2YouJobTests : QueuedJobTests
{
    // 10 frames of 40 ms (0.4 s), tiny convolutions, 3 epochs: seconds of CPU.
    internal static readonly End2YouSpec Small = new(
        Frames: 10, Conv1Channels: 4, Conv1Kernel: 40, Pool1: 4, Conv2Channels: 4, Conv2Kernel: 10, Pool2: 8, Units: 8,
        Epochs: 3, Patience: 0, BatchSize: 8, LearningRate: 0.003);

    /// <inheritdoc />
    protected override QueuedJobKind Kind => End2YouTrainingJob.QueuedKind;

    /// <inheritdoc />
    protected override async Task<LstmTrainingTicket> EnqueueAsync(IBlobStore store, ITrainingQueue jobs) =>
        await new EnqueueEnd2YouTrainingActivity(store, jobs).RunAsync(Request(await PrepareAsync(store)));

    /// <inheritdoc />
    protected override CheckQueuedModelActivity Check(IBlobStore store) => new CheckEnd2YouModelActivity(store);

    /// <summary>A small synthetic categorical corpus uploaded and ingested.</summary>
    private static Task<IngestedCorpus> PrepareAsync(IBlobStore store) =>
        IngestAsync(store, SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 3) with { Speakers = 6, UtterancesPerSpeaker = 4, MinUtteranceSeconds = 1, MaxUtteranceSeconds = 2 });

    private static End2YouTrainingRequest Request(IngestedCorpus corpus, long seed = 4) => new("usoms", seed, Small, corpus.Record.Key, corpus.Record.Blob, null);

    /// <summary>Queues the job, drains the queue with the real worker, scores devel and test; returns the model key, ONNX bytes and score files.</summary>
    private async Task<(string Key, byte[] Onnx, string Devel, string Test, ClassifyMetrics Metrics, IReadOnlyList<JobOutcome> Outcomes)> TrainAndScoreAsync(FolderBlobStore store, IngestedCorpus corpus)
    {
        var (ticket, status, outcomes) = await TrainAsync(store, jobs => new EnqueueEnd2YouTrainingActivity(store, jobs).RunAsync(Request(corpus)));
        var scored = await new ScoreEnd2YouActivity(store, new ActivityLog()).RunAsync(new End2YouScoreRequest("usoms", corpus.Record.Key, corpus.Record.Blob, ticket.ModelKey, status.ModelBlob!));
        string folder = scored.Blob[..(scored.Blob.LastIndexOf('/') + 1)];
        return (
            ticket.ModelKey,
            await store.GetBytesAsync(Containers.Models, End2YouModelBlobs.Onnx(ticket.ModelKey)),
            Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Artifacts, folder + "devel.scores.csv")),
            Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Artifacts, folder + "test.scores.csv")),
            await store.GetJsonAsync<ClassifyMetrics>(Containers.Artifacts, scored.Blob, MemoizedArtifacts.Json),
            outcomes);
    }

    [Fact]
    public async Task The_worker_trains_from_the_stored_audio_and_the_scores_are_those_of_the_same_model_trained_outside_the_pipeline()
    {
        var store = NewStore();
        var corpus = await PrepareAsync(store);
        var (key, onnx, devel, test, metrics, outcomes) = await TrainAndScoreAsync(store, corpus);

        Assert.Equal([JobOutcome.Trained], outcomes);
        var description = await store.GetJsonAsync<End2YouModelDescription>(Containers.Models, End2YouModelBlobs.Model(key), MemoizedArtifacts.Json);
        Assert.Equal(("usoms", 10, 640, "cpu"), (description.Corpus, description.Frames, description.FrameSamples, description.Device));
        Assert.Equal(description.DevelUar, metrics.DevelUar!.Value, 6);
        Assert.Equal(ScoreEnd2YouActivity.Learner, metrics.Learner);
        Assert.InRange(metrics.TestUar!.Value, 0, 1);
        using (var trained = JsonDocument.Parse(await store.GetBytesAsync(Containers.Models, LstmModelBlobs.Metrics(key))))
        {
            Assert.Equal(Small.Epochs, trained.RootElement.GetProperty("epochs").GetArrayLength());
            Assert.Equal(0, trained.RootElement.GetProperty("counts").GetProperty("test").GetInt32());   // test audio is not read for training
        }

        // The same model trained by End2YouExperiment (affect e2e train's path) on the corpus files gives the same bytes and scores.
        var record = await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, corpus.Record.Blob, MemoizedArtifacts.Json);
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Corpora, record.ManifestBlob)), "manifest");
        var utterances = new List<End2YouUtterance>();
        foreach (var f in record.Files)
        {
            var clip = AudioLoader.LoadMono(new MemoryStream(await store.GetBytesAsync(Containers.Corpora, f.Audio)), f.Audio);
            utterances.Add(new End2YouUtterance(f.Id, f.Partition, f.Label, clip.Samples));
        }

        var options = new End2YouOptions(Small, seed: 4);
        var direct = End2YouExperiment.Run(utterances, manifest.Classes, options);
        Assert.Equal(direct.Model, onnx);
        Assert.Equal(direct.DevelScores, devel);
        Assert.Equal(direct.TestScores, test);

        await AssertQueuedOnceAsync(store, jobs => new EnqueueEnd2YouTrainingActivity(store, jobs).RunAsync(Request(corpus)));
    }

    [Fact]
    public async Task Two_trainings_in_separate_stores_give_identical_ONNX_bytes_and_scores()
    {
        var first = NewStore();
        var second = NewStore();
        var corpus = await PrepareAsync(first);
        var a = await TrainAndScoreAsync(first, corpus);
        var b = await TrainAndScoreAsync(second, await PrepareAsync(second));

        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Onnx, b.Onnx);
        Assert.Equal(a.Devel, b.Devel);
        Assert.Equal(a.Test, b.Test);
        Assert.Equal((a.Metrics.DevelUar, a.Metrics.TestUar), (b.Metrics.DevelUar, b.Metrics.TestUar));

        // Another seed or other sizes are another model.
        Assert.NotEqual(a.Key, End2YouTrainingJob.Create("usoms", 5, Small, corpus.Record.Key, corpus.Record.Blob).ModelKey);
        Assert.NotEqual(a.Key, End2YouTrainingJob.Create("usoms", 4, Small with { Units = 9 }, corpus.Record.Key, corpus.Record.Blob).ModelKey);
    }

    [Fact]
    public async Task A_job_with_a_bad_field_is_given_up_at_once_with_an_error_json_naming_the_field()
    {
        var store = NewStore();
        var corpus = await PrepareAsync(store);
        var (jobs, poison) = Queues(store);
        var bad = new End2YouTrainingJob("e2e0123456789abc", "usoms", 1, Small with { Frames = 0 }, corpus.Record.Key, corpus.Record.Blob);
        await jobs.EnqueueAsync(JsonSerializer.Serialize(bad, TrainingWorker.Json));

        var outcomes = await new TrainingWorker(store, jobs, poison, new TorchJobRunner(1, null)).DrainAsync();

        Assert.Equal([JobOutcome.Poisoned], outcomes);
        string? error = await QueuedTraining.ReadErrorAsync(store, bad.ModelKey, CancellationToken.None);
        Assert.NotNull(error);
        Assert.Contains("parameters.frames: 0 is outside", error, StringComparison.Ordinal);
        Assert.Null(await store.GetInfoAsync(Containers.Models, End2YouModelBlobs.Model(bad.ModelKey)));
    }

    [Fact]
    public async Task A_corpus_file_that_changed_after_ingest_fails_the_job_naming_the_file()
    {
        var store = NewStore();
        var corpus = await PrepareAsync(store);
        var record = await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, corpus.Record.Blob, MemoizedArtifacts.Json);
        var train = record.Files.First(f => f.Partition == "train");
        var audio = await store.GetBytesAsync(Containers.Corpora, train.Audio);
        audio[^1] ^= 0x01;
        await store.PutBytesAsync(Containers.Corpora, train.Audio, audio);
        var job = End2YouTrainingJob.Create("usoms", 1, Small, corpus.Record.Key, corpus.Record.Blob);

        var error = await Assert.ThrowsAsync<CorpusChangedException>(() => new TorchJobRunner(1, null).RunAsync(job, store, CancellationToken.None));
        Assert.Contains(train.Audio, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_stops_the_training_between_batches()
    {
        var options = new End2YouOptions(new End2YouSpec(FrameSamples: 160, Frames: 4, Conv1Channels: 2, Conv1Kernel: 20, Pool1: 4, Conv2Channels: 2, Conv2Kernel: 5, Pool2: 4, Units: 4, Epochs: 5, Patience: 0, BatchSize: 4));
        var random = new SplitMix64(1);
        float[] Wave() => [.. Enumerable.Range(0, options.Samples).Select(_ => (float)((random.Next() / (double)ulong.MaxValue) - 0.5))];
        var utterances = Enumerable.Range(0, 12).Select(i => new End2YouUtterance($"u{i}", i < 8 ? "train" : "devel", i % 2 == 0 ? "a" : "b", Wave())).ToList();
        using var stop = new CancellationTokenSource();
        var epochs = new List<string>();

        Assert.ThrowsAny<OperationCanceledException>(() => End2YouExperiment.Run(utterances, ["a", "b"], options, line =>
        {
            epochs.Add(line);
            stop.Cancel();
        }, stop.Token));
        Assert.Single(epochs);   // the second epoch's first batch saw the cancellation
    }

    [Fact]
    public void The_trainer_takes_its_sizes_from_the_spec_and_writes_them_to_metrics_json_as_before()
    {
        Assert.Equal(new End2YouSpec(), new End2YouOptions().Spec);
        Assert.Equal(End2YouSpec.Demo, End2YouOptions.Demo.Spec);
        Assert.Equal((640, 100, 256, 16000), (new End2YouOptions().FrameSamples, new End2YouOptions().Frames, new End2YouOptions().Units, End2YouOptions.Demo.Samples));

        // metrics.json keeps the flat layout written before the options were built from the spec (no "spec", no "device").
        var metrics = new End2YouMetrics(["a", "b"], End2YouOptions.Demo with { Seed = 7, Device = "auto" }, [1.0, 1.0], [new End2YouEpoch(1, 0.5, 0.5)], 1, 0.5, null, new SortedDictionary<string, int> { ["train"] = 1 });
        string options = """
              "options": {
                "frameSamples": 640,
                "frames": 25,
                "conv1Channels": 8,
                "conv1Kernel": 40,
                "pool1": 4,
                "conv2Channels": 8,
                "conv2Kernel": 10,
                "pool2": 8,
                "units": 16,
                "epochs": 8,
                "patience": 0,
                "batchSize": 8,
                "learningRate": 0.01,
                "seed": 7,
                "threads": 1,
                "positions1": 150,
                "positions2": 17,
                "frameFeatures": 136,
                "samples": 16000
              },
            """;
        Assert.Contains(options.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(metrics.ToJsonBytes()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_named_and_cuda_without_a_GPU_fails_clearly_before_any_work()
    {
        var error = Assert.Throws<ArgumentException>(() => (End2YouOptions.Demo with { Threads = 0, Device = "tpu" }).Validate());
        Assert.Contains("options.threads: 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.device: 'tpu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.units: 0 is outside", Assert.Throws<ArgumentException>(() => new End2YouOptions(End2YouSpec.Demo with { Units = 0 }).Validate()).Message, StringComparison.Ordinal);
        if (TorchSharp.torch.cuda.is_available())
        {
            return;   // the CUDA path itself needs a GPU machine
        }

        // The worker's --device cuda: the job fails before its (here missing) ingest record is read, as LSTM and auDeep jobs do.
        var job = End2YouTrainingJob.Create("usoms", 1, Small, "0123456789abcdef", "ingest/0123456789abcdef/record.json");
        var cuda = await Assert.ThrowsAsync<InvalidOperationException>(() => new TorchJobRunner(1, null, "cuda").RunAsync(job, NewStore(), CancellationToken.None));
        Assert.Contains("Device cuda was asked for, but libtorch sees no CUDA GPU", cuda.Message, StringComparison.Ordinal);
        var options = new End2YouOptions(new End2YouSpec(FrameSamples: 160, Frames: 2, Conv1Channels: 2, Conv1Kernel: 20, Pool1: 4, Conv2Channels: 2, Conv2Kernel: 5, Pool2: 4, Units: 4, Epochs: 1, BatchSize: 2), device: "cuda");
        var utterances = new End2YouUtterances(2, options.Samples, new float[2 * options.Samples], [0, 1]);
        Assert.Contains("no CUDA GPU", Assert.Throws<InvalidOperationException>(() => End2YouTrainer.Train(utterances, utterances, 2, options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_with_the_End2You_stage_trains_on_the_worker_and_reports_an_END2YOU_row_and_the_learners_plus_end2you_fusion()
    {
        var store = NewStore();
        var corpusSpec = SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 7) with { Speakers = 6, UtterancesPerSpeaker = 5, MinUtteranceSeconds = 1.5, MaxUtteranceSeconds = 3 };
        var outcome = await RunWithWorkerAsync(store, corpusSpec, SmallRun("kelm", "wkelm", "wkpls") with { End2You = Small }, "end2you-1");

        Assert.Contains(outcome.Activities, a => a.Stage == End2YouTrainingJob.Stage && !a.Reused);
        Assert.Contains(outcome.Activities, a => a.Stage == ScoreEnd2YouActivity.Stage);
        var results = await store.GetJsonAsync<RunResults>(Containers.Artifacts, outcome.Results);
        Assert.Equal(Small, results.Spec.End2You);
        Assert.Single(results.Stages.Single(st => st.Name == "end2you").Artifacts);
        var row = results.Table2.Rows.Single(r => r.FeatureSet == ScoreEnd2YouActivity.FeatureSet);
        Assert.Equal(("usoms", ScoreEnd2YouActivity.Learner, null), (row.Corpus, row.Learner, row.Note));
        Assert.InRange(row.DevelUar!.Value, 0, 1);
        Assert.InRange(row.TestUar!.Value, 0, 1);
        Assert.Equal(ReportTables.Pct(49.7), row.PaperBenchmark);
        Assert.Equal(ReportTables.Pct(41.4), row.PaperReproduced);
        Assert.DoesNotContain(results.Table3.Rows, r => r.FeatureSet == ScoreEnd2YouActivity.FeatureSet);
        var fused = results.Submissions.Rows.Single(r => r.Id == SubmissionIds.LearnersEnd2You);
        Assert.Equal(["kelm", "wkelm", "wkpls", "end2you"], fused.Members);
        Assert.InRange(fused.DevelUar!.Value, 0, 1);
        Assert.True(fused.DevelUar >= fused.BestMemberDevelUar, "weighted fusion's pool holds each member alone");
        string html = await File.ReadAllTextAsync(Path.Combine(store.Root, Containers.Artifacts, outcome.Report));
        Assert.Contains(SubmissionIds.LearnersEnd2You, html, StringComparison.Ordinal);
        Assert.Contains("END2YOU", html, StringComparison.Ordinal);
    }
}
