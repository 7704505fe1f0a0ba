using System.Globalization;
using System.Text;
using Affect.Learning;
using Affect.Learning.Fusion;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Stage 11, weighted score fusion (WF, paper Section 2.2), one chunk of the seeded random weight pool: loads the members'
/// devel scores, z-normalises each member with its own devel statistics (<see cref="ScoreNormalizer"/>) and returns the
/// best pool candidate of [start, start + count) by devel UAR (<see cref="WeightedFusion.SearchChunk"/>). The chunks of
/// one search fan out as separate activities; <see cref="FuseActivity"/> combines them, with the same result for any split.
/// Writes <c>artifacts/fusion-chunk/{key}/chunk.json</c> (<see cref="FusionWeights"/>).
/// </summary>
public sealed class FusionSearchChunkActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<FusionChunkRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage's folder under <c>artifacts</c>.</summary>
    public const string Stage = "fusion-chunk";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(FusionChunkRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inv = CultureInfo.InvariantCulture;
        string key = ArtifactKey.Compute(
            Stage,
            Version,
            new Dictionary<string, string>
            {
                ["seed"] = input.Seed.ToString(inv),
                ["start"] = input.Start.ToString(inv),
                ["count"] = input.Count.ToString(inv),
                ["normalisation"] = "devel-z",
            },
            [input.RecordKey, .. FusionInputs.MemberKeys(input.Members)]);
        return artifacts.GetOrCreateAsync(Stage, key, "chunk.json", async ct =>
        {
            var data = await FusionInputs.LoadAsync(artifacts, input.RecordBlob, input.Members, ct);
            var best = WeightedFusion.SearchChunk(data.NormalisedDevel, data.DevelTruth, input.Seed, input.Start, input.Count);
            return ArtifactFiles.Only(MemoizedArtifacts.ToJsonBytes(best));
        }, cancellationToken);
    }
}

/// <summary>
/// Stage 11, score fusion of one system: WF combines the chunk bests of <see cref="FusionSearchChunkActivity"/>
/// (<see cref="WeightedFusion.Combine"/>), SF (Eq. 2, two members) searches γ on the 0.01 grid
/// (<see cref="SimpleFusion.Fit"/>); either way the weights are fitted on devel and applied to test, with every member
/// z-normalised by its devel statistics. Writes <c>artifacts/fusion/{key}/fusion.json</c> (<see cref="FusionArtifact"/>)
/// and the fused <c>devel.scores.csv</c> and <c>test.scores.csv</c> (the learners' layout, so a fused system can be a
/// member of a later fusion).
/// </summary>
public sealed class FuseActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<FuseRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The stage's folder under <c>artifacts</c>.</summary>
    public const string Stage = "fusion";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(FuseRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Method is not ("wf" or "sf"))
        {
            throw new ArgumentException($"fusion: {input.System}: method: '{input.Method}' is not wf or sf", nameof(input));
        }

        if (input.Method == "sf" && input.Members.Count != 2)
        {
            throw new ArgumentException($"fusion: {input.System}: simple fusion (Eq. 2) takes two members, got {input.Members.Count}", nameof(input));
        }

        if (input.Method == "wf" && (input.Chunks is null || input.Chunks.Count == 0))
        {
            throw new ArgumentException($"fusion: {input.System}: weighted fusion needs the results of its pool chunks", nameof(input));
        }

        // WF: the chunk keys (seed, pool range and members) stand for the pool searched.
        string key = ArtifactKey.Compute(
            Stage,
            Version,
            new Dictionary<string, string>
            {
                ["system"] = input.System,
                ["method"] = input.Method,
                ["normalisation"] = "devel-z",
            },
            [input.RecordKey, .. FusionInputs.MemberKeys(input.Members), .. (input.Chunks ?? []).Select(c => c.Key)]);
        return artifacts.GetOrCreateAsync(Stage, key, "fusion.json", async ct =>
        {
            var data = await FusionInputs.LoadAsync(artifacts, input.RecordBlob, input.Members, ct);
            RealMatrix develFused, testFused;
            FusionWeights? weights = null;
            SimpleFusionFit? gamma = null;
            if (input.Method == "wf")
            {
                var bests = new List<FusionWeights>();
                foreach (var chunk in input.Chunks!)
                {
                    bests.Add(await artifacts.ReadJsonAsync<FusionWeights>(chunk.Blob, ct));
                }

                weights = WeightedFusion.Combine(bests);
                develFused = WeightedFusion.Fuse(data.NormalisedDevel, weights);
                testFused = WeightedFusion.Fuse(data.NormalisedTest, weights);
            }
            else
            {
                gamma = SimpleFusion.Fit(data.NormalisedDevel[0], data.NormalisedDevel[1], data.DevelTruth);
                develFused = SimpleFusion.Fuse(data.NormalisedDevel[0], data.NormalisedDevel[1], gamma.Gamma);
                testFused = SimpleFusion.Fuse(data.NormalisedTest[0], data.NormalisedTest[1], gamma.Gamma);
            }

            var develScores = FusionInputs.Score(develFused, data.DevelTruth, data.Classes.Count);
            var testScores = FusionInputs.Score(testFused, data.TestTruth, data.Classes.Count);
            var members = input.Members.Select((m, i) => new FusionMemberResult(
                m.Name,
                data.Normalisers[i].Mean,
                data.Normalisers[i].Scale,
                FusionInputs.Score(data.NormalisedDevel[i], data.DevelTruth, data.Classes.Count),
                FusionInputs.Score(data.NormalisedTest[i], data.TestTruth, data.Classes.Count))).ToList();
            var artifact = new FusionArtifact(
                input.System,
                input.Method,
                data.Classes,
                members,
                weights is null ? null : [.. Enumerable.Range(0, weights.Systems).Select(i => (IReadOnlyList<double>)[.. weights.Weights.AsSpan(i * weights.Classes, weights.Classes)])],
                weights?.Index,
                gamma?.Gamma,
                develScores,
                testScores,
                "devel.scores.csv",
                "test.scores.csv");
            return new ArtifactFiles(
                MemoizedArtifacts.ToJsonBytes(artifact),
                new Dictionary<string, byte[]>
                {
                    ["devel.scores.csv"] = FusionInputs.ScoreCsv(data.DevelNames, develFused, data.Classes),
                    ["test.scores.csv"] = FusionInputs.ScoreCsv(data.TestNames, testFused, data.Classes),
                });
        }, cancellationToken);
    }
}

/// <summary>
/// A fusion member: a system's class scores on devel and test in the learners' layout (<c>name,{class...},predicted</c>):
/// a learner's <c>devel.scores.csv</c>/<c>test.scores.csv</c>, a discretized LSTM's code matrix (Eq. 1), or a fused system.
/// </summary>
/// <param name="Name">Name in the results.</param>
/// <param name="Key">Content key of the artifact the scores come from (enters the fusion keys).</param>
/// <param name="DevelScores">Blob (in <c>artifacts</c>) of the devel scores.</param>
/// <param name="TestScores">Blob of the test scores.</param>
/// <param name="TestKey">Key of the test scores' artifact when it differs from <paramref name="Key"/> (a learner refitted on train + devel).</param>
public sealed record FusionMember(string Name, string Key, string DevelScores, string TestScores, string? TestKey = null);

/// <summary>Input of <see cref="FusionSearchChunkActivity"/>.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="RecordKey">Key of its ingest record.</param>
/// <param name="RecordBlob">Blob of its ingest record (the true classes).</param>
/// <param name="Members">Systems fused, in weight-row order.</param>
/// <param name="Seed">Seed of the weight pool (the run's seed).</param>
/// <param name="Start">First pool index of the chunk.</param>
/// <param name="Count">Pool indices in the chunk.</param>
public sealed record FusionChunkRequest(string Corpus, string RecordKey, string RecordBlob, IReadOnlyList<FusionMember> Members, ulong Seed, long Start, long Count);

/// <summary>Input of <see cref="FuseActivity"/>.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="RecordKey">Key of its ingest record.</param>
/// <param name="RecordBlob">Blob of its ingest record.</param>
/// <param name="System">Name of the fused system.</param>
/// <param name="Method">wf (weighted fusion over a pool) or sf (simple fusion, Eq. 2).</param>
/// <param name="Members">Systems fused.</param>
/// <param name="Chunks">WF: the chunk results of its pool search.</param>
public sealed record FuseRequest(string Corpus, string RecordKey, string RecordBlob, string System, string Method, IReadOnlyList<FusionMember> Members, IReadOnlyList<ArtifactRef>? Chunks);

/// <summary>The main file of a <see cref="FuseActivity"/> artifact.</summary>
/// <param name="System">Fused system name.</param>
/// <param name="Method">wf or sf.</param>
/// <param name="Classes">Class order of the score columns.</param>
/// <param name="Members">Each member with its devel normaliser and its own scores.</param>
/// <param name="Weights">WF: W[member][class] (each class column sums to 1).</param>
/// <param name="PoolIndex">WF: index of W in the seeded pool.</param>
/// <param name="Gamma">SF: γ, the weight of the first member.</param>
/// <param name="Devel">The fused system on devel.</param>
/// <param name="Test">The fused system on test.</param>
/// <param name="DevelScores">File of the fused devel scores.</param>
/// <param name="TestScores">File of the fused test scores.</param>
public sealed record FusionArtifact(string System, string Method, IReadOnlyList<string> Classes, IReadOnlyList<FusionMemberResult> Members, IReadOnlyList<IReadOnlyList<double>>? Weights, long? PoolIndex, double? Gamma, FusionScore Devel, FusionScore Test, string DevelScores, string TestScores);

/// <summary>A fusion member as the fusion saw it.</summary>
/// <param name="Name">Member name.</param>
/// <param name="Mean">Devel mean subtracted.</param>
/// <param name="Scale">Devel standard deviation divided by.</param>
/// <param name="Devel">The member alone on devel.</param>
/// <param name="Test">The member alone on test.</param>
public sealed record FusionMemberResult(string Name, double Mean, double Scale, FusionScore Devel, FusionScore Test);

/// <summary>UAR and WAR of a score matrix's argmax (null when the partition is unlabelled).</summary>
/// <param name="Uar">Unweighted average recall.</param>
/// <param name="War">Weighted average recall.</param>
public sealed record FusionScore(double? Uar, double? War);

/// <summary>Reads fusion members: score files aligned by utterance name and class name, true classes from the ingest record.</summary>
internal static class FusionInputs
{
    public static IEnumerable<string> MemberKeys(IReadOnlyList<FusionMember> members) =>
        members.Select(m => m.Name + "=" + m.Key + (m.TestKey is null ? string.Empty : "/" + m.TestKey));

    public static async Task<FusionData> LoadAsync(MemoizedArtifacts artifacts, string recordBlob, IReadOnlyList<FusionMember> members, CancellationToken ct)
    {
        if (members.Count == 0)
        {
            throw new ArgumentException("fusion: no members");
        }

        var record = await artifacts.ReadJsonAsync<CorpusRecord>(recordBlob, ct);
        var labels = record.Files.ToDictionary(f => f.Id, f => f.Label, StringComparer.Ordinal);
        var devel = new List<ScoreTable>();
        var test = new List<ScoreTable>();
        foreach (var m in members)
        {
            devel.Add(ScoreTable.Parse(await ReadTextAsync(artifacts, m.DevelScores, ct), m.DevelScores));
            test.Add(ScoreTable.Parse(await ReadTextAsync(artifacts, m.TestScores, ct), m.TestScores));
        }

        var classes = devel[0].Classes;
        var develNames = devel[0].Names;
        var testNames = test[0].Names;
        var develAligned = devel.Select(t => t.Aligned(develNames, classes)).ToList();
        var testAligned = test.Select(t => t.Aligned(testNames, classes)).ToList();
        var normalisers = develAligned.Select(ScoreNormalizer.Fit).ToList();
        int[] Truth(IReadOnlyList<string> names, string source) => [.. names.Select(n => labels.TryGetValue(n, out var l)
            ? (l is null ? -1 : IndexOf(classes, l, source, n))
            : throw new InvalidDataException($"artifacts/{source}: name '{n}' is not a file of the corpus record"))];
        return new FusionData(
            classes,
            develNames,
            testNames,
            [.. develAligned.Select((d, i) => normalisers[i].Apply(d))],
            [.. testAligned.Select((t, i) => normalisers[i].Apply(t))],
            normalisers,
            Truth(develNames, members[0].DevelScores),
            Truth(testNames, members[0].TestScores));
    }

    /// <summary>UAR and WAR of the argmax of <paramref name="scores"/> over the labelled rows (null when none is labelled).</summary>
    public static FusionScore Score(RealMatrix scores, int[] truth, int classes)
    {
        var predicted = TargetCoding.ArgMax(scores);
        var idx = Enumerable.Range(0, truth.Length).Where(i => truth[i] >= 0).ToArray();
        if (idx.Length == 0)
        {
            return new FusionScore(null, null);
        }

        var t = idx.Select(i => truth[i]).ToArray();
        var p = idx.Select(i => predicted[i]).ToArray();
        return new FusionScore(Math.Round(Metrics.Uar(t, p, classes), 6, MidpointRounding.ToEven), Math.Round(Metrics.War(t, p), 6, MidpointRounding.ToEven));
    }

    public static byte[] ScoreCsv(IReadOnlyList<string> names, RealMatrix scores, IReadOnlyList<string> classes)
    {
        var predicted = TargetCoding.ArgMax(scores);
        var sb = new StringBuilder("name,").Append(string.Join(',', classes)).Append(",predicted\n");
        for (int i = 0; i < names.Count; i++)
        {
            sb.Append(names[i]);
            for (int j = 0; j < classes.Count; j++)
            {
                sb.Append(',').Append(scores[i, j].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(',').Append(classes[predicted[i]]).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static int IndexOf(IReadOnlyList<string> classes, string label, string source, string name)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            if (classes[i] == label)
            {
                return i;
            }
        }

        throw new InvalidDataException($"artifacts/{source}: {name}: class '{label}' of the corpus record is not a score column ({string.Join(", ", classes)})");
    }

    private static async Task<string> ReadTextAsync(MemoizedArtifacts artifacts, string blob, CancellationToken ct) =>
        Encoding.UTF8.GetString(await artifacts.Store.GetBytesAsync(Containers.Artifacts, blob, ct));
}

/// <summary>Aligned, normalised members of one fusion.</summary>
internal sealed record FusionData(
    IReadOnlyList<string> Classes,
    IReadOnlyList<string> DevelNames,
    IReadOnlyList<string> TestNames,
    IReadOnlyList<RealMatrix> NormalisedDevel,
    IReadOnlyList<RealMatrix> NormalisedTest,
    IReadOnlyList<ScoreNormalizer> Normalisers,
    int[] DevelTruth,
    int[] TestTruth);

/// <summary>A score file <c>name,{class...},predicted</c>.</summary>
internal sealed record ScoreTable(string Source, IReadOnlyList<string> Classes, IReadOnlyList<string> Names, RealMatrix Scores)
{
    public static ScoreTable Parse(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"artifacts/{source}: header: the score file is empty");
        }

        var header = lines[0].Split(',');
        if (header.Length < 4 || header[0] != "name" || header[^1] != "predicted")
        {
            throw new InvalidDataException($"artifacts/{source}: header: expected name,{{class...}},predicted, got '{lines[0]}'");
        }

        var classes = header[1..^1];
        var names = new List<string>(lines.Length - 1);
        var values = new double[(lines.Length - 1) * classes.Length];
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"artifacts/{source}: line {r + 1}: {cells.Length} fields, the header has {header.Length}");
            }

            names.Add(cells[0]);
            for (int j = 0; j < classes.Length; j++)
            {
                if (!double.TryParse(cells[j + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    throw new InvalidDataException($"artifacts/{source}: line {r + 1}: {classes[j]}: '{cells[j + 1]}' is not a finite number");
                }

                values[((r - 1) * classes.Length) + j] = v;
            }
        }

        return new ScoreTable(source, classes, names, new RealMatrix(names.Count, classes.Length, values));
    }

    /// <summary>The scores with rows in <paramref name="names"/> order and columns in <paramref name="classes"/> order.</summary>
    public RealMatrix Aligned(IReadOnlyList<string> names, IReadOnlyList<string> classes)
    {
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Count; i++)
        {
            rowOf[Names[i]] = i;
        }

        var colOf = classes.Select(c => Classes.ToList().IndexOf(c)).ToArray();
        if (colOf.Any(c => c < 0) || Classes.Count != classes.Count)
        {
            throw new InvalidDataException($"artifacts/{Source}: header: classes {string.Join(", ", Classes)} differ from the first member's {string.Join(", ", classes)}");
        }

        if (Names.Count != names.Count)
        {
            throw new InvalidDataException($"artifacts/{Source}: {Names.Count} rows, the first member has {names.Count}");
        }

        var m = new RealMatrix(names.Count, classes.Count);
        for (int i = 0; i < names.Count; i++)
        {
            if (!rowOf.TryGetValue(names[i], out int r))
            {
                throw new InvalidDataException($"artifacts/{Source}: name: '{names[i]}' of the first member is missing");
            }

            for (int j = 0; j < classes.Count; j++)
            {
                m[i, j] = Scores[r, colOf[j]];
            }
        }

        return m;
    }
}
