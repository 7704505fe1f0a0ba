using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

/// <summary>The checks the trainers' tests share: same seed ⇒ same bytes, and ONNX Runtime within a tolerance of TorchSharp.</summary>
internal static class SeededRuns
{
    /// <summary>
    /// Runs <paramref name="train"/> twice with seed 5 and once with seed 6: every named result (weights, ONNX bytes,
    /// features, ...) must be bit-identical for the same seed, and the first one (the weights) must differ for the other.
    /// </summary>
    public static void AssertSameSeedSameBytes(Func<long, (string Name, byte[] Bytes)[]> train)
    {
        var first = train(5);
        var second = train(5);
        var other = train(6);
        Assert.Equal(first.Length, second.Length);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.True(first[i].Bytes.AsSpan().SequenceEqual(second[i].Bytes), $"same seed gave different {first[i].Name}");
        }

        Assert.False(first[0].Bytes.AsSpan().SequenceEqual(other[0].Bytes), $"different seeds gave identical {first[0].Name}");
    }

    /// <summary>The bytes of float values, for <see cref="AssertSameSeedSameBytes"/>.</summary>
    public static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Asserts max |TorchSharp − ONNX Runtime| ≤ <paramref name="tolerance"/> and logs it under <paramref name="label"/>.</summary>
    public static void AssertOnnxRuntimeAgrees(IReadOnlyList<float> torchSharp, IReadOnlyList<float> onnxRuntime, double tolerance, ITestOutputHelper output, string label)
    {
        Assert.Equal(torchSharp.Count, onnxRuntime.Count);
        double worst = torchSharp.Zip(onnxRuntime, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
        output.WriteLine($"{label}: max |ORT − TorchSharp| = {worst:E2}");
        Assert.True(worst <= tolerance, $"{label}: max |ORT − TorchSharp| = {worst}");
    }
}
