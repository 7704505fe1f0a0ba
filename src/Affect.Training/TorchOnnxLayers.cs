using Affect.Sequence.Onnx;

namespace Affect.Training;

/// <summary>
/// The ONNX graph pieces that the exporters of the TorchSharp models share (<see cref="End2YouOnnxExporter"/>,
/// <see cref="SpectrogramEncoderOnnxExporter"/>): a PyTorch <c>nn.GRU</c> layer as an ONNX <c>GRU</c> node and a PyTorch
/// <c>nn.Linear</c> as MatMul + Add, with their weights converted from the module's named parameters.
/// </summary>
internal static class TorchOnnxLayers
{
    private static readonly int[] OnnxGateOrder = [1, 0, 2];   // ONNX z, r, h taken from PyTorch r, z, n

    /// <summary>
    /// Adds layer <paramref name="layer"/> of the PyTorch GRU <paramref name="module"/> (forward, and with
    /// <paramref name="bidirectional"/> its <c>_reverse</c> direction) as initializers W, R, B named
    /// <paramref name="prefix"/>_w/_r/_b and a <c>GRU</c> node (linear_before_reset = 1, PyTorch's cell). ONNX orders the
    /// gate blocks z, r, h while PyTorch orders them r, z, n, so the blocks of W, R and both biases are reordered.
    /// </summary>
    public static OnnxGraphBuilder AddGru(
        this OnnxGraphBuilder builder, IReadOnlyDictionary<string, float[]> named, string module, int layer, int inputSize, int hidden,
        bool bidirectional, string prefix, string input, string[] outputs)
    {
        var w = new List<float>();
        var r = new List<float>();
        var b = new List<float>();
        foreach (string suffix in bidirectional ? new[] { string.Empty, "_reverse" } : [string.Empty])
        {
            w.AddRange(GateBlocks(named[$"{module}.weight_ih_l{layer}{suffix}"], hidden, inputSize));
            r.AddRange(GateBlocks(named[$"{module}.weight_hh_l{layer}{suffix}"], hidden, hidden));
            b.AddRange(GateBlocks(named[$"{module}.bias_ih_l{layer}{suffix}"], hidden, 1));
            b.AddRange(GateBlocks(named[$"{module}.bias_hh_l{layer}{suffix}"], hidden, 1));
        }

        int directions = bidirectional ? 2 : 1;
        return builder
            .AddInitializer($"{prefix}_w", [directions, 3 * hidden, inputSize], w.ToArray())
            .AddInitializer($"{prefix}_r", [directions, 3 * hidden, hidden], r.ToArray())
            .AddInitializer($"{prefix}_b", [directions, 6 * hidden], b.ToArray())
            .AddNode("GRU", [input, $"{prefix}_w", $"{prefix}_r", $"{prefix}_b"], outputs,
                OnnxAttribute.Int("hidden_size", hidden), OnnxAttribute.Int("linear_before_reset", 1),
                OnnxAttribute.String("direction", bidirectional ? "bidirectional" : "forward"));
    }

    /// <summary>
    /// Adds the PyTorch linear layer <paramref name="module"/> (weight [out, in], bias [out]) as y = x·Wᵀ + b: initializers
    /// <paramref name="prefix"/>_w ([in, out], transposed) and _b, MatMul to <paramref name="prefix"/>_xw, then Add.
    /// </summary>
    public static OnnxGraphBuilder AddLinear(
        this OnnxGraphBuilder builder, IReadOnlyDictionary<string, float[]> named, string module, int inSize, int outSize, string prefix, string input, string output)
    {
        var weight = named[$"{module}.weight"];
        var transposed = new float[weight.Length];
        for (int o = 0; o < outSize; o++)
        {
            for (int i = 0; i < inSize; i++)
            {
                transposed[(i * outSize) + o] = weight[(o * inSize) + i];
            }
        }

        return builder
            .AddInitializer($"{prefix}_w", [inSize, outSize], transposed)
            .AddInitializer($"{prefix}_b", [outSize], named[$"{module}.bias"])
            .AddNode("MatMul", [input, $"{prefix}_w"], [$"{prefix}_xw"])
            .AddNode("Add", [$"{prefix}_xw", $"{prefix}_b"], [output]);
    }

    // PyTorch's gate blocks (r, z, n) of a [3·hidden, columns] matrix or [3·hidden] bias in ONNX's order (z, r, h).
    private static float[] GateBlocks(float[] pytorch, int hidden, int columns)
    {
        int block = hidden * columns;
        var result = new float[3 * block];
        for (int g = 0; g < 3; g++)
        {
            pytorch.AsSpan(OnnxGateOrder[g] * block, block).CopyTo(result.AsSpan(g * block));
        }

        return result;
    }
}
