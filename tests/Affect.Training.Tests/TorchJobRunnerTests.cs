using System.Text.Json;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Storage;

namespace Affect.Training.Tests;

/// <summary>
/// The worker's job runner on a store prepared by the pipeline's own stages 1–2: it trains from the stored LLD artifacts
/// (no audio is read) and the ingest-verified label files.
/// </summary>
public sealed class TorchJobRunnerTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("affect-runner-test-");

    public void Dispose() => root.Delete(recursive: true);

    /// <summary>Uploads two small dimensional corpora and runs ingest and LLD extraction on them, as a run does.</summary>
    private async Task<(FolderBlobStore Store, LstmTrainingJob Job, IReadOnlyList<CorpusRecord> Records)> PrepareAsync()
    {
        var store = new FolderBlobStore(root.FullName);
        var log = new ActivityLog();
        var sources = new List<LstmCorpusSource>();
        var keys = new List<string>();
        var records = new List<CorpusRecord>();
        foreach (var (kind, name) in new[] { (SyntheticCorpusKind.Recola, "recola"), (SyntheticCorpusKind.Semaine, "semaine") })
        {
            foreach (var f in SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(kind, 5, 3, 0.2, 1)).OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
            {
                await store.PutBytesAsync(Containers.Corpora, $"{name}/{f.RelativePath}", f.Content);
            }

            var ingested = await new IngestCorpusActivity(store, log).RunAsync(new IngestRequest(name));
            var lld = await new ExtractLldActivity(store, log).RunAsync(new LldBatch(name, ingested.Record.Key, ingested.Record.Blob, 0, ingested.FileCount));
            sources.Add(new LstmCorpusSource(name, ingested.Record.Blob, [lld.Blob]));
            keys.Add(ingested.Record.Key);
            records.Add(await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, ingested.Record.Blob, MemoizedArtifacts.Json));
        }

        var job = LstmTrainingJob.Create("recola", "semaine", null, "arousal", 3, new LstmJobParameters(Epochs: 1, HiddenSize: 8, Layers: 1), [.. keys, "-"], sources);
        return (store, job, records);
    }

    [Fact]
    public async Task A_job_trains_from_the_stored_LLDs_without_reading_any_audio()
    {
        var (store, job, records) = await PrepareAsync();
        // Without the audio the trainer can only have used the stored LLDs.
        foreach (var file in records.SelectMany(r => r.Files))
        {
            Assert.True(await store.DeleteAsync(Containers.Corpora, file.Audio));
        }

        var output = await new TorchJobRunner(1, null).RunAsync(job, store, CancellationToken.None);

        using var metrics = JsonDocument.Parse(output.Metrics);
        Assert.Equal(1, metrics.RootElement.GetProperty("bestEpoch").GetInt32());
        using var predictor = LstmSequencePredictor.Load(output.Model, "model.onnx");
        Assert.Equal("compare2016-lld", predictor.Info.FeatureExtractor);
        Assert.Equal(130, predictor.Info.FeatureCount);
    }

    [Fact]
    public async Task A_label_file_replaced_after_ingest_fails_the_job_naming_the_file()
    {
        var (store, job, records) = await PrepareAsync();
        string labels = records[1].Files[0].Labels!;
        var bytes = await store.GetBytesAsync(Containers.Corpora, labels);
        await store.PutBytesAsync(Containers.Corpora, labels, bytes.Concat("\n"u8.ToArray()).ToArray());

        var error = await Assert.ThrowsAsync<CorpusChangedException>(() => new TorchJobRunner(1, null).RunAsync(job, store, CancellationToken.None));

        Assert.StartsWith($"corpora/{labels}: sha256: the file changed after this run ingested it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_without_stored_LLDs_is_refused_by_a_runner_that_has_no_front_end()
    {
        var (store, job, _) = await PrepareAsync();
        var bare = job with { Sources = null };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new TorchJobRunner(1, null).RunAsync(bare, store, CancellationToken.None));

        Assert.Contains("reads only stored LLDs", error.Message, StringComparison.Ordinal);
    }
}
