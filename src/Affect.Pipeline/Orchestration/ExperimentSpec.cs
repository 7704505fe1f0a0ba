using System.Text.Json;
using System.Text.Json.Serialization;

namespace Affect.Pipeline.Orchestration;

/// <summary>
/// What a run is asked to do: which uploaded corpora, with which seed, and one options record per stage group of Fig. 1.
/// Every default lives here (the records' parameter defaults); <see cref="Parse"/> is the one parser of the JSON form used by
/// <c>affect run</c>/<c>affect demo</c>, <c>POST /api/runs</c>, <c>experiments/{name}.json</c> and the Functions triggers.
/// </summary>
/// <param name="Corpora">Corpus names, each stored under <c>corpora/{name}/manifest.json</c>.</param>
/// <param name="Seed">The seed every random choice of the run derives from.</param>
public sealed record ExperimentSpec(IReadOnlyList<string> Corpora, ulong Seed = 1)
{
    /// <summary>Stages 1–3 (Fig. 1 numbering of <c>ExperimentOrchestration.RunAsync</c>): fan-out batching and the optional eGeMAPS feature set.</summary>
    public FeatureSpec Features { get; init; } = new();

    /// <summary>Stage 4: the bag-of-audio-words codebooks.</summary>
    public BoawSpec Boaw { get; init; } = new();

    /// <summary>Stage 10: the utterance-level learners.</summary>
    public LearnerSpec Learners { get; init; } = new();

    /// <summary>Stages 5–7: the cross-corpus LSTMs of Table 1.</summary>
    public LstmSpec Lstm { get; init; } = new();

    /// <summary>Stage 11: weighted score fusion.</summary>
    public FusionSpec Fusion { get; init; } = new();

    /// <summary>The auDeep stage (feature set <c>AuDeep</c> of the categorical corpora, Tables 2–3 and fusion); absent (null) or <c>enabled: false</c> skips it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AuDeepOptions? AuDeep { get; init; }

    /// <summary>Whether the auDeep stage runs.</summary>
    [JsonIgnore]
    public bool AuDeepEnabled => AuDeep is { Enabled: true };

    /// <summary>The End2You stage (the END2YOU row of Table 2 and the fusion <c>learners+end2you</c>); absent (null) or <c>enabled: false</c> skips it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public End2YouSpec? End2You { get; init; }

    /// <summary>Whether the End2You stage runs.</summary>
    [JsonIgnore]
    public bool End2YouEnabled => End2You is { Enabled: true };

    /// <summary>
    /// The options of the JSON form: camelCase names, unknown fields refused, <c>null</c> refused for every group
    /// (absent means default). Also the canonical form run ids are hashed from (declaration order, no indentation).
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    /// <summary>
    /// Parses and validates the JSON form of a spec; every field is optional and an absent one takes its default.
    /// Errors name the field path (<c>spec.boaw.size: …</c>).
    /// </summary>
    /// <param name="json">The JSON text (empty or whitespace means every default).</param>
    /// <param name="allCorpora">Corpora to use when the JSON names none (every uploaded corpus).</param>
    /// <exception cref="FormatException">When the text is not JSON of the spec's shape or the spec is invalid.</exception>
    public static ExperimentSpec Parse(string json, IReadOnlyList<string> allCorpora)
    {
        ArgumentNullException.ThrowIfNull(allCorpora);
        ExperimentSpec? parsed = null;
        if (!string.IsNullOrWhiteSpace(json))
        {
            try
            {
                parsed = JsonSerializer.Deserialize<ExperimentSpec>(json, JsonOptions) ?? throw new FormatException("spec: null is not a spec object");
            }
            catch (JsonException e)
            {
                string path = e.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? "spec." + p[2..] : "spec";
                string reason = e.Message;
                int cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
                throw new FormatException($"{path}: {(cut > 0 ? reason[..cut] : reason)}", e);
            }
        }

        var spec = parsed ?? new ExperimentSpec([]);
        if (spec.Corpora is not { Count: > 0 })
        {
            if (allCorpora.Count == 0)
            {
                throw new FormatException("spec.corpora: none given and no corpus is uploaded (corpora/{name}/manifest.json)");
            }

            spec = spec with { Corpora = [.. allCorpora] };
        }

        var problems = spec.Validate();
        return problems.Count == 0 ? spec : throw new FormatException(string.Join("; ", problems));
    }

    /// <summary>The canonical JSON form (every field, defaults included): what run ids hash, and what <see cref="Parse"/> reads back.</summary>
    public string ToCanonicalJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Checks the spec and returns every problem found (empty when valid), each naming its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Corpora is null || Corpora.Count == 0)
        {
            problems.Add("spec.corpora: at least one corpus name is required");
        }
        else
        {
            for (int i = 0; i < Corpora.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(Corpora[i]) || Corpora[i].Contains('/') || Corpora[i].Contains('\\') || Corpora[i].Contains(".."))
                {
                    problems.Add($"spec.corpora[{i}]: '{Corpora[i]}' is not a plain corpus name");
                }
            }

            if (Corpora.Distinct(StringComparer.Ordinal).Count() != Corpora.Count)
            {
                problems.Add("spec.corpora: corpus names must be unique");
            }
        }

        Features.Validate("spec.features", problems);
        Boaw.Validate("spec.boaw", problems);
        Learners.Validate("spec.learners", problems);
        Lstm.Validate("spec.lstm", problems);
        Fusion.Validate("spec.fusion", problems);
        if (AuDeep is not null)
        {
            problems.AddRange(AuDeep.Validate());
        }

        if (End2You is not null)
        {
            problems.AddRange(End2You.Validate());
        }

        return problems;
    }
}

/// <summary>Stages 1–3 of a run: how files are batched over fan-out activities, and which utterance feature sets are built.</summary>
/// <param name="BatchSize">Files per fan-out activity (the in-process engine runs two activities at a time, so batching keeps work per activity meaningful).</param>
/// <param name="EGeMaps">Also build the EGEMAPS feature set (88 eGeMAPS v02 functionals per utterance) of the categorical corpora and
/// run every learner on it beside OSFUN (report rows with feature set EGEMAPS).</param>
public sealed record FeatureSpec(int BatchSize = 4, bool EGeMaps = false)
{
    internal void Validate(string path, List<string> problems)
    {
        if (BatchSize is < 1 or > 10_000)
        {
            problems.Add($"{path}.batchSize: {BatchSize} is outside 1..10000");
        }
    }
}

/// <summary>Stage 4: bag-of-audio-words codebooks (k-means++ seeding, then Lloyd iterations; multiple assignment).</summary>
/// <param name="Size">Words per codebook (the paper's ComParE setting: 1000; demos use fewer).</param>
/// <param name="Assignments">Nearest words each frame is assigned to.</param>
/// <param name="Iterations">Largest number of k-means iterations after seeding.</param>
public sealed record BoawSpec(int Size = 1000, int Assignments = 10, int Iterations = 100)
{
    internal void Validate(string path, List<string> problems)
    {
        if (Size is < 2 or > 100_000)
        {
            problems.Add($"{path}.size: {Size} is outside 2..100000");
        }

        if (Assignments < 1 || Assignments > Size)
        {
            problems.Add($"{path}.assignments: {Assignments} is outside 1..size");
        }

        if (Iterations is < 0 or > 10_000)
        {
            problems.Add($"{path}.iterations: {Iterations} is outside 0..10000");
        }
    }
}

/// <summary>Stage 10: the utterance-level learners run on every feature set.</summary>
/// <param name="Names">Learners to run (kelm, wkelm, kpls, wkpls, svm); null or empty means all of them.</param>
/// <param name="RetrainOnTrainDevel">Test predictions of the fused learners come from models refitted on train + devel with the
/// devel-chosen hyper-parameters (the paper's recommended protocol, Section 4.1); devel scores always come from train-only models.</param>
public sealed record LearnerSpec(IReadOnlyList<string>? Names = null, bool RetrainOnTrainDevel = false)
{
    /// <summary>The learners of Table 3 (and the SVM baseline).</summary>
    public static readonly IReadOnlyList<string> All = ["kelm", "wkelm", "kpls", "wkpls", "svm"];

    /// <summary>The learners this run uses.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> NamesOrAll => Names is { Count: > 0 } l ? l : All;

    internal void Validate(string path, List<string> problems)
    {
        var names = NamesOrAll;
        for (int i = 0; i < names.Count; i++)
        {
            if (!All.Contains(names[i]))
            {
                problems.Add($"{path}.names[{i}]: '{names[i]}' is not one of {string.Join(", ", All)}");
            }
        }
    }
}

/// <summary>Stages 5–7: the cross-corpus LSTMs of Table 1 (trained by the queued worker when two or more dimensional corpora are given).</summary>
/// <param name="Enabled">Train the LSTMs at all.</param>
/// <param name="Epochs">Epochs per LSTM training (the paper: 5).</param>
/// <param name="DeadlineSeconds">How long the orchestration waits (a durable timer) for the training worker's completion event
/// of a queued LSTM job before it fails the run (default 6 h); the wait adds a fixed number of history events, however long it is.</param>
public sealed record LstmSpec(bool Enabled = true, int Epochs = 5, int DeadlineSeconds = LstmSpec.DefaultDeadlineSeconds)
{
    /// <summary>Default of <see cref="DeadlineSeconds"/>: 6 hours.</summary>
    public const int DefaultDeadlineSeconds = 6 * 3600;

    /// <summary>Largest <see cref="DeadlineSeconds"/>: 7 days.</summary>
    public const int MaxDeadlineSeconds = 7 * 24 * 3600;

    internal void Validate(string path, List<string> problems)
    {
        if (Epochs is < 1 or > 1000)
        {
            problems.Add($"{path}.epochs: {Epochs} is outside 1..1000");
        }

        if (DeadlineSeconds is < 1 or > MaxDeadlineSeconds)
        {
            problems.Add($"{path}.deadlineSeconds: {DeadlineSeconds} is outside 1..{MaxDeadlineSeconds}");
        }
    }
}

/// <summary>Stage 11: weighted score fusion (WF, Section 2.2) over a pool of random weight matrices.</summary>
/// <param name="Pool">Random weight matrices searched.</param>
/// <param name="Chunks">Activities the pool is split over (fan-out); the result does not depend on it.</param>
public sealed record FusionSpec(int Pool = 100_000, int Chunks = 4)
{
    internal void Validate(string path, List<string> problems)
    {
        if (Pool is < 1 or > 100_000_000)
        {
            problems.Add($"{path}.pool: {Pool} is outside 1..100000000");
        }

        if (Chunks < 1 || Chunks > 1000 || Chunks > Pool)
        {
            problems.Add($"{path}.chunks: {Chunks} is outside 1..min(1000, pool)");
        }
    }
}
