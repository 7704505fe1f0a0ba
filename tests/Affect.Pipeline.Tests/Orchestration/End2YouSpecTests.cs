using System.Text.Json;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The spec's nested <c>end2You</c> record: absent means no stage, <c>{}</c> End2You's defaults, bad fields named.</summary>
public sealed class End2YouSpecTests
{
    [Fact]
    public void An_absent_record_runs_no_End2You_stage_and_leaves_the_spec_json_and_run_id_as_before()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"]}""", []);
        Assert.Null(spec.End2You);
        Assert.False(spec.End2YouEnabled);
        Assert.DoesNotContain("end2You", spec.ToCanonicalJson(), StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(RunRequests.RunIdFor(spec), RunRequests.RunIdFor(spec with { End2You = new End2YouSpec() }));
    }

    [Fact]
    public void An_empty_record_takes_End2Yous_documented_defaults_and_round_trips()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"],"end2You":{}}""", []);
        Assert.True(spec.End2YouEnabled);
        var o = spec.End2You!;
        Assert.Equal((640, 100, 40, 80, 2, 40, 40, 10), (o.FrameSamples, o.Frames, o.Conv1Channels, o.Conv1Kernel, o.Pool1, o.Conv2Channels, o.Conv2Kernel, o.Pool2));
        Assert.Equal((256, 50, 10, 16, 0.0001), (o.Units, o.Epochs, o.Patience, o.BatchSize, o.LearningRate));
        Assert.Equal(spec, ExperimentSpec.Parse(spec.ToCanonicalJson(), []) with { Corpora = spec.Corpora });
        Assert.DoesNotContain("positions", spec.ToCanonicalJson(), StringComparison.OrdinalIgnoreCase);
        Assert.False(RunRequests.ParseStartBody("""{"corpora":["usoms"],"end2You":{"enabled":false}}""", []).End2YouEnabled);
    }

    [Theory]
    [InlineData("""{"units":0}""", "spec.end2You.units: 0 is outside")]
    [InlineData("""{"frames":0}""", "spec.end2You.frames")]
    [InlineData("""{"patience":-1}""", "spec.end2You.patience")]
    [InlineData("""{"learningRate":0}""", "spec.end2You.learningRate")]
    [InlineData("""{"conv1Kernel":700}""", "spec.end2You.frameSamples: a frame of 640 samples is too short")]
    [InlineData("""{"frame":3}""", "spec.end2You")]
    public void A_bad_field_is_named_in_the_error(string record, string field)
    {
        var error = Assert.Throws<FormatException>(() => RunRequests.ParseStartBody($$"""{"corpora":["usoms"],"end2You":{{record}}}""", []));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_sizes_are_valid_and_smaller_than_the_defaults()
    {
        Assert.Empty(End2YouSpec.Demo.Validate());
        Assert.True(End2YouSpec.Demo.Units < new End2YouSpec().Units);
        Assert.True(End2YouSpec.Demo.Frames < new End2YouSpec().Frames);
        Assert.Contains("parameters.units", string.Join(";", (End2YouSpec.Demo with { Units = 0 }).Validate("parameters")), StringComparison.Ordinal);
    }
}
