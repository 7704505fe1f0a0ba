using System.Text.Json;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>
/// What the spec's nested records of the queued neural stages (<c>auDeep</c>, <c>end2You</c>) share: absent means no
/// stage and the spec as before, <c>{}</c> the stage on, <c>enabled: false</c> off, bad fields named, demo sizes valid
/// and smaller. Each kind's own defaults are in <see cref="AuDeepOptionsTests"/> and <see cref="End2YouSpecTests"/>.
/// </summary>
public sealed class QueuedStageSpecTests
{
    /// <summary>One queued stage's record in the spec.</summary>
    /// <param name="Name">Its JSON name in the spec.</param>
    /// <param name="Record">The record of a spec, or null.</param>
    /// <param name="Enabled">Whether the spec runs the stage.</param>
    /// <param name="WithDefaults">The spec with the record at its defaults.</param>
    /// <param name="DemoProblems">Validation problems of the demo sizes.</param>
    /// <param name="Units">Recurrent units of the demo sizes and of the defaults.</param>
    private sealed record Stage(string Name, Func<ExperimentSpec, object?> Record, Func<ExperimentSpec, bool> Enabled, Func<ExperimentSpec, ExperimentSpec> WithDefaults, Func<IReadOnlyList<string>> DemoProblems, (int Demo, int Default) Units);

    private static readonly Dictionary<string, Stage> Stages = new(StringComparer.Ordinal)
    {
        ["auDeep"] = new("auDeep", s => s.AuDeep, s => s.AuDeepEnabled, s => s with { AuDeep = new AuDeepOptions() }, () => AuDeepOptions.Demo.Validate(), (AuDeepOptions.Demo.Units, new AuDeepOptions().Units)),
        ["end2You"] = new("end2You", s => s.End2You, s => s.End2YouEnabled, s => s with { End2You = new End2YouSpec() }, () => End2YouSpec.Demo.Validate(), (End2YouSpec.Demo.Units, new End2YouSpec().Units)),
    };

    public static TheoryData<string> Names => [.. Stages.Keys];

    private static ExperimentSpec Parse(string record) => RunRequests.ParseStartBody($$"""{"corpora":["usoms"]{{record}}}""", []);

    [Theory]
    [MemberData(nameof(Names))]
    public void An_absent_record_runs_no_stage_and_leaves_the_spec_json_and_run_id_as_before(string name)
    {
        var stage = Stages[name];
        var spec = Parse(string.Empty);
        Assert.Null(stage.Record(spec));
        Assert.False(stage.Enabled(spec));
        Assert.DoesNotContain(name, JsonSerializer.Serialize(spec, JsonSerializerOptions.Web), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(name, spec.ToCanonicalJson(), StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(RunRequests.RunIdFor(spec), RunRequests.RunIdFor(stage.WithDefaults(spec)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void An_empty_record_runs_the_stage_and_enabled_false_does_not(string name)
    {
        var stage = Stages[name];
        Assert.True(stage.Enabled(Parse($$""","{{name}}":{}""")));
        Assert.False(stage.Enabled(Parse($$""","{{name}}":{"enabled":false}""")));
    }

    [Theory]
    [InlineData("auDeep", """{"units":0}""", "spec.auDeep.units")]
    [InlineData("auDeep", """{"thresholds":[-30, 10]}""", "spec.auDeep.thresholds")]
    [InlineData("auDeep", """{"thresholds":[-30, -30]}""", "spec.auDeep.thresholds")]
    [InlineData("auDeep", """{"hopSeconds":0.2}""", "spec.auDeep.hopSeconds")]
    [InlineData("auDeep", """{"chunkSeconds":0.1}""", "spec.auDeep.chunkSeconds")]
    [InlineData("auDeep", """{"keepProbability":0}""", "spec.auDeep.keepProbability")]
    [InlineData("auDeep", """{"melBands":0}""", "spec.auDeep.melBands")]
    [InlineData("end2You", """{"units":0}""", "spec.end2You.units: 0 is outside")]
    [InlineData("end2You", """{"frames":0}""", "spec.end2You.frames")]
    [InlineData("end2You", """{"patience":-1}""", "spec.end2You.patience")]
    [InlineData("end2You", """{"learningRate":0}""", "spec.end2You.learningRate")]
    [InlineData("end2You", """{"conv1Kernel":700}""", "spec.end2You.frameSamples: a frame of 640 samples is too short")]
    [InlineData("end2You", """{"frame":3}""", "spec.end2You")]
    public void A_bad_field_is_named_in_the_error(string name, string record, string field)
    {
        var error = Assert.Throws<FormatException>(() => Parse($$""","{{name}}":{{record}}"""));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_demo_sizes_are_valid_and_smaller_than_the_defaults(string name)
    {
        var stage = Stages[name];
        Assert.Empty(stage.DemoProblems());
        Assert.True(stage.Units.Demo < stage.Units.Default);
    }
}
