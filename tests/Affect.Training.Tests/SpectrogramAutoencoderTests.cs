using Affect.Sequence.Onnx;
using Affect.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

public sealed class SpectrogramAutoencoderTests(ITestOutputHelper output)
{
    private static readonly SpectrogramAutoencoderOptions Small = new(Layers: 2, Units: 8, Epochs: 12, BatchSize: 4, LearningRate: 0.01, Seed: 20);

    // 12 spectrograms of 10 frames × 6 bands in [−1, 1]: moving ridges at different speeds and phases.
    private static SpectrogramBatch Ridges()
    {
        const int count = 12, frames = 10, bands = 6;
        var values = new float[count * frames * bands];
        for (int s = 0; s < count; s++)
        {
            for (int t = 0; t < frames; t++)
            {
                for (int b = 0; b < bands; b++)
                {
                    values[(((s * frames) + t) * bands) + b] = (float)Math.Tanh(2 * Math.Sin((0.3 * (s % 4) * t) + b + s));
                }
            }
        }

        return new SpectrogramBatch(count, frames, bands, values);
    }

    [Fact]
    public void ReconstructionErrorFallsAndRepresentationsHaveTheDecoderStateSize()
    {
        var run = SpectrogramAutoencoderTrainer.Train(Ridges(), Small);
        using var model = run.Model;
        output.WriteLine($"RMSE per epoch: {string.Join(", ", run.EpochLosses.Select(l => l.ToString("F4")))}");
        Assert.True(run.EpochLosses[^1] < 0.8 * run.EpochLosses[0], $"RMSE {run.EpochLosses[^1]} not below 0.8 × {run.EpochLosses[0]}");

        var features = SpectrogramAutoencoderTrainer.Represent(model, Ridges());
        Assert.Equal(2 * 2 * 8, Small.RepresentationSize);
        Assert.Equal(12 * Small.RepresentationSize, features.Length);
        Assert.All(features, f => Assert.InRange(f, -1f, 1f));

        // Different spectrograms give different representations.
        Assert.False(features.AsSpan(0, 32).SequenceEqual(features.AsSpan(32, 32)));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndFeatures() => SeededRuns.AssertSameSeedSameBytes(seed =>
    {
        var run = SpectrogramAutoencoderTrainer.Train(Ridges(), Small with { Epochs = 3, Seed = seed });
        using var model = run.Model;
        return [("weights", ModuleParameters.Bytes(model)), ("features", SeededRuns.Bytes(SpectrogramAutoencoderTrainer.Represent(model, Ridges())))];
    });

    [Fact]
    public void ForwardReconstructsEveryFrameAndEncodeGivesOneVectorPerSpectrogram()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new SpectrogramAutoencoder(6, Small);
        model.eval();
        var batch = Ridges();
        using var x = torch.tensor(batch.Values, [12, 10, 6]);
        using var y = model.forward(x);
        Assert.Equal([12L, 10L, 6L], y.shape);

        using var noGrad = torch.no_grad();
        using var r = model.Encode(x);
        Assert.Equal([12L, 32L], r.shape);
    }

    [Fact]
    public void WrongBandCountIsRejectedWithTheShape()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new SpectrogramAutoencoder(6, Small);
        using var x = torch.zeros(2, 10, 5);
        var error = Assert.Throws<ArgumentException>(() => model.Encode(x));
        Assert.Contains("[2, 10, 5]", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OnnxRuntimeEncoderMatchesTorchSharpAndTheExportIsReproducible(bool bidirectional)
    {
        var options = Small with { Epochs = 2, BidirectionalEncoder = bidirectional };
        var run = SpectrogramAutoencoderTrainer.Train(Ridges(), options);
        using var model = run.Model;
        var torchFeatures = SpectrogramAutoencoderTrainer.Represent(model, Ridges());
        var bytes = SpectrogramEncoderOnnxExporter.Export(model);

        var batch = Ridges();
        using var onnx = OnnxPredictor.Load(bytes, "audeep-encoder.onnx");
        var ort = onnx.Run(new OnnxFloatTensor(batch.Values, batch.Count, batch.Frames, batch.Bands));
        Assert.Equal([12L, 32L], ort.Shape);
        SeededRuns.AssertOnnxRuntimeAgrees(torchFeatures, ort.Values, 1e-5, output, $"bidirectional {bidirectional}");

        using var again = SpectrogramAutoencoderTrainer.Train(Ridges(), options).Model;
        Assert.Equal(bytes, SpectrogramEncoderOnnxExporter.Export(again));
    }
}
