using System.Globalization;
using System.Text;
using Affect.Corpora;
using Affect.Learning;
using Affect.Learning.Discretization;
using Affect.Learning.Fusion;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Stage 9, discretization (paper Section 4.2, Table 4), every cross-task system of one categorical corpus in one
/// activity (it is cheap): turns each system's utterance scores (one LSTM, or an arousal and a valence model blended)
/// into the corpus's ordered classes with the two thresholds that maximise UAR on the fit partitions
/// (<see cref="ThresholdSearch"/>), once per fit set (<c>train</c>, <c>devel</c>, <c>train+devel</c>), and scores every
/// partition. Writes <c>artifacts/discretize/{key}/discretize.json</c> (<see cref="DiscretizeArtifact"/>) and, per system
/// and fit set, the devel and test predictions as the one-vs-all code matrix of Eq. 1 (<see cref="ScoresFile"/>, the
/// layout of the learners' score files) for fusion.
/// </summary>
public sealed class DiscretizeActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<DiscretizeRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes (2: each three-class fit keeps its UAR surface).</summary>
    public const int Version = 2;

    /// <summary>The stage's folder under <c>artifacts</c>.</summary>
    public const string Stage = "discretize";

    /// <summary>The fit sets of a full discretization.</summary>
    public static readonly IReadOnlyList<string> FitSets = ["train", "devel", "train+devel"];

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <summary>The file (beside <c>discretize.json</c>) of system <paramref name="system"/>'s code matrix on one partition for one fit set.</summary>
    public static string ScoresFile(int system, string fitOn, string partition) =>
        $"{system.ToString(CultureInfo.InvariantCulture)}.{fitOn}.{partition}.scores.csv";

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(DiscretizeRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Systems is null || input.Systems.Count == 0)
        {
            throw new ArgumentException($"discretize: {input.Corpus}: systems: none given", nameof(input));
        }

        foreach (var system in input.Systems.Where(s => s.Predictions is null || s.Predictions.Count is < 1 or > 2))
        {
            throw new ArgumentException($"discretize: {system.Name}: predictions: one model, or an arousal and a valence model, are needed", nameof(input));
        }

        if (input.FitOn is null || input.FitOn.Count == 0 || input.FitOn.Any(f => !FitSets.Contains(f)))
        {
            throw new ArgumentException($"discretize: {input.Corpus}: fitOn: each of [{string.Join(", ", input.FitOn ?? [])}] must be one of {string.Join(", ", FitSets)}", nameof(input));
        }

        var direction = input.Direction switch
        {
            "auto" => DirectionChoice.Auto,
            "increasing" => DirectionChoice.Increasing,
            "decreasing" => DirectionChoice.Decreasing,
            _ => throw new ArgumentException($"discretize: {input.Corpus}: direction: '{input.Direction}' is not auto, increasing or decreasing", nameof(input)),
        };
        string key = ArtifactKey.Compute(
            Stage,
            Version,
            new Dictionary<string, string>
            {
                ["systems"] = string.Join("\n", input.Systems.Select(s => s.Name + "=" + string.Join(",", s.Predictions.Select(p => p.Key)))),
                ["fitOn"] = string.Join(",", input.FitOn),
                ["direction"] = input.Direction,
            },
            [input.RecordKey]);
        return artifacts.GetOrCreateAsync(Stage, key, "discretize.json", async ct =>
        {
            var manifestBlob = $"{input.Corpus}/{CorpusManifest.FileName}";
            var record = await artifacts.ReadJsonAsync<CorpusRecord>($"ingest/{input.RecordKey}/corpus.json", ct);
            var manifestBytes = await CorpusFiles.ReadVerifiedAsync(store, manifestBlob, record.ManifestSha256, ct);
            var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(manifestBytes), $"{Containers.Corpora}/{manifestBlob}");
            var classes = manifest.Classes;
            if (classes.Count < 2)
            {
                throw new InvalidDataException($"{Containers.Corpora}/{manifestBlob}: classes: discretization needs at least two ordered classes, found {classes.Count}");
            }

            var cache = new Dictionary<string, CrossTaskArtifact>(StringComparer.Ordinal);
            var side = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var systems = new List<DiscretizedSystem>();
            for (int s = 0; s < input.Systems.Count; s++)
            {
                var system = input.Systems[s];
                var sources = new List<CrossTaskArtifact>();
                foreach (var p in system.Predictions)
                {
                    if (!cache.TryGetValue(p.Blob, out var a))
                    {
                        cache[p.Blob] = a = await artifacts.ReadJsonAsync<CrossTaskArtifact>(p.Blob, ct);
                    }

                    sources.Add(a);
                }

                systems.Add(Discretize(s, system, sources, classes, input.FitOn, direction, side));
            }

            var artifact = new DiscretizeArtifact(input.Corpus, [.. classes], input.Direction, systems);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(artifact), side);
        }, cancellationToken);
    }

    private static DiscretizedSystem Discretize(int index, DiscretizeSystem system, IReadOnlyList<CrossTaskArtifact> sources, IReadOnlyList<string> classes, IReadOnlyList<string> fitOn, DirectionChoice direction, Dictionary<string, byte[]> side)
    {
        bool blended = sources.Count == 2;
        if (blended && (sources[0].Target != "arousal" || sources[1].Target != "valence"))
        {
            throw new ArgumentException($"discretize: {system.Name}: a blend takes an arousal model then a valence model, got {sources[0].Target} then {sources[1].Target}");
        }

        var rows = sources[0].Utterances;
        if (blended && !rows.Select(u => u.Name).SequenceEqual(sources[1].Utterances.Select(u => u.Name), StringComparer.Ordinal))
        {
            throw new InvalidDataException($"artifacts/{system.Predictions[1].Blob}: utterances: not the utterances of artifacts/{system.Predictions[0].Blob}");
        }

        var truth = rows.Select(u => u.Label is null ? -1 : IndexOf(classes, u.Label, system.Predictions[0].Blob, u.Name)).ToArray();
        var first = rows.Select(u => u.Score).ToArray();
        var second = blended ? sources[1].Utterances.Select(u => u.Score).ToArray() : null;
        var fits = new List<DiscretizeFit>();
        foreach (string fitSet in fitOn)
        {
            var parts = fitSet.Split('+');
            var fitRows = Enumerable.Range(0, rows.Count).Where(i => parts.Contains(rows[i].Partition) && truth[i] >= 0).ToArray();
            if (fitRows.Length == 0)
            {
                throw new InvalidDataException($"discretize: {system.Name}: the {fitSet} partition of '{sources[0].Corpus}' has no labelled utterances to fit thresholds on");
            }

            var fitTruth = fitRows.Select(i => truth[i]).ToArray();
            int[] predicted;
            ThresholdRule rule;
            double? weight = null;
            double[] fitScores;
            if (blended)
            {
                var blend = ThresholdSearch.FitBlend(fitRows.Select(i => first[i]).ToArray(), fitRows.Select(i => second![i]).ToArray(), fitTruth, classes.Count, direction);
                rule = blend.Rule;
                weight = blend.ArousalWeight;
                predicted = blend.Classify(first, second);
                fitScores = [.. fitRows.Select(i => ThresholdSearch.Blend(first[i], second![i], blend.ArousalWeight))];
            }
            else
            {
                rule = ThresholdSearch.Fit(fitRows.Select(i => first[i]).ToArray(), fitTruth, classes.Count, direction);
                predicted = rule.Classify(first);
                fitScores = [.. fitRows.Select(i => first[i])];
            }

            var partitions = new SortedDictionary<string, PartitionMetrics>(StringComparer.Ordinal);
            foreach (string partition in rows.Select(u => u.Partition).Distinct(StringComparer.Ordinal))
            {
                var idx = Enumerable.Range(0, rows.Count).Where(i => rows[i].Partition == partition && truth[i] >= 0).ToArray();
                if (idx.Length > 0)
                {
                    var t = idx.Select(i => truth[i]).ToArray();
                    var p = idx.Select(i => predicted[i]).ToArray();
                    partitions[partition] = new PartitionMetrics(idx.Length, Round(Metrics.War(t, p)), Round(Metrics.Uar(t, p, classes.Count)));
                }
            }

            string develFile = ScoresFile(index, fitSet, "devel"), testFile = ScoresFile(index, fitSet, "test");
            side[develFile] = CodeMatrixCsv(rows, predicted, classes, "devel");
            side[testFile] = CodeMatrixCsv(rows, predicted, classes, "test");
            fits.Add(new DiscretizeFit(
                fitSet,
                weight,
                rule.Direction == ScoreDirection.Increasing ? "increasing" : "decreasing",
                [.. rule.Thresholds],
                Round(rule.FitUar),
                Round(rule.FitWar),
                partitions,
                develFile,
                testFile)
            {
                // The report's heat map of UAR over the (low, high) threshold pair; the chosen thresholds come from the
                // exact search above, never from this grid.
                UarSurface = classes.Count == 3 ? ThresholdSurface.Of(fitScores, fitTruth, rule.Direction) : null,
            });
        }

        return new DiscretizedSystem(system.Name, [.. sources.Select(s => s.ModelKey)], [.. sources.Select(s => s.Target)], fits);
    }

    /// <summary>
    /// The predictions of one partition as the one-vs-all code matrix of Eq. 1 (S[t, l] = 1 when the predicted class of
    /// t is l, else 0) in the learners' score layout: <c>name,{class...},predicted</c>.
    /// </summary>
    public static byte[] CodeMatrixCsv(IReadOnlyList<CrossTaskUtterance> rows, IReadOnlyList<int> predicted, IReadOnlyList<string> classes, string partition)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(classes);
        var idx = Enumerable.Range(0, rows.Count).Where(i => rows[i].Partition == partition).ToArray();
        var codes = CodeMatrix.OneVsAll([.. idx.Select(i => predicted[i])], classes.Count);
        var sb = new StringBuilder("name,").Append(string.Join(',', classes)).Append(",predicted\n");
        for (int r = 0; r < idx.Length; r++)
        {
            sb.Append(rows[idx[r]].Name);
            for (int l = 0; l < classes.Count; l++)
            {
                sb.Append(',').Append(codes[r, l].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(',').Append(classes[predicted[idx[r]]]).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static int IndexOf(IReadOnlyList<string> classes, string label, string blob, string name)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            if (classes[i] == label)
            {
                return i;
            }
        }

        throw new InvalidDataException($"artifacts/{blob}: utterances[{name}].label: '{label}' is not one of the manifest classes {string.Join(", ", classes)}");
    }

    private static double Round(double v) => Math.Round(v, 6, MidpointRounding.ToEven);
}

/// <summary>Input of <see cref="DiscretizeActivity"/>: the cross-task systems of one categorical corpus.</summary>
/// <param name="Corpus">The categorical corpus (its manifest gives the class order, e.g. L, M, H).</param>
/// <param name="RecordKey">Key of its ingest record.</param>
/// <param name="Systems">The systems, each one model or an arousal and a valence model blended.</param>
/// <param name="FitOn">Fit sets among <c>train</c>, <c>devel</c>, <c>train+devel</c>.</param>
/// <param name="Direction">auto (the better of increasing and decreasing on the fit set), increasing or decreasing.</param>
public sealed record DiscretizeRequest(string Corpus, string RecordKey, IReadOnlyList<DiscretizeSystem> Systems, IReadOnlyList<string> FitOn, string Direction = "auto");

/// <summary>One cross-task system to discretize.</summary>
/// <param name="Name">Name in the results, e.g. <c>semaine/recola/creativeit/arousal</c>, or two such names joined by <c>+</c> for a blend.</param>
/// <param name="Predictions">One crosstask artifact, or an arousal one then a valence one (blended, <see cref="ThresholdSearch.FitBlend"/>).</param>
public sealed record DiscretizeSystem(string Name, IReadOnlyList<ArtifactRef> Predictions);

/// <summary>The main file of a <see cref="DiscretizeActivity"/> artifact.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="Classes">Classes in their natural order (the manifest's).</param>
/// <param name="Direction">Direction choice asked for.</param>
/// <param name="Systems">One result per system, in request order.</param>
public sealed record DiscretizeArtifact(string Corpus, IReadOnlyList<string> Classes, string Direction, IReadOnlyList<DiscretizedSystem> Systems);

/// <summary>One system of a <see cref="DiscretizeArtifact"/>.</summary>
/// <param name="System">System name.</param>
/// <param name="ModelKeys">Models whose scores were discretized.</param>
/// <param name="Targets">Their targets (arousal then valence for a blend).</param>
/// <param name="Fits">One result per fit set.</param>
public sealed record DiscretizedSystem(string System, IReadOnlyList<string> ModelKeys, IReadOnlyList<string> Targets, IReadOnlyList<DiscretizeFit> Fits);

/// <summary>Thresholds fitted on one fit set and how they score every partition.</summary>
/// <param name="FitOn">train, devel or train+devel.</param>
/// <param name="ArousalWeight">Blend weight of the arousal model (blends only).</param>
/// <param name="Direction">increasing or decreasing.</param>
/// <param name="Thresholds">The L − 1 thresholds on the (blended) score axis.</param>
/// <param name="FitUar">UAR on the fit set.</param>
/// <param name="FitWar">WAR on the fit set.</param>
/// <param name="Partitions">WAR and UAR of every labelled partition.</param>
/// <param name="DevelScores">File (beside the main file) of the devel code matrix.</param>
/// <param name="TestScores">File of the test code matrix.</param>
public sealed record DiscretizeFit(string FitOn, double? ArousalWeight, string Direction, IReadOnlyList<double> Thresholds, double FitUar, double FitWar, IReadOnlyDictionary<string, PartitionMetrics> Partitions, string DevelScores, string TestScores)
{
    /// <summary>
    /// Three classes: fit UAR over a grid of (low, high) threshold pairs in the chosen direction (on the blended score
    /// for a blend), for the report's heat map; null otherwise, and left out of results.json.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ThresholdSurface? UarSurface { get; init; }
}

/// <summary>WAR and UAR of one partition.</summary>
/// <param name="Count">Labelled utterances.</param>
/// <param name="War">Weighted average recall (accuracy).</param>
/// <param name="Uar">Unweighted average recall.</param>
public sealed record PartitionMetrics(int Count, double War, double Uar);
