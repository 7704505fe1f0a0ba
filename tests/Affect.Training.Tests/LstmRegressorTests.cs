using Affect.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Affect.Training.Tests;

public sealed class LstmRegressorTests(ITestOutputHelper output)
{
    private const int Batch = 16;
    private const int Steps = 20;
    private const int Features = 8;

    [Fact]
    public void TwoLayerLstmLossDropsOverTwentyAdamSteps()
    {
        var run = Train(seed: 2018);
        output.WriteLine($"losses: {string.Join(", ", run.Losses)}");

        Assert.True(run.Losses[^1] < 0.7 * run.Losses[0],
            $"final loss {run.Losses[^1]} is not below 0.7 x initial loss {run.Losses[0]} (losses: {string.Join(", ", run.Losses)})");
        Assert.All(run.Losses, loss => Assert.True(float.IsFinite(loss)));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeights()
    {
        var first = Train(seed: 7);
        var second = Train(seed: 7);
        var other = Train(seed: 8);

        Assert.Equal(first.Weights.Length, second.Weights.Length);
        Assert.True(first.Weights.AsSpan().SequenceEqual(second.Weights), "same seed gave different final weights");
        Assert.Equal(first.Losses, second.Losses);
        Assert.False(first.Weights.AsSpan().SequenceEqual(other.Weights), "different seeds gave identical weights");
    }

    [Fact]
    public void ForwardRejectsWrongFeatureCount()
    {
        TorchRuntime.Seed(1);
        using var model = new LstmRegressor(new LstmRegressorOptions(Features, 4, 1), seed: 1);
        using var input = zeros(2, 3, Features + 1);

        var error = Assert.Throws<ArgumentException>(() => model.forward(input));
        Assert.Contains("[2, 3, 9]", error.Message);
    }

    [Fact]
    public void OptionsReportEveryInvalidField()
    {
        var error = Assert.Throws<ArgumentException>(() => new LstmRegressorOptions(0, -1, 0, 1.5).Validate());

        Assert.Contains("InputSize", error.Message);
        Assert.Contains("HiddenSize", error.Message);
        Assert.Contains("Layers", error.Message);
        Assert.Contains("Dropout", error.Message);
    }

    private sealed record TrainingRun(float[] Losses, float[] Weights);

    /// <summary>
    /// 20 Adam steps (lr 0.01) of a 2-layer LSTM (hidden 16) on seeded N(0, 1) inputs [16, 20, 8];
    /// target y_t = tanh(mean over s ≤ t of p·x_s) with p = linspace(-1, 1, 8), which needs memory across frames.
    /// </summary>
    private static TrainingRun Train(long seed)
    {
        TorchRuntime.Seed(seed);
        using var scope = NewDisposeScope();
        var inputs = randn(Batch, Steps, Features);
        // A target that needs memory: the running mean over time of a fixed projection of the inputs, squashed.
        var projection = linspace(-1.0, 1.0, Features).reshape(1, 1, Features);
        var drive = (inputs * projection).sum(2, keepdim: true);
        var counts = arange(1, Steps + 1, dtype: ScalarType.Float32).reshape(1, Steps, 1);
        var targets = tanh(drive.cumsum(1) / counts);

        using var model = new LstmRegressor(new LstmRegressorOptions(Features, HiddenSize: 16, Layers: 2), seed);
        using var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        var losses = new float[20];
        for (var step = 0; step < losses.Length; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(model.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            losses[step] = loss.item<float>();
        }

        var weights = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        return new TrainingRun(losses, weights);
    }
}
