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
        var named = ModuleParameters.Values(model);
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
            .AddGru(named, "rnn", 0, o.FrameFeatures, h, bidirectional: false, "gru", "sequence_tm", ["gru_y"])
            .AddNode("ReduceMean", ["gru_y"], ["pooled"], OnnxAttribute.Ints("axes", 0, 1), OnnxAttribute.Int("keepdims", 0))
            .AddLinear(named, "classifier", h, model.Classes, "classifier", "pooled", "logits")
            .AddNode("Softmax", ["logits"], [OutputName], OnnxAttribute.Int("axis", 1))
            .ToModelBytes();
    }
}
