namespace Affect.Sequence.Onnx;

/// <summary>
/// Writes an LSTM regressor as a standard ONNX graph (opset 17) any runtime can run:
/// features [batch, time, F] → Transpose to [time, batch, F] → per layer <c>LSTM</c> (hidden_size H, forward) and
/// <c>Squeeze</c> of the direction axis → Transpose to [batch, time, H] → <c>MatMul</c> by w [H, 1] → <c>Add</c> b →
/// prediction [batch, time, 1].
/// ONNX orders the gate blocks i, o, f, c while PyTorch orders them i, f, g, o, so the blocks of W, R and both biases are
/// reordered (PyTorch block 0, 3, 1, 2); B is [Wb, Rb] = [b_ih, b_hh] reordered the same way.
/// </summary>
public static class LstmOnnxExporter
{
    /// <summary>The graph input name.</summary>
    public const string InputName = "features";

    /// <summary>The graph output name.</summary>
    public const string OutputName = "prediction";

    private static readonly int[] OnnxGateOrder = [0, 3, 1, 2];   // ONNX i, o, f, c taken from PyTorch i, f, g, o

    /// <summary>Serialises <paramref name="weights"/> (with optional metadata entries) as an ONNX model.</summary>
    /// <exception cref="ArgumentException">The weights' sizes are inconsistent.</exception>
    public static byte[] Export(LstmWeights weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        var h = weights.HiddenSize;
        var builder = new OnnxGraphBuilder("lstm_regressor")
            .AddInput(InputName, "batch", "time", weights.InputSize)
            .AddOutput(OutputName, "batch", "time", 1)
            .AddInt64Initializer("direction_axis", [1], [1L])
            .AddNode("Transpose", [InputName], ["x_time_major"], OnnxAttribute.Ints("perm", 1, 0, 2));
        var current = "x_time_major";
        for (var l = 0; l < weights.Layers.Count; l++)
        {
            var layer = weights.Layers[l];
            var input = l == 0 ? weights.InputSize : h;
            var bias = new float[8 * h];
            Reorder(layer.InputBias, h, 1).CopyTo(bias, 0);
            Reorder(layer.RecurrentBias, h, 1).CopyTo(bias, 4 * h);
            builder
                .AddInitializer($"W{l}", [1, 4 * h, input], Reorder(layer.InputWeights, h, input))
                .AddInitializer($"R{l}", [1, 4 * h, h], Reorder(layer.RecurrentWeights, h, h))
                .AddInitializer($"B{l}", [1, 8 * h], bias)
                .AddNode("LSTM", [current, $"W{l}", $"R{l}", $"B{l}"], [$"lstm{l}_y"], OnnxAttribute.Int("hidden_size", h), OnnxAttribute.String("direction", "forward"))
                .AddNode("Squeeze", [$"lstm{l}_y", "direction_axis"], [$"h{l}"]);
            current = $"h{l}";
        }

        builder
            .AddInitializer("head_w", [h, 1], weights.HeadWeights)
            .AddInitializer("head_b", [1], [weights.HeadBias])
            .AddNode("Transpose", [current], ["h_batch_major"], OnnxAttribute.Ints("perm", 1, 0, 2))
            .AddNode("MatMul", ["h_batch_major", "head_w"], ["head_xw"])
            .AddNode("Add", ["head_xw", "head_b"], [OutputName]);
        foreach (var (key, value) in (metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.AddMetadata(key, value);
        }

        return builder.ToModelBytes();
    }

    /// <summary>Reorders the four gate blocks (each <paramref name="hidden"/> rows of <paramref name="columns"/>) from PyTorch to ONNX order.</summary>
    private static float[] Reorder(float[] pytorch, int hidden, int columns)
    {
        var block = hidden * columns;
        var result = new float[4 * block];
        for (var g = 0; g < 4; g++)
        {
            pytorch.AsSpan(OnnxGateOrder[g] * block, block).CopyTo(result.AsSpan(g * block));
        }

        return result;
    }
}
