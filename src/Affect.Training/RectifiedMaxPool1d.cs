using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>
/// ReLU then max-pooling (kernel = stride = <c>pool</c>, no padding, floor) over the last axis in one pass:
/// y[r, j] = max(0, max_{i &lt; pool} x[r, j·pool + i]), equal bit for bit to libtorch's <c>max_pool1d(relu(x))</c>
/// (ReLU and max commute exactly). The backward pass routes each output's gradient to the first position holding the
/// window's maximum when that maximum is positive, as libtorch's does. Pure functions over spans plus a torch autograd
/// function; <see cref="End2YouModel"/> uses it after each convolution instead of two libtorch ops and their index tensor.
/// </summary>
public static class RectifiedMaxPool1d
{
    /// <summary>relu then max_pool1d(pool, pool) of a float32 CPU tensor [..., length] → [..., length / pool], tracked by autograd.</summary>
    public static Tensor Apply(Tensor input, int pool)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(pool, 1);
        return RectifiedMaxPool1dFunction.apply(input, pool);
    }

    /// <summary>
    /// Forward over <paramref name="rows"/> rows of <paramref name="length"/> values: writes the pooled, rectified values
    /// [rows, length / pool] and, for each, the index within its row of the window's first maximum (−1 where it is ≤ 0).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, int rows, int length, int pool, Span<float> output, Span<int> argMax)
    {
        int outLength = length / pool;
        if (input.Length != (long)rows * length || output.Length != (long)rows * outLength || argMax.Length != output.Length)
        {
            throw new ArgumentException($"rectified max-pool of [{rows}, {length}] by {pool}: buffers of {input.Length}, {output.Length}, {argMax.Length} values");
        }

        for (int r = 0; r < rows; r++)
        {
            var row = input.Slice(r * length, length);
            for (int j = 0; j < outLength; j++)
            {
                int start = j * pool, best = start;
                float max = row[start];
                for (int i = start + 1; i < start + pool; i++)
                {
                    if (row[i] > max)
                    {
                        max = row[i];
                        best = i;
                    }
                }

                int o = (r * outLength) + j;
                output[o] = max > 0 ? max : 0;
                argMax[o] = max > 0 ? best : -1;
            }
        }
    }

    /// <summary>The input gradient [rows, length]: each output's gradient at its <paramref name="argMax"/> (none where −1).</summary>
    public static void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> argMax, int rows, int length, Span<float> inputGradient)
    {
        int outLength = argMax.Length / Math.Max(rows, 1);
        inputGradient.Clear();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < outLength; j++)
            {
                int o = (r * outLength) + j;
                if (argMax[o] >= 0)
                {
                    inputGradient[(r * length) + argMax[o]] = outputGradient[o];
                }
            }
        }
    }
}

/// <summary><see cref="RectifiedMaxPool1d"/> as a torch autograd function on float32 CPU tensors.</summary>
internal sealed class RectifiedMaxPool1dFunction : torch.autograd.SingleTensorFunction<RectifiedMaxPool1dFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(RectifiedMaxPool1dFunction);

    /// <inheritdoc />
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var input = (Tensor)vars[0];
        int pool = (int)vars[1];
        if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU || input.dim() < 1)
        {
            throw new ArgumentException($"rectified max-pool takes float32 CPU tensors, got {input.dtype} on {input.device}");
        }

        input = input.contiguous();
        var shape = input.shape;
        int length = (int)shape[^1], rows = (int)(input.numel() / Math.Max(length, 1));
        var outShape = shape.ToArray();
        outShape[^1] = length / pool;
        var output = torch.empty(outShape);
        var argMax = new int[output.numel()];
        RectifiedMaxPool1d.Forward(MemoryMarshal.Cast<byte, float>(input.bytes), rows, length, pool, MemoryMarshal.Cast<byte, float>(output.bytes), argMax);
        ctx.save_data("argMax", argMax);
        ctx.save_data("shape", shape);
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        using var scope = NewDisposeScope();
        var argMax = (int[])ctx.get_data("argMax");
        var shape = (long[])ctx.get_data("shape");
        var g = grad_output.contiguous();
        int length = (int)shape[^1], rows = (int)(shape.Aggregate(1L, (a, b) => a * b) / Math.Max(length, 1));
        var inputGradient = torch.empty(shape);
        RectifiedMaxPool1d.Backward(MemoryMarshal.Cast<byte, float>(g.bytes), argMax, rows, length, MemoryMarshal.Cast<byte, float>(inputGradient.bytes));
        return [inputGradient.MoveToOuterDisposeScope(), null!];   // none for the pool size
    }
}
