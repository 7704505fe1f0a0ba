using Affect.Sequence.Onnx;

namespace Affect.Training;

/// <summary>
/// Writes the encoder half of a <see cref="SpectrogramAutoencoder"/> as a standard ONNX graph (opset 17), so features can
/// be extracted with ONNX Runtime: spectrograms [batch, time, bands] → Transpose to time-major → per layer <c>GRU</c>
/// (linear_before_reset = 1, PyTorch's cell; bidirectional if trained so), its Y reshaped to [time, batch, dirs·H] for
/// the next layer → all layers' final states Y_h concatenated [layers·dirs, batch, H] → [batch, layers·dirs·H] →
/// r = tanh(h·Wᵀ + b) [batch, RepresentationSize]. ONNX orders the GRU gate blocks z, r, h while PyTorch orders them
/// r, z, n, so the blocks of W, R and both biases are reordered (PyTorch block 1, 0, 2).
/// </summary>
public static class SpectrogramEncoderOnnxExporter
{
    /// <summary>The graph input name.</summary>
    public const string InputName = "spectrogram";

    /// <summary>The graph output name.</summary>
    public const string OutputName = "representation";

    private static readonly int[] OnnxGateOrder = [1, 0, 2];   // ONNX z, r, h taken from PyTorch r, z, n

    /// <summary>Serialises the encoder of <paramref name="model"/> (its current weights) as ONNX model bytes.</summary>
    public static byte[] Export(SpectrogramAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = model.Options;
        int h = options.Units;
        int directions = options.BidirectionalEncoder ? 2 : 1;
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray(), StringComparer.Ordinal);
        var builder = new OnnxGraphBuilder("audeep_encoder")
            .AddInput(InputName, "batch", "time", model.Bands)
            .AddOutput(OutputName, "batch", options.RepresentationSize)
            .AddInt64Initializer("merge_directions", [3], [0L, 0L, -1L])
            .AddInt64Initializer("flatten_states", [2], [0L, -1L])
            .AddNode("Transpose", [InputName], ["x0"], OnnxAttribute.Ints("perm", 1, 0, 2));
        var finals = new List<string>();
        for (int l = 0; l < options.Layers; l++)
        {
            int input = l == 0 ? model.Bands : directions * h;
            var w = new List<float>();
            var r = new List<float>();
            var b = new List<float>();
            foreach (string suffix in directions == 2 ? new[] { string.Empty, "_reverse" } : [string.Empty])
            {
                w.AddRange(Reorder(named[$"encoder.weight_ih_l{l}{suffix}"], h, input));
                r.AddRange(Reorder(named[$"encoder.weight_hh_l{l}{suffix}"], h, h));
                b.AddRange(Reorder(named[$"encoder.bias_ih_l{l}{suffix}"], h, 1));
                b.AddRange(Reorder(named[$"encoder.bias_hh_l{l}{suffix}"], h, 1));
            }

            builder
                .AddInitializer($"W{l}", [directions, 3 * h, input], w.ToArray())
                .AddInitializer($"R{l}", [directions, 3 * h, h], r.ToArray())
                .AddInitializer($"B{l}", [directions, 6 * h], b.ToArray())
                .AddNode("GRU", [$"x{l}", $"W{l}", $"R{l}", $"B{l}"], [$"y{l}", $"yh{l}"],
                    OnnxAttribute.Int("hidden_size", h), OnnxAttribute.Int("linear_before_reset", 1),
                    OnnxAttribute.String("direction", directions == 2 ? "bidirectional" : "forward"))
                .AddNode("Transpose", [$"y{l}"], [$"y{l}_t"], OnnxAttribute.Ints("perm", 0, 2, 1, 3))
                .AddNode("Reshape", [$"y{l}_t", "merge_directions"], [$"x{l + 1}"]);
            finals.Add($"yh{l}");
        }

        var bridgeWeight = named["bridge.weight"];   // [out, in]
        int outSize = options.RepresentationSize, inSize = options.Layers * directions * h;
        var transposed = new float[bridgeWeight.Length];
        for (int o = 0; o < outSize; o++)
        {
            for (int i = 0; i < inSize; i++)
            {
                transposed[(i * outSize) + o] = bridgeWeight[(o * inSize) + i];
            }
        }

        builder
            .AddNode("Concat", [.. finals], ["states"], OnnxAttribute.Int("axis", 0))
            .AddNode("Transpose", ["states"], ["states_batch_major"], OnnxAttribute.Ints("perm", 1, 0, 2))
            .AddNode("Reshape", ["states_batch_major", "flatten_states"], ["flat"])
            .AddInitializer("bridge_w", [inSize, outSize], transposed)
            .AddInitializer("bridge_b", [outSize], named["bridge.bias"])
            .AddNode("MatMul", ["flat", "bridge_w"], ["bridge_xw"])
            .AddNode("Add", ["bridge_xw", "bridge_b"], ["bridge_pre"])
            .AddNode("Tanh", ["bridge_pre"], [OutputName]);
        return builder.ToModelBytes();
    }

    private static float[] Reorder(float[] pytorch, int hidden, int columns)
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
