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

    /// <summary>Serialises the encoder of <paramref name="model"/> (its current weights) as ONNX model bytes.</summary>
    public static byte[] Export(SpectrogramAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = model.Options;
        int h = options.Units;
        int directions = options.BidirectionalEncoder ? 2 : 1;
        var named = ModuleParameters.Values(model);
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
            builder
                .AddGru(named, "encoder", l, input, h, options.BidirectionalEncoder, $"gru{l}", $"x{l}", [$"y{l}", $"yh{l}"])
                .AddNode("Transpose", [$"y{l}"], [$"y{l}_t"], OnnxAttribute.Ints("perm", 0, 2, 1, 3))
                .AddNode("Reshape", [$"y{l}_t", "merge_directions"], [$"x{l + 1}"]);
            finals.Add($"yh{l}");
        }

        int outSize = options.RepresentationSize, inSize = options.Layers * directions * h;
        builder
            .AddNode("Concat", [.. finals], ["states"], OnnxAttribute.Int("axis", 0))
            .AddNode("Transpose", ["states"], ["states_batch_major"], OnnxAttribute.Ints("perm", 1, 0, 2))
            .AddNode("Reshape", ["states_batch_major", "flatten_states"], ["flat"])
            .AddLinear(named, "bridge", inSize, outSize, "bridge", "flat", "bridge_pre")
            .AddNode("Tanh", ["bridge_pre"], [OutputName]);
        return builder.ToModelBytes();
    }
}
