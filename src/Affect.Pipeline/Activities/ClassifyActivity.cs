using System.Globalization;
using Affect.Learning;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Utterance-level classification (stage 10; paper Section 2.1, Tables 2–3): reads a feature-set artifact, runs
/// KELM/WKELM/KPLS/WKPLS/SVM with hyper-parameters selected by development UAR, and stores
/// <c>artifacts/classify/{key}/</c>: <c>devel.scores.csv</c>, <c>test.scores.csv</c> (name, one column per class,
/// predicted) and <c>metrics.json</c> (the main file, <see cref="ClassifyMetrics"/>).
/// </summary>
public sealed class ClassifyActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<ClassifyInput, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(ClassifyInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = input.ToOptions();
        options.Validate();
        var inv = CultureInfo.InvariantCulture;
        string key = ArtifactKey.Compute(
            "classify",
            Version,
            new Dictionary<string, string>
            {
                ["learner"] = input.Learner,
                ["grid"] = input.Grid ? "1" : "0",
                ["c"] = input.C.ToString("R", inv),
                ["factors"] = input.Factors.ToString(inv),
                ["maxFactors"] = input.MaxFactors.ToString(inv),
                ["scaling"] = input.Scaling,
                ["retrain"] = input.RetrainOnTrainDevel ? "1" : "0",
                ["seed"] = input.Seed.ToString(inv),
            },
            [input.FeatureSetKey]);
        return artifacts.GetOrCreateAsync("classify", key, "metrics.json", async ct =>
        {
            var set = await artifacts.ReadJsonAsync<FeatureSetArtifact>(input.FeatureSetBlob, ct);
            string folder = input.FeatureSetBlob.Contains('/', StringComparison.Ordinal) ? input.FeatureSetBlob[..(input.FeatureSetBlob.LastIndexOf('/') + 1)] : string.Empty;
            var train = await ReadPartitionAsync(folder, set.Train, "train", ct);
            var test = await ReadPartitionAsync(folder, set.Test, "test", ct);
            var devel = set.Devel is null ? null : await ReadPartitionAsync(folder, set.Devel, "devel", ct);
            var outcome = UtteranceClassifier.Run(train, devel, test, options);
            var side = new Dictionary<string, byte[]> { ["test.scores.csv"] = System.Text.Encoding.UTF8.GetBytes(outcome.ToScoreCsv(outcome.Test)) };
            if (outcome.Devel is not null)
            {
                side["devel.scores.csv"] = System.Text.Encoding.UTF8.GetBytes(outcome.ToScoreCsv(outcome.Devel));
            }

            var metrics = new ClassifyMetrics(
                input.Learner,
                outcome.Classes,
                outcome.Selected.C,
                outcome.Selected.Factors,
                outcome.Grid,
                outcome.Devel?.Uar,
                outcome.Devel?.War,
                outcome.Test.Uar,
                outcome.Test.War,
                ConfusionRows(outcome.Devel, devel, outcome.Classes),
                ConfusionRows(outcome.Test, test, outcome.Classes));
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(metrics), side);
        }, cancellationToken);
    }

    private async Task<FeatureTable> ReadPartitionAsync(string folder, FeatureSetPartition part, string name, CancellationToken ct)
    {
        string blob = folder + part.Matrix;
        await using var stream = await store.OpenReadAsync(Containers.Artifacts, blob, ct);
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms, ct);
        var m = NpyMatrix.Read(ms.ToArray(), $"artifacts/{blob}");
        if (m.Rows != part.Names.Count || (part.Labels is not null && part.Labels.Count != m.Rows))
        {
            throw new InvalidDataException($"artifacts/{blob}: {m.Rows} rows, but {name}.names has {part.Names.Count} and {name}.labels {part.Labels?.Count ?? 0}");
        }

        var featureNames = Enumerable.Range(0, m.Cols).Select(j => "f" + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new FeatureTable($"artifacts/{blob}", part.Names, featureNames, m, part.Labels ?? [.. Enumerable.Repeat<string?>(null, m.Rows)]);
    }

    private static int[][]? ConfusionRows(PartitionScores? scores, FeatureTable? table, IReadOnlyList<string> classes)
    {
        if (scores?.Uar is null || table is null)
        {
            return null;
        }

        var truth = table.Labels.Select(l => classes.ToList().IndexOf(l!)).ToArray();
        var m = Metrics.ConfusionMatrix(truth, scores.Predicted, classes.Count);
        return [.. Enumerable.Range(0, classes.Count).Select(t => Enumerable.Range(0, classes.Count).Select(p => m[t, p]).ToArray())];
    }
}

/// <summary>Input of <see cref="ClassifyActivity"/>.</summary>
/// <param name="FeatureSetBlob">Blob (in <c>artifacts</c>) of the feature-set descriptor <see cref="FeatureSetArtifact"/>; its matrices are named relative to its folder.</param>
/// <param name="FeatureSetKey">Content key of the feature set (enters this stage's key).</param>
/// <param name="Learner">kelm, wkelm, kpls, wkpls or svm.</param>
/// <param name="Grid">Select C / factors by development UAR.</param>
/// <param name="C">C without a grid search.</param>
/// <param name="Factors">Factors without a grid search.</param>
/// <param name="MaxFactors">Largest number of factors searched (from 2).</param>
/// <param name="Scaling">zscore, minmax or none.</param>
/// <param name="RetrainOnTrainDevel">Refit on train + devel for the test predictions.</param>
/// <param name="Seed">Seed of the SVM's coordinate order.</param>
public sealed record ClassifyInput(
    string FeatureSetBlob,
    string FeatureSetKey,
    string Learner,
    bool Grid = true,
    double C = 1.0,
    int Factors = 10,
    int MaxFactors = 40,
    string Scaling = "zscore",
    bool RetrainOnTrainDevel = false,
    ulong Seed = 1)
{
    /// <summary>The learner options this input stands for (unknown names raise an <see cref="ArgumentException"/>).</summary>
    public LearnerOptions ToOptions()
    {
        var learner = Learner switch
        {
            "kelm" => LearnerKind.Kelm,
            "wkelm" => LearnerKind.Wkelm,
            "kpls" => LearnerKind.Kpls,
            "wkpls" => LearnerKind.Wkpls,
            "svm" => LearnerKind.Svm,
            _ => throw new ArgumentException($"classify: learner: '{Learner}' is not one of kelm, wkelm, kpls, wkpls, svm"),
        };
        var scaling = Scaling switch
        {
            "zscore" => FeatureScaling.ZScore,
            "minmax" => FeatureScaling.MinMax,
            "none" => FeatureScaling.None,
            _ => throw new ArgumentException($"classify: scaling: '{Scaling}' is not one of zscore, minmax, none"),
        };
        return new LearnerOptions(learner, scaling, C: C, Factors: Factors, SearchGrid: Grid, MaxFactors: MaxFactors, RetrainOnTrainDevel: RetrainOnTrainDevel, Seed: Seed);
    }
}

/// <summary>
/// A feature set as stored by the feature stages: <c>featureset.json</c> (this record) next to one float32 C-order
/// <c>.npy</c> matrix per partition (rows = utterances in <c>names</c> order, columns = features).
/// </summary>
/// <param name="Train">Training partition (labels required).</param>
/// <param name="Devel">Development partition, or null.</param>
/// <param name="Test">Test partition (labels optional).</param>
/// <param name="FeatureNames">Column names, or null.</param>
public sealed record FeatureSetArtifact(FeatureSetPartition Train, FeatureSetPartition? Devel, FeatureSetPartition Test, IReadOnlyList<string>? FeatureNames = null);

/// <summary>One partition of a <see cref="FeatureSetArtifact"/>.</summary>
/// <param name="Matrix">File name of the <c>.npy</c> matrix, relative to the descriptor's folder.</param>
/// <param name="Names">Utterance names, one per row.</param>
/// <param name="Labels">Class per row (null entries for unknown), or null when unlabelled.</param>
public sealed record FeatureSetPartition(string Matrix, IReadOnlyList<string> Names, IReadOnlyList<string?>? Labels);

/// <summary>The <c>metrics.json</c> of <see cref="ClassifyActivity"/>.</summary>
/// <param name="Learner">Learner name.</param>
/// <param name="Classes">Class names (score columns).</param>
/// <param name="C">Selected C (ELM, SVM), or null.</param>
/// <param name="Factors">Selected factors (PLS), or null.</param>
/// <param name="Grid">Every grid point with its development UAR.</param>
/// <param name="DevelUar">Development UAR.</param>
/// <param name="DevelWar">Development WAR.</param>
/// <param name="TestUar">Test UAR (null when the test partition is unlabelled).</param>
/// <param name="TestWar">Test WAR.</param>
/// <param name="DevelConfusion">Development confusion matrix [true][predicted].</param>
/// <param name="TestConfusion">Test confusion matrix [true][predicted].</param>
public sealed record ClassifyMetrics(string Learner, IReadOnlyList<string> Classes, double? C, int? Factors, IReadOnlyList<GridPoint> Grid, double? DevelUar, double? DevelWar, double? TestUar, double? TestWar, int[][]? DevelConfusion, int[][]? TestConfusion);
