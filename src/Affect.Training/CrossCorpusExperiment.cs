using System.Text.Json;
using System.Text.Json.Serialization;
using Affect.Sequence;
using Affect.Sequence.Labels;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;

namespace Affect.Training;

/// <summary>One corpus as used in an experiment, for the metrics file.</summary>
/// <param name="Name">Corpus name.</param>
/// <param name="Recordings">Recordings.</param>
/// <param name="DurationSeconds">Audio duration.</param>
/// <param name="RaterAgreement">Mean pairwise Pearson correlation of the raters.</param>
/// <param name="LagSeconds">Annotator lag corrected.</param>
/// <param name="LagEstimated">Whether the lag was estimated from the data.</param>
/// <param name="Windows">Windows cut from it (training hop for the training corpus, prediction hop otherwise).</param>
public sealed record CorpusUse(string Name, int Recordings, double DurationSeconds, double RaterAgreement, double LagSeconds, bool LagEstimated, int Windows);

/// <summary>
/// Everything <c>metrics.json</c> records about one Table 1 cell pair: setting, per-epoch scores, the chosen epoch,
/// and the test CC after one epoch and at the chosen epoch.
/// </summary>
/// <param name="Target">arousal or valence.</param>
/// <param name="Train">Training corpus.</param>
/// <param name="Validation">Validation corpus (chooses the epoch).</param>
/// <param name="Test">Test corpus, if any.</param>
/// <param name="FeatureExtractor">Front-end.</param>
/// <param name="Training">Hyper-parameters and seed.</param>
/// <param name="Windows">Context window geometry.</param>
/// <param name="Scaler">Min/max scaler fitted on the training corpus.</param>
/// <param name="Epochs">Per-epoch scores.</param>
/// <param name="BestEpoch">Chosen epoch.</param>
/// <param name="ValidationPearsonAtEpoch1">Validation CC after one epoch.</param>
/// <param name="TestPearsonAtEpoch1">Test CC after one epoch.</param>
/// <param name="ValidationPearsonAtBest">Validation CC at the chosen epoch.</param>
/// <param name="TestPearsonAtBest">Test CC at the chosen epoch.</param>
public sealed record LstmMetrics(
    string Target,
    CorpusUse Train,
    CorpusUse Validation,
    CorpusUse? Test,
    string FeatureExtractor,
    LstmTrainingOptions Training,
    ContextWindowOptions Windows,
    LabelScaler Scaler,
    IReadOnlyList<EpochMetrics> Epochs,
    int BestEpoch,
    double ValidationPearsonAtEpoch1,
    double? TestPearsonAtEpoch1,
    double ValidationPearsonAtBest,
    double? TestPearsonAtBest)
{
    /// <summary>JSON settings of metrics.json: indented, camelCase, enums as strings, '\n' newlines.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NewLine = "\n",
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The metrics as UTF-8 JSON.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>The exported model and its metrics.</summary>
/// <param name="Model">ONNX bytes of the chosen epoch's model (with <see cref="LstmModelInfo"/> metadata).</param>
/// <param name="Metrics">What metrics.json holds.</param>
/// <param name="StepLosses">Loss of every optimisation step.</param>
public sealed record CrossCorpusResult(byte[] Model, LstmMetrics Metrics, IReadOnlyList<float> StepLosses);

/// <summary>
/// One cross-corpus experiment of §3.3 / Table 1: fit the min/max scaler on the training corpus and apply it to all,
/// cut training windows, train with the epoch chosen on the validation corpus, score the test corpus, export to ONNX.
/// </summary>
public static class CrossCorpusExperiment
{
    /// <summary>Runs the experiment on prepared corpora (all loaded for the same target and front-end).</summary>
    /// <exception cref="ArgumentException">The corpora disagree on target or front-end.</exception>
    public static CrossCorpusResult Run(SequenceCorpus train, SequenceCorpus validation, SequenceCorpus? test, LstmTrainingOptions training, ContextWindowOptions windows, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(windows);
        training.Validate();
        windows.Validate();
        var corpora = new[] { train, validation, test }.OfType<SequenceCorpus>().ToArray();
        var problems = corpora.Where(c => c.Target is null || c.Target != train.Target).Select(c => $"{c.Name}: target '{c.Target}' differs from the training corpus's '{train.Target}'")
            .Concat(corpora.Where(c => c.FeatureExtractor != train.FeatureExtractor).Select(c => $"{c.Name}: front-end {c.FeatureExtractor} differs from {train.FeatureExtractor}"))
            .ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        var scaler = LabelScaler.Fit(train.Labels());
        var scaledTrain = train.Scaled(scaler);
        var trainWindows = ContextWindows.Build(scaledTrain.Recordings, windows);
        var val = EvaluationCorpus.Build(validation.Name, validation.Scaled(scaler).Recordings, windows);
        var tst = test is null ? null : EvaluationCorpus.Build(test.Name, test.Scaled(scaler).Recordings, windows);
        progress?.Invoke($"{train.Target}: train {train.Name} ({trainWindows.Count} windows), validate {validation.Name}" + (test is null ? string.Empty : $", test {test.Name}"));
        var result = LstmTrainer.Train(trainWindows, val, tst, training, progress);

        var info = new LstmModelInfo(train.FeatureExtractor, trainWindows.Features, windows, train.Target!, scaler);
        var model = LstmOnnxExporter.Export(result.BestWeights, info.ToMetadata());
        var first = result.Epochs[0];
        var best = result.Epochs[result.BestEpoch - 1];
        var metrics = new LstmMetrics(
            train.Target!,
            Use(train, trainWindows.Count),
            Use(validation, val.Windows.Count),
            test is null ? null : Use(test, tst!.Windows.Count),
            train.FeatureExtractor,
            training,
            windows,
            scaler,
            result.Epochs,
            result.BestEpoch,
            first.ValidationPearson,
            first.TestPearson,
            best.ValidationPearson,
            best.TestPearson);
        return new CrossCorpusResult(model, metrics, result.StepLosses);
    }

    private static CorpusUse Use(SequenceCorpus corpus, int windows) =>
        new(corpus.Name, corpus.Recordings.Count, Math.Round(corpus.DurationSeconds, 3), corpus.RaterAgreement, corpus.LagSeconds, corpus.LagEstimate is not null, windows);
}
