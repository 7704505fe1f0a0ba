using Affect.Pipeline.Storage;
using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;

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
public sealed class TorchJobRunner(int threads, Action<string>? log, string device = "cpu", Func<string, IFrameFeatureExtractor>? extractorFor = null) : ILstmJobRunner
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
}
