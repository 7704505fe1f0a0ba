using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The spec's nested <c>end2You</c> record: <c>{}</c> takes End2You's defaults and round-trips (what every queued stage's record does: <see cref="QueuedStageSpecTests"/>).</summary>
public sealed class End2YouSpecTests
{
    [Fact]
    public void An_empty_record_takes_End2Yous_documented_defaults_and_round_trips()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"],"end2You":{}}""", []);
        var o = spec.End2You!;
        Assert.Equal((640, 100, 40, 80, 2, 40, 40, 10), (o.FrameSamples, o.Frames, o.Conv1Channels, o.Conv1Kernel, o.Pool1, o.Conv2Channels, o.Conv2Kernel, o.Pool2));
        Assert.Equal((256, 50, 10, 16, 0.0001), (o.Units, o.Epochs, o.Patience, o.BatchSize, o.LearningRate));
        Assert.Equal(spec, ExperimentSpec.Parse(spec.ToCanonicalJson(), []) with { Corpora = spec.Corpora });
        Assert.DoesNotContain("positions", spec.ToCanonicalJson(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_demo_reads_fewer_frames_and_a_job_names_its_fields_under_parameters()
    {
        Assert.True(End2YouSpec.Demo.Frames < new End2YouSpec().Frames);
        Assert.Contains("parameters.units", string.Join(";", (End2YouSpec.Demo with { Units = 0 }).Validate("parameters")), StringComparison.Ordinal);
    }
}
