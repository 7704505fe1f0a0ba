using Affect.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training.Tests;

public sealed class Convolution1dTests
{
    // Sizes that exercise every path: 4 × 24 tiles, 4 × 8 tiles and scalar tails in positions, filters and taps.
    [Theory]
    [InlineData(3, 1, 160, 8, 20)]
    [InlineData(2, 5, 70, 6, 37)]
    [InlineData(2, 4, 35, 4, 5)]
    [InlineData(1, 3, 9, 1, 9)]
    public void MatchesLibtorchConv1dAndItsGradients(int batch, int channels, int length, int filters, int kernel)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(7);
        var x = randn([batch, channels, length], generator: generator).requires_grad_(true);
        var w = randn([filters, channels, kernel], generator: generator).requires_grad_(true);
        var b = randn([filters], generator: generator).requires_grad_(true);
        var g = randn([batch, filters, length - kernel + 1], generator: generator);

        var expected = nn.functional.conv1d(x, w, b);
        expected.backward([g]);
        var (gx, gw, gb) = (x.grad!.clone(), w.grad!.clone(), b.grad!.clone());
        x.grad!.zero_();
        w.grad!.zero_();
        b.grad!.zero_();

        var actual = Convolution1d.Apply(x, w, b);
        actual.backward([g]);
        AssertClose(expected, actual, "output");
        AssertClose(gx, x.grad!, "input gradient");
        AssertClose(gw, w.grad!, "weight gradient");
        AssertClose(gb, b.grad!, "bias gradient");
    }

    [Fact]
    public void ThreadCountDoesNotChangeABit()
    {
        const int batch = 5, channels = 3, length = 61, filters = 8, kernel = 11, positions = length - kernel + 1;
        var random = new SplitMix64(3);
        float[] Draw(int n) => Enumerable.Range(0, n).Select(_ => (float)((random.Next() >> 40) / (double)(1 << 24)) - 0.5f).ToArray();
        var x = Draw(batch * channels * length);
        var w = Draw(filters * channels * kernel);
        var g = Draw(batch * filters * positions);
        float[] y1 = new float[batch * filters * positions], y4 = new float[y1.Length];
        float[] dw1 = new float[w.Length], dw4 = new float[w.Length], dx1 = new float[x.Length], dx4 = new float[x.Length];
        Convolution1d.Forward(x, batch, channels, length, w, filters, kernel, y1, threads: 1);
        Convolution1d.Forward(x, batch, channels, length, w, filters, kernel, y4, threads: 4);
        Convolution1d.WeightGradient(g, x, batch, channels, length, filters, kernel, dw1, threads: 1);
        Convolution1d.WeightGradient(g, x, batch, channels, length, filters, kernel, dw4, threads: 4);
        Convolution1d.InputGradient(g, w, batch, channels, length, filters, kernel, dx1, threads: 1);
        Convolution1d.InputGradient(g, w, batch, channels, length, filters, kernel, dx4, threads: 4);
        Assert.Equal(y1, y4);
        Assert.Equal(dw1, dw4);
        Assert.Equal(dx1, dx4);

        // Each output is one fused multiply-add chain over (channel, tap) from +0: recompute one in that order.
        float acc = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int k = 0; k < kernel; k++)
            {
                acc = MathF.FusedMultiplyAdd(w[(((7 * channels) + c) * kernel) + k], x[(((4 * channels) + c) * length) + 33 + k], acc);
            }
        }

        Assert.Equal(acc, y1[(((4 * filters) + 7) * positions) + 33]);
    }

    [Fact]
    public void WrongSizesAreRejectedWithTheShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Convolution1d.Forward(new float[10], 1, 1, 10, new float[3], 1, 3, new float[7]));
        Assert.Contains("output", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => Convolution1d.Forward(new float[4], 1, 1, 4, new float[5], 1, 5, new float[0]));
        Assert.Contains("length ≥ kernel", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = Math.Max(1, expected.abs().max().item<float>());
        double worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst <= 1e-5 * scale, $"{what}: max |libtorch − Convolution1d| = {worst} (scale {scale})");
    }
}

public sealed class RectifiedMaxPool1dTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(3)]
    public void EqualsLibtorchReluThenMaxPoolBitForBitWithTheSameGradient(int pool)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(11);

        // Rounded values so that windows hold ties, negative maxima and zeros.
        var x = (randn([3, 4, 47], generator: generator) * 2).round().requires_grad_(true);
        var expected = nn.functional.max_pool1d(nn.functional.relu(x), pool, pool);
        var g = randn(expected.shape, generator: generator);
        expected.backward([g]);
        var gx = x.grad!.clone();
        x.grad!.zero_();

        var actual = RectifiedMaxPool1d.Apply(x, pool);
        actual.backward([g]);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        Assert.Equal(gx.data<float>().ToArray(), x.grad!.data<float>().ToArray());
    }
}
