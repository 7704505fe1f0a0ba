using System.Text.Json;
using Affect.Audio;
using Affect.Corpora.Synthetic;
using Affect.Features.IO;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence.Onnx;
using Affect.Storage;

namespace Affect.Training.Tests;

/// <summary>
/// The auDeep stage as a queued job: spectrograms stored by the pipeline's activity, the autoencoders trained by the real
/// worker (TorchSharp) from a folder queue, the ONNX encoders run with ONNX Runtime by the extraction activity, and the
/// whole stage inside a small orchestration run with its rows in the report. The scaffold and the facts every queued
/// kind holds are <see cref="QueuedJobTests"/>'s.
/// </summary>
public sealed class AuDeepJobTests : QueuedJobTests
{
    internal static readonly AuDeepOptions Small = new(Thresholds: [-30, -60], Units: 8, Layers: 1, Epochs: 2, BatchSize: 8, LearningRate: 0.01, ChunkSeconds: 1.5, MelBands: 16);

    /// <inheritdoc />
    protected override QueuedJobKind Kind => AuDeepTrainingJob.QueuedKind;

    /// <inheritdoc />
    protected override async Task<LstmTrainingTicket> EnqueueAsync(IBlobStore store, ITrainingQueue jobs) =>
        await new EnqueueAuDeepTrainingActivity(store, jobs).RunAsync(Request((await PrepareAsync(store)).Spectrograms));

    /// <inheritdoc />
    protected override CheckQueuedModelActivity Check(IBlobStore store) => new CheckAuDeepModelActivity(store);

    /// <summary>A small categorical corpus (6 speakers × 4 utterances of 2–3 s) uploaded and ingested, its spectrograms stored in two batches.</summary>
    internal static async Task<(IngestedCorpus Corpus, IReadOnlyList<ArtifactRef> Spectrograms)> PrepareAsync(IBlobStore store)
    {
        var corpus = await IngestAsync(store, SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 3) with { Speakers = 6, UtterancesPerSpeaker = 4, MinUtteranceSeconds = 2, MaxUtteranceSeconds = 3 });
        var activity = new SpectrogramsActivity(store, new ActivityLog());
        int half = corpus.FileCount / 2;
        var spectrograms = new[]
        {
            await activity.RunAsync(new SpectrogramsBatch("usoms", corpus.Record.Key, corpus.Record.Blob, 0, half, Small)),
            await activity.RunAsync(new SpectrogramsBatch("usoms", corpus.Record.Key, corpus.Record.Blob, half, corpus.FileCount - half, Small)),
        };
        return (corpus, spectrograms);
    }

    internal static AuDeepTrainingRequest Request(IReadOnlyList<ArtifactRef> spectrograms, long seed = 4) =>
        new("usoms", seed, new AuDeepJobParameters(Small.Units, Small.Layers, Small.Epochs, Small.BatchSize, Small.LearningRate, Small.KeepProbability, Small.BidirectionalEncoder), [.. spectrograms.Select(s => s.Blob)], null);

    /// <summary>Queues the job, drains the queue with the real worker and returns the model's key, encoder bytes and extracted features.</summary>
    private async Task<(string Key, IReadOnlyList<byte[]> Encoders, byte[] Features, IReadOnlyList<JobOutcome> Outcomes)> TrainAndExtractAsync(FolderBlobStore store, IReadOnlyList<ArtifactRef> spectrograms)
    {
        var (ticket, status, outcomes) = await TrainAsync(store, jobs => new EnqueueAuDeepTrainingActivity(store, jobs).RunAsync(Request(spectrograms)));
        var model = await store.GetJsonAsync<AuDeepModel>(Containers.Models, status.ModelBlob!, MemoizedArtifacts.Json);
        var encoders = new List<byte[]>();
        foreach (string encoder in model.Encoders)
        {
            encoders.Add(await store.GetBytesAsync(Containers.Models, encoder));
        }

        var extracted = await new ExtractAuDeepActivity(store, new ActivityLog()).RunAsync(new AuDeepExtractRequest("usoms", spectrograms[0], ticket.ModelKey, status.ModelBlob!));
        string folder = extracted.Blob[..(extracted.Blob.LastIndexOf('/') + 1)];
        return (ticket.ModelKey, encoders, await store.GetBytesAsync(Containers.Artifacts, folder + ExtractAuDeepActivity.MatrixFile), outcomes);
    }

    [Fact]
    public async Task The_worker_trains_an_auDeep_job_from_the_stored_spectrograms_and_the_extraction_runs_its_ONNX_encoders()
    {
        var store = NewStore();
        var (corpus, spectrograms) = await PrepareAsync(store);

        // Without the audio the worker can only have used the stored spectrograms.
        var record = await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, corpus.Record.Blob, MemoizedArtifacts.Json);
        foreach (var file in record.Files)
        {
            Assert.True(await store.DeleteAsync(Containers.Corpora, file.Audio));
        }

        var (key, encoders, features, outcomes) = await TrainAndExtractAsync(store, spectrograms);

        Assert.Equal([JobOutcome.Trained], outcomes);
        Assert.Equal(2, encoders.Count);
        using var metrics = JsonDocument.Parse(await store.GetBytesAsync(Containers.Models, LstmModelBlobs.Metrics(key)));
        Assert.Equal("cpu", metrics.RootElement.GetProperty("device").GetString());
        int trainFiles = record.Files.Count(f => f.Partition == "train");
        Assert.All(metrics.RootElement.GetProperty("thresholds").EnumerateArray(), t =>
        {
            Assert.Equal(trainFiles, t.GetProperty("trainSpectrograms").GetInt32());
            Assert.Equal(Small.Epochs, t.GetProperty("epochRmse").GetArrayLength());
        });

        // The extracted batch: its files × (2 thresholds × representation size), equal to ONNX Runtime on each encoder.
        var (values, rows, cols) = NpyFormat.Read(new MemoryStream(features), "audeep.npy");
        int size = Small.Layers * 2 * Small.Units;
        var batch = await store.GetJsonAsync<SpectrogramArtifact>(Containers.Artifacts, spectrograms[0].Blob, MemoizedArtifacts.Json);
        Assert.Equal(batch.Ids.Count, rows);
        Assert.Equal(2 * size, cols);
        string folder = spectrograms[0].Blob[..(spectrograms[0].Blob.LastIndexOf('/') + 1)];
        for (int t = 0; t < 2; t++)
        {
            var (spectrogram, _, _) = NpyFormat.Read(new MemoryStream(await store.GetBytesAsync(Containers.Artifacts, folder + batch.Matrices[t])), "spectrogram");
            using var onnx = OnnxPredictor.Load(encoders[t], $"encoder {t}");
            var expected = onnx.Run(new OnnxFloatTensor(spectrogram, rows, batch.Frames, batch.Bands)).Values;
            for (int i = 0; i < rows; i++)
            {
                Assert.True(values.AsSpan((i * cols) + (t * size), size).SequenceEqual(expected.AsSpan(i * size, size)), $"row {i}, threshold {t}");
            }
        }

        Assert.Contains(values, v => v != 0);
        Assert.All(values, v => Assert.InRange(v, -1f, 1f));

        await AssertQueuedOnceAsync(store, jobs => new EnqueueAuDeepTrainingActivity(store, jobs).RunAsync(Request(spectrograms)));
    }

    [Fact]
    public async Task Two_trainings_in_separate_stores_give_identical_ONNX_bytes_and_features_and_another_seed_does_not()
    {
        var first = NewStore();
        var second = NewStore();
        var (_, s1) = await PrepareAsync(first);
        var (_, s2) = await PrepareAsync(second);
        var a = await TrainAndExtractAsync(first, s1);
        var b = await TrainAndExtractAsync(second, s2);

        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Encoders[0], b.Encoders[0]);
        Assert.Equal(a.Encoders[1], b.Encoders[1]);
        Assert.Equal(a.Features, b.Features);
        Assert.NotEqual(a.Encoders[0], a.Encoders[1]);   // one autoencoder per threshold

        var (jobs, poison) = Queues(first);
        var other = await new EnqueueAuDeepTrainingActivity(first, jobs).RunAsync(Request(s1, seed: 5));
        Assert.NotEqual(a.Key, other.ModelKey);
        await new TrainingWorker(first, jobs, poison, new TorchJobRunner(1, null)).DrainAsync();
        var model = await first.GetJsonAsync<AuDeepModel>(Containers.Models, AuDeepModelBlobs.Model(other.ModelKey), MemoizedArtifacts.Json);
        Assert.NotEqual(a.Encoders[0], await first.GetBytesAsync(Containers.Models, model.Encoders[0]));
    }

    [Fact]
    public async Task A_run_with_the_auDeep_stage_trains_on_the_worker_and_reports_AuDeep_rows_in_Tables_2_and_3_and_the_fusion()
    {
        var store = NewStore();
        var corpus = SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 7) with { Speakers = 9, UtterancesPerSpeaker = 6, MinUtteranceSeconds = 3, MaxUtteranceSeconds = 6 };
        var outcome = await RunWithWorkerAsync(store, corpus, SmallRun("kelm", "wkelm", "wkpls", "svm") with { AuDeep = Small }, "audeep-1");

        Assert.Contains(outcome.Activities, a => a.Stage == SpectrogramsActivity.Stage);
        Assert.Contains(outcome.Activities, a => a.Stage == AuDeepTrainingJob.Stage && !a.Reused);
        Assert.Contains(outcome.Activities, a => a.Stage == "audeep");
        var results = await store.GetJsonAsync<RunResults>(Containers.Artifacts, outcome.Results);
        Assert.Equal(Small.ThresholdsOrDefault, results.Spec.AuDeep!.ThresholdsOrDefault);
        Assert.Equal(Small.Units, results.Spec.AuDeep.Units);
        Assert.Single(results.Stages.Single(st => st.Name == "audeep").Artifacts);   // one per spectrogram batch: 54 files, batches of 100
        var table2 = results.Table2.Rows.Single(r => r.FeatureSet == BuildFeatureSetActivity.AuDeepName && r.Learner == "svm");
        Assert.Equal("usoms", table2.Corpus);
        Assert.InRange(table2.DevelUar!.Value, 0, 1);
        Assert.Null(table2.Note);
        var table3 = results.Table3.Rows.Where(r => r.FeatureSet == BuildFeatureSetActivity.AuDeepName && r.Corpus == "usoms").ToList();
        Assert.Equal(["kelm", "wkelm", "wkpls", "svm"], table3.Select(r => r.Learner));
        Assert.All(table3, r => Assert.InRange(r.TestUar!.Value, 0, 1));
        var fused = results.Submissions.Rows.Single(r => r.Id == SubmissionIds.LearnersAuDeep);
        Assert.Equal(["kelm", "wkelm", "wkpls", "audeep-kelm", "audeep-wkelm", "audeep-wkpls"], fused.Members);
        Assert.InRange(fused.DevelUar!.Value, 0, 1);
        string html = await File.ReadAllTextAsync(Path.Combine(store.Root, Containers.Artifacts, outcome.Report));
        Assert.Contains(SubmissionIds.LearnersAuDeep, html, StringComparison.Ordinal);
    }
}
