namespace Affect.Pipeline.Orchestration;

/// <summary>
/// How long each stage of one run took and how much of it was computed or reused: the content of
/// <c>runs/{runId}/timings.json</c> (and <c>--out DIR/timings.json</c>). Kept out of results.json, which must stay
/// byte-identical for the same spec, seed and corpora.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Seconds">Sum of the stages' wall times (they run one after another).</param>
/// <param name="Stages">Every stage in the order it ran.</param>
public sealed record RunTimings(string RunId, double Seconds, IReadOnlyList<StageTiming> Stages)
{
    /// <summary>File name beside results.json.</summary>
    public const string FileName = "timings.json";
}

/// <summary>One stage of a run (a fan-out of activities, or one activity).</summary>
/// <param name="Stage">The stage name, as in the run's progress (e.g. <c>lld</c>, <c>lstm-train</c>, <c>report</c>).</param>
/// <param name="Activities">Activities (or waited-for jobs) in the stage.</param>
/// <param name="Computed">Those that computed their artifact (null where the outputs do not say, e.g. waited-for models).</param>
/// <param name="Reused">Those that reused a stored artifact (null where the outputs do not say).</param>
/// <param name="Seconds">From the stage's start to its last completion, on the orchestration's replay-safe clock.</param>
public sealed record StageTiming(string Stage, int Activities, int? Computed, int? Reused, double Seconds);
