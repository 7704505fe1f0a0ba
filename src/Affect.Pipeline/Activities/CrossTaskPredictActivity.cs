using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Pipeline.Orchestration;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Stage 8, cross-task prediction (paper Section 4.2): one cross-corpus LSTM (Table 1) applied through ONNX Runtime to
/// every utterance of a categorical corpus, all partitions. Input features are the stored LLD artifacts of stage 2
/// (no second extraction), z-normalised per speaker over the target corpus exactly as training normalises each corpus;
/// overlapping window predictions are averaged onto the 25 Hz grid and the utterance score is the mean of that track.
/// Writes <c>artifacts/crosstask/{key}/</c>: <c>crosstask.json</c> (main, <see cref="CrossTaskArtifact"/>),
/// <c>scores.csv</c> (<c>name,partition,score</c>) and <c>frames.csv</c> (<c>name,time,value</c>, the frame tracks).
/// </summary>
/// <remarks>
/// An utterance shorter than one context window (8 s; every USoMS utterance) gives one window at 0 whose steps past the
/// end repeat the last normalised frame (edge-repeat after normalisation); those padded steps are dropped when the
/// window is mapped back to the label grid, so only real frames enter the track and its mean. The model is
/// unidirectional, so padding after the end never changes a real step's prediction.
/// </remarks>
public sealed class CrossTaskPredictActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<CrossTaskRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage's folder under <c>artifacts</c>.</summary>
    public const string Stage = "crosstask";

    /// <summary>File name of the utterance scores.</summary>
    public const string ScoresFile = "scores.csv";

    /// <summary>File name of the frame tracks.</summary>
    public const string FramesFile = "frames.csv";

    /// <summary>How the features are normalised before windowing (recorded in the artifact).</summary>
    public const string Normalisation = "speaker-z: per speaker of the target corpus, mean and population SD over all of that speaker's frames (as in training, SequenceCorpus.Load)";

    /// <summary>How utterances shorter than one window are padded (recorded in the artifact).</summary>
    public const string Padding = "edge-repeat of the last normalised frame for window steps past the end; padded steps are not mapped to the track";

    /// <summary>Recordings per ONNX Runtime batch group (bounds memory on large corpora; results do not depend on it beyond float rounding of batched GEMMs).</summary>
    public const int RecordingsPerGroup = 64;

    /// <summary>Rate of the frame tracks: the 25 Hz label grid of the LSTMs.</summary>
    public const double LabelRate = 25.0;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <summary>The content key of a request's artifact.</summary>
    public static string KeyOf(CrossTaskRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ArtifactKey.Compute(
            Stage,
            Version,
            new Dictionary<string, string>
            {
                ["normalisation"] = "speaker-z",
                ["padding"] = "edge-repeat",
                ["labelRate"] = "25",
                ["group"] = RecordingsPerGroup.ToString(CultureInfo.InvariantCulture),
            },
            [input.ModelKey, input.RecordKey, .. input.Llds.Select(l => l.Key)]);
    }

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(CrossTaskRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Llds is null || input.Llds.Count == 0)
        {
            throw new ArgumentException($"crosstask: '{input.Corpus}' has no LLD artifacts", nameof(input));
        }

        return artifacts.GetOrCreateAsync(Stage, KeyOf(input), "crosstask.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            var labels = record.Files.ToDictionary(f => f.Id, f => f.Label, StringComparer.Ordinal);
            byte[] modelBytes = await store.GetBytesAsync(Containers.Models, input.ModelBlob, ct);
            using var predictor = LstmSequencePredictor.Load(modelBytes, $"{Containers.Models}/{input.ModelBlob}");
            var entries = new List<(LldIndexEntry Entry, FeatureMatrix Raw)>();
            foreach (var lld in input.Llds)
            {
                var index = await artifacts.ReadJsonAsync<LldIndex>(lld.Blob, ct);
                CheckFeatures(predictor.Info, index, lld.Blob, input.ModelBlob);
                string folder = lld.Blob[..(lld.Blob.LastIndexOf('/') + 1)];
                double rate = Math.Round(1.0 / index.FrameStepSeconds, 9);
                foreach (var entry in index.Files)
                {
                    var bytes = await store.GetBytesAsync(Containers.Artifacts, folder + entry.Npy, ct);
                    var (values, rows, cols) = NpyFormat.Read(new MemoryStream(bytes, writable: false), $"{Containers.Artifacts}/{folder}{entry.Npy}");
                    if (rows < 1)
                    {
                        throw new InvalidDataException($"{Containers.Artifacts}/{folder}{entry.Npy}: rows: the utterance has no LLD frames");
                    }

                    entries.Add((entry, new FeatureMatrix(values, rows, cols, rate)));
                }
            }

            var utterances = Predict(predictor, entries.Select(e => (e.Entry.Id, e.Entry.Speaker, e.Raw)).ToList(), ct);
            var utteranceRows = new List<CrossTaskUtterance>(entries.Count);
            var scores = new StringBuilder("name,partition,score\n");
            var frames = new StringBuilder("name,time,value\n");
            for (int i = 0; i < entries.Count; i++)
            {
                var (entry, _) = entries[i];
                var track = utterances[i];
                double score = track.Average();
                utteranceRows.Add(new CrossTaskUtterance(entry.Id, entry.Speaker, entry.Partition, labels.GetValueOrDefault(entry.Id), track.Length, score));
                scores.Append(entry.Id).Append(',').Append(entry.Partition).Append(',').Append(score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                for (int t = 0; t < track.Length; t++)
                {
                    frames.Append(entry.Id).Append(',').Append((t / LabelRate).ToString("0.###", CultureInfo.InvariantCulture))
                        .Append(',').Append(track[t].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }

            var artifact = new CrossTaskArtifact(
                record.Corpus,
                input.ModelKey,
                predictor.Info.Target,
                predictor.Info.FeatureExtractor,
                LabelRate,
                Normalisation,
                Padding,
                ScoresFile,
                FramesFile,
                utteranceRows);
            return new ArtifactFiles(
                MemoizedArtifacts.ToJsonBytes(artifact),
                new Dictionary<string, byte[]>
                {
                    [ScoresFile] = Encoding.UTF8.GetBytes(scores.ToString()),
                    [FramesFile] = Encoding.UTF8.GetBytes(frames.ToString()),
                });
        }, cancellationToken);
    }

    /// <summary>
    /// The 25 Hz prediction track of every utterance: raw LLD matrices z-normalised per speaker over all of them, then
    /// <see cref="LstmSequencePredictor.Predict"/> in groups of <see cref="RecordingsPerGroup"/> recordings.
    /// </summary>
    /// <param name="predictor">The loaded model.</param>
    /// <param name="utterances">Id, speaker and raw (not normalised) features of every utterance of the target corpus.</param>
    /// <param name="cancellationToken">Cancels between groups.</param>
    public static double[][] Predict(LstmSequencePredictor predictor, IReadOnlyList<(string Id, string Speaker, FeatureMatrix Raw)> utterances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(utterances);
        var normalised = SpeakerNormalization.Apply([.. utterances.Select(u => (u.Speaker, u.Raw))]);
        var recordings = utterances.Select((u, i) => new SequenceRecording(u.Id, u.Speaker, normalised[i], null, LabelRate)).ToList();
        var result = new double[recordings.Count][];
        for (int start = 0; start < recordings.Count; start += RecordingsPerGroup)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var group = recordings.GetRange(start, Math.Min(RecordingsPerGroup, recordings.Count - start));
            predictor.Predict(group).CopyTo(result, start);
        }

        return result;
    }

    private static void CheckFeatures(LstmModelInfo info, LldIndex index, string lldBlob, string modelBlob)
    {
        if (index.Columns.Count != info.FeatureCount || info.FeatureExtractor != "compare2016-lld")
        {
            throw new InvalidDataException(
                $"{Containers.Models}/{modelBlob}: metadata affect.featureExtractor: the model expects {info.FeatureCount} '{info.FeatureExtractor}' features per frame, " +
                $"but {Containers.Artifacts}/{lldBlob} holds {index.Columns.Count} ComParE 2016 LLD columns (compare2016-lld)");
        }
    }
}

/// <summary>Input of <see cref="CrossTaskPredictActivity"/>: one trained LSTM and one categorical corpus.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="RecordKey">Key of its ingest record.</param>
/// <param name="RecordBlob">Blob of its ingest record (labels, partitions).</param>
/// <param name="Llds">Its LLD batch artifacts, in record order.</param>
/// <param name="ModelKey">Content key of the model under <c>models/</c>.</param>
/// <param name="ModelBlob">Blob of <c>model.onnx</c> in <c>models</c>.</param>
public sealed record CrossTaskRequest(string Corpus, string RecordKey, string RecordBlob, IReadOnlyList<ArtifactRef> Llds, string ModelKey, string ModelBlob);

/// <summary>The main file of a <see cref="CrossTaskPredictActivity"/> artifact.</summary>
/// <param name="Corpus">Target (categorical) corpus.</param>
/// <param name="ModelKey">Model that predicted.</param>
/// <param name="Target">The model's target dimension (arousal or valence).</param>
/// <param name="FeatureExtractor">Front-end the model was trained on.</param>
/// <param name="LabelRate">Rate of the frame tracks (25 Hz).</param>
/// <param name="Normalisation">Input normalisation applied.</param>
/// <param name="Padding">Short-utterance padding applied.</param>
/// <param name="Scores">File (beside this one) of the utterance scores, <c>name,partition,score</c>.</param>
/// <param name="Frames">File (beside this one) of the frame tracks, <c>name,time,value</c>.</param>
/// <param name="Utterances">Every utterance in record order with its score (mean of its track).</param>
public sealed record CrossTaskArtifact(string Corpus, string ModelKey, string Target, string FeatureExtractor, double LabelRate, string Normalisation, string Padding, string Scores, string Frames, IReadOnlyList<CrossTaskUtterance> Utterances);

/// <summary>One utterance of a <see cref="CrossTaskArtifact"/>.</summary>
/// <param name="Name">File id.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">train, devel or test.</param>
/// <param name="Label">Class label, or null when unlabelled.</param>
/// <param name="Frames">Frames of its 25 Hz track.</param>
/// <param name="Score">Utterance score: the mean of the track, in the training corpus's scaled label units.</param>
public sealed record CrossTaskUtterance(string Name, string Speaker, string Partition, string? Label, int Frames, double Score);
