using Affect.Sequence.Onnx;
using Affect.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

public sealed class End2YouTests(ITestOutputHelper output)
{
    // 10 ms frames at 16 kHz, 10 frames per utterance: small enough for seconds of CPU.
    private static readonly End2YouOptions Small = new(
        new(FrameSamples: 160, Frames: 10, Conv1Channels: 4, Conv1Kernel: 20, Pool1: 4, Conv2Channels: 4, Conv2Kernel: 5, Pool2: 4,
            Units: 8, Epochs: 12, Patience: 0, BatchSize: 6, LearningRate: 0.01),
        seed: 3);

    // Per class a tone (250, 1000, 3000 Hz) with seeded noise and phase; class 0 twice as frequent as the others.
    private static End2YouUtterances Tones(int perClass, int seed, End2YouOptions options)
    {
        double[] frequencies = [250, 1000, 3000];
        var random = new SplitMix64((ulong)seed);
        var values = new List<float>();
        var labels = new List<int>();
        for (int k = 0; k < 3; k++)
        {
            for (int u = 0; u < (k == 0 ? 2 * perClass : perClass); u++)
            {
                double phase = random.Next() / (double)ulong.MaxValue * 2 * Math.PI;
                var wave = new float[options.Samples - (u * 37 % 300)];
                for (int i = 0; i < wave.Length; i++)
                {
                    double noise = (random.Next() / (double)ulong.MaxValue) - 0.5;
                    wave[i] = (float)((0.3 * Math.Sin((2 * Math.PI * frequencies[k] * i / 16000) + phase)) + (0.2 * noise));
                }

                values.AddRange(End2YouTrainer.Frame(wave, options));
                labels.Add(k);
            }
        }

        return new End2YouUtterances(labels.Count, options.Samples, [.. values], [.. labels]);
    }

    [Fact]
    public void LearnsToTellTonesApartAndKeepsTheBestDevelEpoch()
    {
        var run = End2YouTrainer.Train(Tones(6, 1, Small), Tones(3, 2, Small), 3, Small);
        using var model = run.Model;
        foreach (var e in run.Epochs)
        {
            output.WriteLine($"epoch {e.Epoch}: loss {e.TrainLoss:F4}, devel UAR {e.DevelUar:F3}");
        }

        Assert.Equal(Small.Epochs, run.Epochs.Count);
        Assert.True(run.Epochs[^1].TrainLoss < run.Epochs[0].TrainLoss, "training loss did not fall");
        var best = run.Epochs[run.BestEpoch - 1];
        Assert.Equal(run.Epochs.Max(e => e.DevelUar), best.DevelUar);
        Assert.True(best.DevelUar >= 0.8, $"best devel UAR {best.DevelUar}");

        // The returned model is the best epoch's: predicting devel again gives its UAR.
        var devel = Tones(3, 2, Small);
        var predicted = End2YouTrainer.ArgMax(End2YouTrainer.Predict(model, devel), 3);
        Assert.Equal(best.DevelUar, End2YouTrainer.Uar(devel.Labels, predicted, 3));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndOnnxBytes() => SeededRuns.AssertSameSeedSameBytes(seed =>
    {
        var options = Small with { Epochs = 3, Seed = seed };
        var run = End2YouTrainer.Train(Tones(4, 1, options), Tones(2, 2, options), 3, options);
        using var model = run.Model;
        return [("weights", ModuleParameters.Bytes(model)), ("ONNX bytes", End2YouOnnxExporter.Export(model, ["low", "mid", "high"]))];
    });

    [Fact]
    public void OnnxRuntimeAgreesWithTorchSharpWithin1e5()
    {
        var options = Small with { Epochs = 2 };
        var run = End2YouTrainer.Train(Tones(3, 1, options), Tones(2, 2, options), 3, options);
        using var model = run.Model;
        using var predictor = OnnxPredictor.Load(End2YouOnnxExporter.Export(model, ["low", "mid", "high"]), "end2you.onnx");
        Assert.Equal("low,mid,high", predictor.Metadata["classes"]);

        // The exported model takes any batch and frame count.
        foreach (int frames in new[] { options.Frames, 3 })
        {
            var data = Tones(2, 7, options with { Frames = frames });
            var torchScores = End2YouTrainer.Predict(model, data);
            var onnx = predictor.Run(new OnnxFloatTensor(data.Values, [data.Count, frames, options.FrameSamples]));
            Assert.Equal([(long)data.Count, 3L], onnx.Shape.ToArray());
            SeededRuns.AssertOnnxRuntimeAgrees(torchScores, onnx.Values, 1e-5, output, $"{frames} frames");
            Assert.All(Enumerable.Range(0, data.Count), i => Assert.Equal(1.0, onnx.Values.AsSpan(i * 3, 3).ToArray().Sum(), 5));
        }
    }

    [Fact]
    public void ClassWeightsAreInverselyProportionalToTrainFrequency()
    {
        var weights = End2YouTrainer.ClassWeights([0, 0, 0, 0, 1, 1, 2, 2], 4);
        Assert.Equal([8 / 16.0, 8 / 8.0, 8 / 8.0, 0], weights);
    }

    [Fact]
    public void UarAveragesRecallOverThePresentClassesAndSkipsUnknownLabels()
    {
        // Class 0: 2 of 2 right; class 1: 1 of 2; class 2 absent; an unknown label (−1) is skipped.
        Assert.Equal(0.75, End2YouTrainer.Uar([0, 0, 1, 1, -1], [0, 0, 1, 0, 2], 3));
    }

    [Fact]
    public void FrameStandardisesTheWaveformThenCutsOrPads()
    {
        var options = Small with { Frames = 1, FrameSamples = 20, Conv1Kernel = 2, Pool1 = 1, Conv2Kernel = 2, Pool2 = 1 };
        var padded = End2YouTrainer.Frame([1f, 3f, 1f, 3f], options);
        Assert.Equal(20, padded.Length);
        Assert.Equal([-1f, 1f, -1f, 1f], padded[..4]);
        Assert.All(padded[4..], v => Assert.Equal(0f, v));

        var cut = End2YouTrainer.Frame(Enumerable.Range(0, 50).Select(i => (float)i).ToArray(), options);
        Assert.Equal(20, cut.Length);
        Assert.True(cut[0] < cut[19]);
    }

    [Fact]
    public void ForwardRejectsAWrongFrameLength()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new End2YouModel(3, Small);
        using var x = torch.zeros(2, 4, 100);
        var error = Assert.Throws<ArgumentException>(() => model.forward(x));
        Assert.Contains("160", error.Message, StringComparison.Ordinal);
    }
}
