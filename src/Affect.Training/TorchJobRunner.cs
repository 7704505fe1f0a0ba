using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;
using Affect.Storage;

namespace Affect.Training;

/// <summary>
/// The training worker's job runner (stage 7, §3.3): reads each corpus of a job from the store — the run's stage-2 LLD
/// artifacts and its ingest-verified label files (<see cref="StoredSequenceCorpus"/>), so nothing is downloaded or
/// extracted twice — and trains the cross-corpus LSTM with TorchSharp (<see cref="CrossCorpusExperiment"/>).
/// </summary>
/// <param name="threads">Torch intra-op threads.</param>
/// <param name="log">Progress lines (epochs), or null.</param>
/// <param name="device">Torch device: cpu, cuda or auto.</param>
/// <param name="extractorFor">
/// Front-end by name for jobs without stored LLD sources (e.g. <c>basic-prosody-10</c>), whose audio is then read from
/// <c>corpora/</c>; null refuses such jobs.
/// </param>
/// <remarks>
/// It also trains <see cref="AuDeepTrainingJob"/>s (same queue, same worker): one <see cref="SpectrogramAutoencoder"/>
/// per clip threshold on the train-partition spectrograms the run stored, each exported as an ONNX encoder; and
/// <see cref="End2YouTrainingJob"/>s from the corpus audio (<see cref="End2YouJobRunner"/>).
/// </remarks>
public sealed class TorchJobRunner(int threads, Action<string>? log, string device = "cpu", Func<string, IFrameFeatureExtractor>? extractorFor = null) : ILstmJobRunner, IQueuedJobRunner<AuDeepTrainingJob>, IQueuedJobRunner<End2YouTrainingJob>
{
    // One cache per front-end for the worker's lifetime: the 12 jobs of Table 1 share three corpora.
    private readonly Dictionary<string, IFrameFeatureExtractor> extractors = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(store);
        var labels = new LabelOptions(job.Parameters.LagSeconds);
        async Task<SequenceCorpus> Load(string corpus)
        {
            if (job.Sources is { } sources)
            {
                var source = sources.FirstOrDefault(s => s.Corpus == corpus)
                    ?? throw new ArgumentException($"lstm training job {job.ModelKey}: sources: no stored LLDs of corpus '{corpus}'");
                return await StoredSequenceCorpus.LoadAsync(store, source, job.Target, labels, cancellationToken);
            }

            return await StoredSequenceCorpus.LoadWithExtractorAsync(store, corpus, job.Target, ExtractorFor(job), labels, cancellationToken);
        }

        var train = await Load(job.TrainCorpus);
        var validation = await Load(job.ValidationCorpus);
        var test = job.TestCorpus is null ? null : await Load(job.TestCorpus);
        var options = new LstmTrainingOptions(job.Parameters.HiddenSize, job.Parameters.Layers, job.Parameters.Epochs, job.Parameters.LearningRate,
            job.Parameters.BatchSize, job.Parameters.Loss == "ccc" ? LstmLoss.Ccc : LstmLoss.Mse, job.Seed, Threads: threads, Device: device);
        var result = CrossCorpusExperiment.Run(train, validation, test, options, new ContextWindowOptions(StepFrames: job.Parameters.StepFrames), log);
        return new LstmJobOutput(result.Model, result.Metrics.ToJsonBytes());
    }

    private IFrameFeatureExtractor ExtractorFor(LstmTrainingJob job)
    {
        if (extractorFor is null)
        {
            throw new ArgumentException($"lstm training job {job.ModelKey}: sources: none, and this worker reads only stored LLDs (front-end '{job.Parameters.Features}')");
        }

        lock (extractors)
        {
            if (!extractors.TryGetValue(job.Parameters.Features, out var extractor))
            {
                extractors[job.Parameters.Features] = extractor = new CachingFrameFeatureExtractor(extractorFor(job.Parameters.Features));
            }

            return extractor;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(AuDeepTrainingJob job, IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(store);
        var thresholds = await StoredSpectrograms.LoadTrainAsync(store, job.SpectrogramBlobs, cancellationToken);
        var p = job.Parameters;
        var options = new SpectrogramAutoencoderOptions(p.Layers, p.Units, p.BidirectionalEncoder, true, p.KeepProbability, p.Epochs, p.BatchSize, p.LearningRate, Seed: job.Seed, Threads: threads, Device: device);
        var outputs = new List<(string Name, byte[] Bytes)>();
        var encoders = new List<string>();
        var metrics = new List<AuDeepThresholdMetrics>();
        foreach (var t in thresholds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = SpectrogramAutoencoderTrainer.Train(new SpectrogramBatch(t.Count, t.Frames, t.Bands, t.Values), options, line => log?.Invoke($"{job.ModelKey}: clip {t.Threshold} dB: {line}"));
            using var model = run.Model;
            string name = AuDeepModelBlobs.Encoder(job.ModelKey, t.Threshold);
            outputs.Add((name, SpectrogramEncoderOnnxExporter.Export(model)));
            encoders.Add(name);
            metrics.Add(new AuDeepThresholdMetrics(t.Threshold, t.Count, run.EpochLosses));
        }

        string used = LstmTrainer.ResolveDevice(device).type == TorchSharp.DeviceType.CUDA ? "cuda" : "cpu";
        outputs.Add((LstmModelBlobs.Metrics(job.ModelKey), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new AuDeepMetrics(job.Corpus, used, metrics), Json)));
        var description = new AuDeepModel(job.Corpus, [.. thresholds.Select(t => t.Threshold)], encoders, thresholds[0].Frames, thresholds[0].Bands, options.RepresentationSize, used);
        outputs.Add((AuDeepModelBlobs.Model(job.ModelKey), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(description, Json)));
        return outputs;
    }

    /// <inheritdoc />
    /// <remarks>On the worker's device, as the LSTM and auDeep jobs (<see cref="End2YouJobRunner"/>).</remarks>
    public Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(End2YouTrainingJob job, IBlobStore store, CancellationToken cancellationToken) =>
        End2YouJobRunner.RunAsync(job, store, threads, device, log, cancellationToken);

    private static System.Text.Json.JsonSerializerOptions Json { get; } = new(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n" };
}

/// <summary>metrics.json of an auDeep job: the training RMSE of every epoch per threshold (no clock times: reproducible bytes).</summary>
/// <param name="Corpus">The corpus trained on (train partition).</param>
/// <param name="Device">cpu or cuda.</param>
/// <param name="Thresholds">Per clip threshold.</param>
public sealed record AuDeepMetrics(string Corpus, string Device, IReadOnlyList<AuDeepThresholdMetrics> Thresholds);

/// <summary>One threshold's autoencoder training.</summary>
/// <param name="ClipBelowDb">The threshold.</param>
/// <param name="TrainSpectrograms">Spectrograms trained on.</param>
/// <param name="EpochRmse">Mean training RMSE per epoch.</param>
public sealed record AuDeepThresholdMetrics(double ClipBelowDb, int TrainSpectrograms, IReadOnlyList<double> EpochRmse);
