using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The spec's nested <c>auDeep</c> record: absent means no stage, <c>{}</c> auDeep's defaults, bad fields named.</summary>
public sealed class AuDeepOptionsTests
{
    [Fact]
    public void An_absent_record_runs_no_auDeep_stage_and_leaves_the_spec_json_and_run_id_as_before()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"]}""", []);
        Assert.Null(spec.AuDeep);
        Assert.False(spec.AuDeepEnabled);
        Assert.DoesNotContain("auDeep", JsonSerializer.Serialize(spec, JsonSerializerOptions.Web), StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(RunRequests.RunIdFor(spec), RunRequests.RunIdFor(spec with { AuDeep = new AuDeepOptions() }));
    }

    [Fact]
    public void An_empty_record_takes_auDeeps_documented_defaults()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"],"auDeep":{}}""", []);
        Assert.True(spec.AuDeepEnabled);
        var options = spec.AuDeep!;
        Assert.Equal([-30.0, -45, -60, -75], options.ThresholdsOrDefault);
        Assert.Equal((256, 2, 64, 256, 0.001, 0.8), (options.Units, options.Layers, options.Epochs, options.BatchSize, options.LearningRate, options.KeepProbability));
        Assert.Equal((5.0, 0.08, 0.04, 128), (options.ChunkSeconds, options.WindowSeconds, options.HopSeconds, options.MelBands));
        Assert.False(RunRequests.ParseStartBody("""{"corpora":["usoms"],"auDeep":{"enabled":false}}""", []).AuDeepEnabled);
    }

    [Theory]
    [InlineData("""{"units":0}""", "spec.auDeep.units")]
    [InlineData("""{"thresholds":[-30, 10]}""", "spec.auDeep.thresholds")]
    [InlineData("""{"thresholds":[-30, -30]}""", "spec.auDeep.thresholds")]
    [InlineData("""{"hopSeconds":0.2}""", "spec.auDeep.hopSeconds")]
    [InlineData("""{"chunkSeconds":0.1}""", "spec.auDeep.chunkSeconds")]
    [InlineData("""{"keepProbability":0}""", "spec.auDeep.keepProbability")]
    [InlineData("""{"melBands":0}""", "spec.auDeep.melBands")]
    public void A_bad_field_is_named_in_the_error(string record, string field)
    {
        var error = Assert.Throws<FormatException>(() => RunRequests.ParseStartBody($$"""{"corpora":["usoms"],"auDeep":{{record}}}""", []));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_sizes_are_valid_and_smaller_than_the_defaults()
    {
        Assert.Empty(AuDeepOptions.Demo.Validate());
        Assert.True(AuDeepOptions.Demo.Units < new AuDeepOptions().Units);
        Assert.True(AuDeepOptions.Demo.ThresholdsOrDefault.Count < AuDeepOptions.DefaultThresholds.Count);
    }

    [Fact]
    public void The_training_job_takes_every_hyper_parameter_from_the_spec_options()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"],"auDeep":{}}""", []);
        Assert.Equal(new AuDeepJobParameters(256, 2, 64, 256, 0.001, 0.8, true), spec.AuDeep!.JobParameters());
        var changed = new AuDeepOptions(Units: 32, Layers: 3, Epochs: 5, BatchSize: 8, LearningRate: 0.01, KeepProbability: 0.5, BidirectionalEncoder: false);
        Assert.Equal(new AuDeepJobParameters(32, 3, 5, 8, 0.01, 0.5, false), changed.JobParameters());
        Assert.Equal(AuDeepOptions.Demo.Units, AuDeepOptions.Demo.JobParameters().Units);
        Assert.NotEqual(
            AuDeepTrainingJob.Create("usoms", 1, new AuDeepOptions().JobParameters(), ["spectrograms/a/b.npy"]).ModelKey,
            AuDeepTrainingJob.Create("usoms", 1, (new AuDeepOptions() with { Epochs = 63 }).JobParameters(), ["spectrograms/a/b.npy"]).ModelKey);
    }
}
