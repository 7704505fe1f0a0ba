using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training.Tests;

/// <summary>
/// The End2You model off its reproducible CPU kernels: the libtorch path it takes on CUDA (conv1d, ReLU, max_pool1d),
/// run here on the CPU in float64 (any tensor that is not float32 on the CPU takes it), agrees with the float32 CPU
/// kernels. The CUDA device itself is not tested on this machine (no GPU).
/// </summary>
public sealed class End2YouModelDeviceTests
{
    [Fact]
    public void The_libtorch_path_used_on_CUDA_agrees_with_the_CPU_kernels()
    {
        var options = new End2YouOptions(new(FrameSamples: 160, Frames: 3, Conv1Channels: 4, Conv1Kernel: 20, Pool1: 4, Conv2Channels: 3, Conv2Kernel: 5, Pool2: 4, Units: 6), seed: 9);
        using var model = new End2YouModel(3, options);
        model.eval();
        var random = new SplitMix64(5);
        var audio = Enumerable.Range(0, 2 * options.Samples).Select(_ => (float)((random.Next() / (double)ulong.MaxValue) - 0.5)).ToArray();
        using var noGrad = torch.no_grad();
        using var input = torch.tensor(audio, [2, options.Frames, options.FrameSamples]);
        var kernels = model.forward(input).data<float>().ToArray();

        model.to(ScalarType.Float64);
        using var wide = input.to_type(ScalarType.Float64);
        var libtorch = model.forward(wide).data<double>().ToArray();

        Assert.Equal(kernels.Length, libtorch.Length);
        Assert.Contains(kernels, v => v != 0);
        for (int i = 0; i < kernels.Length; i++)
        {
            Assert.True(Math.Abs(kernels[i] - libtorch[i]) < 1e-5, $"logit {i}: CPU kernels {kernels[i]}, libtorch {libtorch[i]}");
        }
    }
}
