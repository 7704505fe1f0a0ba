using System.Globalization;
using Affect.Sequence.Onnx;

namespace Affect.Training;

/// <summary>
/// Writes an <see cref="End2YouModel"/> as a standard ONNX graph (opset 17) for ONNX Runtime: audio
/// [batch, frames, frame samples] → Reshape [batch·frames, 1, samples] → Conv → Relu → MaxPool → Conv → Relu → MaxPool →
/// Reshape [batch, frames, C₂·L] (batch and frames read with Shape/Slice) → Transpose to time-major → <c>GRU</c>
/// (linear_before_reset = 1, PyTorch's cell; gate blocks reordered from PyTorch's r, z, n to ONNX's z, r, h) →
/// ReduceMean over time → MatMul + Add → Softmax: class probabilities [batch, classes]. The class names and frame
/// geometry are written as metadata.
/// </summary>
public static class End2YouOnnxExporter
{
    /// <summary>The graph input name.</summary>
    public const string InputName = "audio";

    /// <summary>The graph output name.</summary>
    public const string OutputName = "probabilities";

    private static readonly int[] OnnxGateOrder = [1, 0, 2];   // ONNX z, r, h taken from PyTorch r, z, n

    /// <summary>Serialises <paramref name="model"/> (its current weights) as ONNX model bytes.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="classNames">Class names in score order (written as metadata <c>classes</c>, comma-separated).</param>
    public static byte[] Export(End2YouModel model, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != model.Classes)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model of {model.Classes} classes", nameof(classNames));
        }

        var o = model.Options;
        int h = o.Units;
        var named = model.ParameterValues();
        var classifier = named["classifier.weight"];   // [classes, units]
        var transposed = new float[classifier.Length];
        for (int k = 0; k < model.Classes; k++)
        {
            for (int u = 0; u < h; u++)
            {
                transposed[(u * model.Classes) + k] = classifier[(k * h) + u];
            }
        }

        return new OnnxGraphBuilder("end2you")
            .AddInput(InputName, "batch", "frames", o.FrameSamples)
            .AddOutput(OutputName, "batch", model.Classes)
            .AddMetadata("classes", string.Join(',', classNames))
            .AddMetadata("frameSamples", o.FrameSamples.ToString(CultureInfo.InvariantCulture))
            .AddMetadata("frames", o.Frames.ToString(CultureInfo.InvariantCulture))
            .AddInt64Initializer("frame_shape", [3], [-1L, 1L, o.FrameSamples])
            .AddInt64Initializer("slice_start", [1], [0L])
            .AddInt64Initializer("slice_end", [1], [2L])
            .AddInt64Initializer("frame_features", [1], [o.FrameFeatures])
            .AddInitializer("conv1_w", [o.Conv1Channels, 1, o.Conv1Kernel], named["conv1.weight"])
            .AddInitializer("conv1_b", [o.Conv1Channels], named["conv1.bias"])
            .AddInitializer("conv2_w", [o.Conv2Channels, o.Conv1Channels, o.Conv2Kernel], named["conv2.weight"])
            .AddInitializer("conv2_b", [o.Conv2Channels], named["conv2.bias"])
            .AddInitializer("gru_w", [1, 3 * h, o.FrameFeatures], Reorder(named["rnn.weight_ih_l0"], h, o.FrameFeatures))
            .AddInitializer("gru_r", [1, 3 * h, h], Reorder(named["rnn.weight_hh_l0"], h, h))
            .AddInitializer("gru_b", [1, 6 * h], [.. Reorder(named["rnn.bias_ih_l0"], h, 1), .. Reorder(named["rnn.bias_hh_l0"], h, 1)])
            .AddInitializer("classifier_w", [h, model.Classes], transposed)
            .AddInitializer("classifier_b", [model.Classes], named["classifier.bias"])
            .AddNode("Reshape", [InputName, "frame_shape"], ["frames_flat"])
            .AddNode("Conv", ["frames_flat", "conv1_w", "conv1_b"], ["conv1"], OnnxAttribute.Ints("kernel_shape", o.Conv1Kernel))
            .AddNode("Relu", ["conv1"], ["relu1"])
            .AddNode("MaxPool", ["relu1"], ["pool1"], OnnxAttribute.Ints("kernel_shape", o.Pool1), OnnxAttribute.Ints("strides", o.Pool1))
            .AddNode("Conv", ["pool1", "conv2_w", "conv2_b"], ["conv2"], OnnxAttribute.Ints("kernel_shape", o.Conv2Kernel))
            .AddNode("Relu", ["conv2"], ["relu2"])
            .AddNode("MaxPool", ["relu2"], ["pool2"], OnnxAttribute.Ints("kernel_shape", o.Pool2), OnnxAttribute.Ints("strides", o.Pool2))
            .AddNode("Shape", [InputName], ["input_shape"])
            .AddNode("Slice", ["input_shape", "slice_start", "slice_end"], ["batch_frames"])
            .AddNode("Concat", ["batch_frames", "frame_features"], ["sequence_shape"], OnnxAttribute.Int("axis", 0))
            .AddNode("Reshape", ["pool2", "sequence_shape"], ["sequence"])
            .AddNode("Transpose", ["sequence"], ["sequence_tm"], OnnxAttribute.Ints("perm", 1, 0, 2))
            .AddNode("GRU", ["sequence_tm", "gru_w", "gru_r", "gru_b"], ["gru_y"],
                OnnxAttribute.Int("hidden_size", h), OnnxAttribute.Int("linear_before_reset", 1))
            .AddNode("ReduceMean", ["gru_y"], ["pooled"], OnnxAttribute.Ints("axes", 0, 1), OnnxAttribute.Int("keepdims", 0))
            .AddNode("MatMul", ["pooled", "classifier_w"], ["logits_xw"])
            .AddNode("Add", ["logits_xw", "classifier_b"], ["logits"])
            .AddNode("Softmax", ["logits"], [OutputName], OnnxAttribute.Int("axis", 1))
            .ToModelBytes();
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
