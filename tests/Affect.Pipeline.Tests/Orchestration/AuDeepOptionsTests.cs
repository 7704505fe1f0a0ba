using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The spec's nested <c>auDeep</c> record: <c>{}</c> takes auDeep's defaults, the job takes its hyper-parameters (what every queued stage's record does: <see cref="QueuedStageSpecTests"/>).</summary>
public sealed class AuDeepOptionsTests
{
    [Fact]
    public void An_empty_record_takes_auDeeps_documented_defaults()
    {
        var spec = RunRequests.ParseStartBody("""{"corpora":["usoms"],"auDeep":{}}""", []);
        var options = spec.AuDeep!;
        Assert.Equal([-30.0, -45, -60, -75], options.ThresholdsOrDefault);
        Assert.Equal((256, 2, 64, 256, 0.001, 0.8), (options.Units, options.Layers, options.Epochs, options.BatchSize, options.LearningRate, options.KeepProbability));
        Assert.Equal((5.0, 0.08, 0.04, 128), (options.ChunkSeconds, options.WindowSeconds, options.HopSeconds, options.MelBands));
    }

    [Fact]
    public void The_demo_keeps_fewer_thresholds_than_the_defaults()
    {
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
