using System.Text.Json.Nodes;
using Affect.Pipeline.Orchestration;

namespace Affect.Cli;

/// <summary>
/// The experiment-spec flags of <c>affect run</c> and <c>affect demo</c>: each given flag becomes its field of the spec's JSON
/// form, which <see cref="ExperimentSpec.Parse"/> (the parser of <c>POST /api/runs</c> and <c>experiments/NAME.json</c>) reads,
/// so absent flags take the spec's one default and the same settings give the same run id from every entry point.
/// </summary>
internal static class SpecFlags
{
    /// <summary>Flag → field path of the spec's JSON form, for integer flags (the commands declare the ones they offer).</summary>
    private static readonly (string Flag, string Group, string Field)[] Integers =
    [
        ("batch-size", "features", "batchSize"),
        ("boaw-size", "boaw", "size"),
        ("boaw-assignments", "boaw", "assignments"),
        ("fusion-pool", "fusion", "pool"),
        ("fusion-chunks", "fusion", "chunks"),
        ("lstm-deadline", "lstm", "deadlineSeconds"),
    ];

    /// <summary>The spec the command's flags ask for; a bad value is a usage error naming the flag and the field path.</summary>
    /// <param name="args">The parsed command line.</param>
    /// <param name="corpora">The corpora of the run.</param>
    /// <param name="boawPreset">BoAW settings the command uses instead of the spec's defaults (the demo's small codebooks), or null.</param>
    public static ExperimentSpec Parse(Arguments args, IReadOnlyList<string> corpora, BoawSpec? boawPreset = null)
    {
        var json = new JsonObject { ["corpora"] = new JsonArray([.. corpora.Select(c => JsonValue.Create(c))]) };
        if (args.Get("seed") is not null)
        {
            json["seed"] = args.GetSeed();
        }

        if (boawPreset is not null)
        {
            json["boaw"] = new JsonObject { ["size"] = boawPreset.Size, ["assignments"] = boawPreset.Assignments, ["iterations"] = boawPreset.Iterations };
        }

        foreach (var (flag, group, field) in Integers.Where(i => args.Offers(i.Flag)))
        {
            if (args.Get(flag) is not null)
            {
                Group(json, group)[field] = args.GetInt(flag, 0, int.MinValue, int.MaxValue);
            }
        }

        if (args.Offers("learner") && args.GetAll("learner") is { Count: > 0 } learners)
        {
            Group(json, "learners")["names"] = new JsonArray([.. learners.Select(l => JsonValue.Create(l))]);
        }

        if (args.OffersFlag("retrain-train-devel") && args.Flag("retrain-train-devel"))
        {
            Group(json, "learners")["retrainOnTrainDevel"] = true;
        }

        if (args.OffersFlag("egemaps") && args.Flag("egemaps"))
        {
            Group(json, "features")["eGeMaps"] = true;
        }

        // --end2you: the End2You stage at its documented defaults (the spec's empty end2You record).
        if (args.OffersFlag("end2you") && args.Flag("end2you"))
        {
            Group(json, "end2You");
        }

        try
        {
            return ExperimentSpec.Parse(json.ToJsonString(), []);
        }
        catch (FormatException e)
        {
            string flags = string.Join(", ", Integers.Where(i => e.Message.Contains($"spec.{i.Group}.{i.Field}", StringComparison.Ordinal)).Select(i => "--" + i.Flag));
            throw new UsageException(flags.Length > 0 ? $"{flags}: {e.Message}" : e.Message);
        }
    }

    private static JsonObject Group(JsonObject spec, string name) =>
        spec[name] as JsonObject ?? (JsonObject)(spec[name] = new JsonObject());
}
