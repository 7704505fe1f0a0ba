using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>
/// The 1-D convolution of <see cref="End2YouModel"/> (valid, stride 1, no bias: PyTorch's <c>conv1d</c> cross-correlation
/// y[b, o, p] = Σ_c Σ_k w[o, c, k] · x[b, c, p + k]) and its two gradients, as pure functions over spans. Every output
/// element is one chain of fused multiply-adds from +0 in a fixed order (c, then k; for the weight gradient b, then p),
/// vectorised across independent outputs only, so the result is bit-identical with AVX2+FMA, without it (scalar
/// <see cref="MathF.FusedMultiplyAdd"/>), on any CPU and for any number of threads. It replaces libtorch's CPU
/// convolution, which in the reproducible setup (oneDNN and NNPACK off, oneMKL on its SSE2 branch) runs about 4× slower
/// than PyTorch's oneDNN convolution (docs/benchmarks.md).
/// </summary>
public static class Convolution1d
{
    private const int FilterTile = 4; // filters (or weight-gradient filters) per register tile
    private const int VectorTile = 3; // 8-float vectors per register tile: 4 × 3 = 12 accumulators of 16 ymm registers

    /// <summary>
    /// conv1d(input, weight) + bias on float32 CPU tensors (input [batch, channels, length], weight [filters, channels,
    /// kernel], bias [filters]) with this class's kernels forward and backward, as a torch autograd function; the same
    /// numbers as libtorch's <c>conv1d</c> to rounding, bit-identical on every CPU.
    /// </summary>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var output = Convolution1dFunction.Apply(input, weight);
        return bias is null ? output : output.add_(bias.unsqueeze(-1));
    }

    /// <summary>Positions of a valid convolution: length − kernel + 1.</summary>
    public static int Positions(int length, int kernel) => length - kernel + 1;

    /// <summary>
    /// y[b, o, p] = Σ_c Σ_k w[o, c, k] · x[b, c, p + k] for input [batch, channels, length], weight [filters, channels, kernel]
    /// and output [batch, filters, length − kernel + 1], all row-major.
    /// Up to <c>threads</c> items of the batch run in parallel (the result does not depend on it).
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input, int batch, int channels, int length, ReadOnlySpan<float> weight, int filters, int kernel, Span<float> output, int threads = 1)
    {
        int positions = Check(input.Length, batch, channels, length, weight.Length, filters, kernel);
        CheckLength(output.Length, (long)batch * filters * positions, nameof(output));
        unsafe
        {
            fixed (float* x = input, w = weight, y = output)
            {
                nint xs = (nint)x, ws = (nint)w, ys = (nint)y;
                ForEach(batch, threads, b => ForwardItem(
                    (float*)xs + ((long)b * channels * length), (float*)ws, (float*)ys + ((long)b * filters * positions), channels, length, filters, kernel, positions));
            }
        }
    }

    /// <summary>
    /// ∂L/∂w[o, c, k] = Σ_b Σ_p g[b, o, p] · x[b, c, p + k] for the output gradient g [batch, filters, positions] and the
    /// forward input [batch, channels, length]; writes weight gradient [filters, channels, kernel].
    /// Up to <c>threads</c> tiles of 4 filters run in parallel (the result does not depend on it).
    /// </summary>
    public static void WeightGradient(
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, int batch, int channels, int length, int filters, int kernel, Span<float> weightGradient, int threads = 1)
    {
        int positions = Check(input.Length, batch, channels, length, weightGradient.Length, filters, kernel);
        CheckLength(outputGradient.Length, (long)batch * filters * positions, nameof(outputGradient));
        unsafe
        {
            fixed (float* g = outputGradient, x = input, dw = weightGradient)
            {
                nint gs = (nint)g, xs = (nint)x, dws = (nint)dw;
                int tiles = (filters + FilterTile - 1) / FilterTile;
                ForEach(tiles, threads, t => WeightGradientTile(
                    (float*)gs, (float*)xs, (float*)dws, batch, channels, length, filters, kernel, positions, t * FilterTile, Math.Min(FilterTile, filters - (t * FilterTile))));
            }
        }
    }

    /// <summary>
    /// ∂L/∂x[b, c, j] = Σ_o Σ_k w[o, c, k] · g[b, o, j − k] (terms with j − k outside [0, positions) are zero): the forward
    /// convolution of g zero-padded by kernel − 1 on both sides with the flipped, transposed weight
    /// w′[c, o, k′] = w[o, c, kernel − 1 − k′]; writes input gradient [batch, channels, length].
    /// </summary>
    public static void InputGradient(
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, int batch, int channels, int length, int filters, int kernel, Span<float> inputGradient, int threads = 1)
    {
        int positions = Check(inputGradient.Length, batch, channels, length, weight.Length, filters, kernel);
        CheckLength(outputGradient.Length, (long)batch * filters * positions, nameof(outputGradient));
        int padded = positions + (2 * (kernel - 1));
        var gp = new float[(long)batch * filters * padded];
        for (long r = 0; r < (long)batch * filters; r++)
        {
            outputGradient.Slice((int)(r * positions), positions).CopyTo(gp.AsSpan((int)((r * padded) + kernel - 1), positions));
        }

        var flipped = new float[weight.Length];
        for (int o = 0; o < filters; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int k = 0; k < kernel; k++)
                {
                    flipped[(((c * filters) + o) * kernel) + kernel - 1 - k] = weight[(((o * channels) + c) * kernel) + k];
                }
            }
        }

        Forward(gp, batch, filters, padded, flipped, channels, kernel, inputGradient, threads);
    }

    private static int Check(long inputLength, int batch, int channels, int length, long weightLength, int filters, int kernel)
    {
        if (batch < 0 || channels < 1 || filters < 1 || kernel < 1 || length < kernel)
        {
            throw new ArgumentException($"convolution of [{batch}, {channels}, {length}] with [{filters}, {channels}, {kernel}]: sizes must be ≥ 1 and length ≥ kernel");
        }

        CheckLength(inputLength, (long)batch * channels * length, "input");
        CheckLength(weightLength, (long)filters * channels * kernel, "weight");
        return Positions(length, kernel);
    }

    private static void CheckLength(long actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} values, the sizes need {expected}", name);
        }
    }

    private static void ForEach(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
        }
    }

    private static bool Vectorised => Avx.IsSupported && Fma.IsSupported;

    // One batch item: x [channels, length] → y [filters, positions].
    private static unsafe void ForwardItem(float* x, float* w, float* y, int channels, int length, int filters, int kernel, int positions)
    {
        int o = 0;
        for (; o + FilterTile <= filters; o += FilterTile)
        {
            int p = 0;
            if (Vectorised)
            {
                for (; p + (8 * VectorTile) <= positions; p += 8 * VectorTile)
                {
                    ForwardTile4x3(x + p, w + ((long)o * channels * kernel), y + ((long)o * positions) + p, channels, length, kernel, positions);
                }

                for (; p + 8 <= positions; p += 8)
                {
                    ForwardTile4x1(x + p, w + ((long)o * channels * kernel), y + ((long)o * positions) + p, channels, length, kernel, positions);
                }
            }

            for (int f = o; f < o + FilterTile; f++)
            {
                ForwardScalar(x, w, y, channels, length, kernel, positions, f, p);
            }
        }

        for (; o < filters; o++)
        {
            ForwardScalar(x, w, y, channels, length, kernel, positions, o, 0);
        }
    }

    private static unsafe void ForwardScalar(float* x, float* w, float* y, int channels, int length, int kernel, int positions, int filter, int from)
    {
        float* wf = w + ((long)filter * channels * kernel);
        for (int p = from; p < positions; p++)
        {
            float acc = 0;
            for (int c = 0; c < channels; c++)
            {
                float* xr = x + ((long)c * length) + p;
                float* wr = wf + ((long)c * kernel);
                for (int k = 0; k < kernel; k++)
                {
                    acc = MathF.FusedMultiplyAdd(wr[k], xr[k], acc);
                }
            }

            y[((long)filter * positions) + p] = acc;
        }
    }

    // 4 filters × 24 positions; x and y already offset to the tile's first position, w to its first filter.
    private static unsafe void ForwardTile4x3(float* x, float* w, float* y, int channels, int length, int kernel, int positions)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        long filterStride = (long)channels * kernel;
        for (int c = 0; c < channels; c++)
        {
            float* xr = x + ((long)c * length);
            float* w0 = w + ((long)c * kernel);
            float* w1 = w0 + filterStride;
            float* w2 = w1 + filterStride;
            float* w3 = w2 + filterStride;
            for (int k = 0; k < kernel; k++)
            {
                var x0 = Avx.LoadVector256(xr + k);
                var x1 = Avx.LoadVector256(xr + k + 8);
                var x2 = Avx.LoadVector256(xr + k + 16);
                var b = Vector256.Create(w0[k]);
                a00 = Fma.MultiplyAdd(b, x0, a00);
                a01 = Fma.MultiplyAdd(b, x1, a01);
                a02 = Fma.MultiplyAdd(b, x2, a02);
                b = Vector256.Create(w1[k]);
                a10 = Fma.MultiplyAdd(b, x0, a10);
                a11 = Fma.MultiplyAdd(b, x1, a11);
                a12 = Fma.MultiplyAdd(b, x2, a12);
                b = Vector256.Create(w2[k]);
                a20 = Fma.MultiplyAdd(b, x0, a20);
                a21 = Fma.MultiplyAdd(b, x1, a21);
                a22 = Fma.MultiplyAdd(b, x2, a22);
                b = Vector256.Create(w3[k]);
                a30 = Fma.MultiplyAdd(b, x0, a30);
                a31 = Fma.MultiplyAdd(b, x1, a31);
                a32 = Fma.MultiplyAdd(b, x2, a32);
            }
        }

        Avx.Store(y, a00);
        Avx.Store(y + 8, a01);
        Avx.Store(y + 16, a02);
        y += positions;
        Avx.Store(y, a10);
        Avx.Store(y + 8, a11);
        Avx.Store(y + 16, a12);
        y += positions;
        Avx.Store(y, a20);
        Avx.Store(y + 8, a21);
        Avx.Store(y + 16, a22);
        y += positions;
        Avx.Store(y, a30);
        Avx.Store(y + 8, a31);
        Avx.Store(y + 16, a32);
    }

    // 4 filters × 8 positions.
    private static unsafe void ForwardTile4x1(float* x, float* w, float* y, int channels, int length, int kernel, int positions)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        long filterStride = (long)channels * kernel;
        for (int c = 0; c < channels; c++)
        {
            float* xr = x + ((long)c * length);
            float* w0 = w + ((long)c * kernel);
            for (int k = 0; k < kernel; k++)
            {
                var x0 = Avx.LoadVector256(xr + k);
                a0 = Fma.MultiplyAdd(Vector256.Create(w0[k]), x0, a0);
                a1 = Fma.MultiplyAdd(Vector256.Create(w0[k + filterStride]), x0, a1);
                a2 = Fma.MultiplyAdd(Vector256.Create(w0[k + (2 * filterStride)]), x0, a2);
                a3 = Fma.MultiplyAdd(Vector256.Create(w0[k + (3 * filterStride)]), x0, a3);
            }
        }

        Avx.Store(y, a0);
        Avx.Store(y + positions, a1);
        Avx.Store(y + (2 * positions), a2);
        Avx.Store(y + (3 * positions), a3);
    }

    // Filters [o0, o0 + count) of the weight gradient, every channel and tap.
    private static unsafe void WeightGradientTile(
        float* g, float* x, float* dw, int batch, int channels, int length, int filters, int kernel, int positions, int o0, int count)
    {
        for (int c = 0; c < channels; c++)
        {
            int k = 0;
            if (Vectorised && count == FilterTile)
            {
                for (; k + (8 * VectorTile) <= kernel; k += 8 * VectorTile)
                {
                    WeightGradientTile4x3(g, x, dw, batch, channels, length, filters, kernel, positions, o0, c, k);
                }

                for (; k + 8 <= kernel; k += 8)
                {
                    WeightGradientTile4x1(g, x, dw, batch, channels, length, filters, kernel, positions, o0, c, k);
                }
            }

            for (int o = o0; o < o0 + count; o++)
            {
                for (int kk = k; kk < kernel; kk++)
                {
                    float acc = 0;
                    for (int b = 0; b < batch; b++)
                    {
                        float* gr = g + ((((long)b * filters) + o) * positions);
                        float* xr = x + ((((long)b * channels) + c) * length) + kk;
                        for (int p = 0; p < positions; p++)
                        {
                            acc = MathF.FusedMultiplyAdd(gr[p], xr[p], acc);
                        }
                    }

                    dw[((((long)o * channels) + c) * kernel) + kk] = acc;
                }
            }
        }
    }

    // dw[o0..o0+3, c, k0..k0+23] over every item and position.
    private static unsafe void WeightGradientTile4x3(
        float* g, float* x, float* dw, int batch, int channels, int length, int filters, int kernel, int positions, int o0, int c, int k0)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        for (int b = 0; b < batch; b++)
        {
            float* g0 = g + ((((long)b * filters) + o0) * positions);
            float* g1 = g0 + positions;
            float* g2 = g1 + positions;
            float* g3 = g2 + positions;
            float* xr = x + ((((long)b * channels) + c) * length) + k0;
            for (int p = 0; p < positions; p++)
            {
                var x0 = Avx.LoadVector256(xr + p);
                var x1 = Avx.LoadVector256(xr + p + 8);
                var x2 = Avx.LoadVector256(xr + p + 16);
                var s = Vector256.Create(g0[p]);
                a00 = Fma.MultiplyAdd(s, x0, a00);
                a01 = Fma.MultiplyAdd(s, x1, a01);
                a02 = Fma.MultiplyAdd(s, x2, a02);
                s = Vector256.Create(g1[p]);
                a10 = Fma.MultiplyAdd(s, x0, a10);
                a11 = Fma.MultiplyAdd(s, x1, a11);
                a12 = Fma.MultiplyAdd(s, x2, a12);
                s = Vector256.Create(g2[p]);
                a20 = Fma.MultiplyAdd(s, x0, a20);
                a21 = Fma.MultiplyAdd(s, x1, a21);
                a22 = Fma.MultiplyAdd(s, x2, a22);
                s = Vector256.Create(g3[p]);
                a30 = Fma.MultiplyAdd(s, x0, a30);
                a31 = Fma.MultiplyAdd(s, x1, a31);
                a32 = Fma.MultiplyAdd(s, x2, a32);
            }
        }

        long filterStride = (long)channels * kernel;
        float* d = dw + (((long)o0 * channels) + c) * kernel + k0;
        Avx.Store(d, a00);
        Avx.Store(d + 8, a01);
        Avx.Store(d + 16, a02);
        d += filterStride;
        Avx.Store(d, a10);
        Avx.Store(d + 8, a11);
        Avx.Store(d + 16, a12);
        d += filterStride;
        Avx.Store(d, a20);
        Avx.Store(d + 8, a21);
        Avx.Store(d + 16, a22);
        d += filterStride;
        Avx.Store(d, a30);
        Avx.Store(d + 8, a31);
        Avx.Store(d + 16, a32);
    }

    // dw[o0..o0+3, c, k0..k0+7].
    private static unsafe void WeightGradientTile4x1(
        float* g, float* x, float* dw, int batch, int channels, int length, int filters, int kernel, int positions, int o0, int c, int k0)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int b = 0; b < batch; b++)
        {
            float* g0 = g + ((((long)b * filters) + o0) * positions);
            float* xr = x + ((((long)b * channels) + c) * length) + k0;
            for (int p = 0; p < positions; p++)
            {
                var x0 = Avx.LoadVector256(xr + p);
                a0 = Fma.MultiplyAdd(Vector256.Create(g0[p]), x0, a0);
                a1 = Fma.MultiplyAdd(Vector256.Create(g0[p + positions]), x0, a1);
                a2 = Fma.MultiplyAdd(Vector256.Create(g0[p + (2 * positions)]), x0, a2);
                a3 = Fma.MultiplyAdd(Vector256.Create(g0[p + (3 * positions)]), x0, a3);
            }
        }

        long filterStride = (long)channels * kernel;
        float* d = dw + (((long)o0 * channels) + c) * kernel + k0;
        Avx.Store(d, a0);
        Avx.Store(d + filterStride, a1);
        Avx.Store(d + (2 * filterStride), a2);
        Avx.Store(d + (3 * filterStride), a3);
    }
}

/// <summary>
/// <see cref="Convolution1d"/> as a torch autograd function on contiguous float32 CPU tensors: input [batch, channels,
/// length] and weight [filters, channels, kernel] → [batch, filters, positions]; the backward pass computes the weight
/// gradient always and the input gradient when the input requires one. Threads: torch's intra-op thread count.
/// </summary>
internal sealed class Convolution1dFunction : torch.autograd.SingleTensorFunction<Convolution1dFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(Convolution1dFunction);

    /// <summary>The convolution of <paramref name="input"/> with <paramref name="weight"/>, tracked by autograd.</summary>
    public static Tensor Apply(Tensor input, Tensor weight) => apply(input, weight);

    /// <inheritdoc />
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var input = Contiguous((Tensor)vars[0], "input");
        var weight = Contiguous((Tensor)vars[1], "weight");
        if (input.dim() != 3 || weight.dim() != 3 || input.shape[1] != weight.shape[1])
        {
            throw new ArgumentException($"convolution of [{string.Join(", ", input.shape)}] with [{string.Join(", ", weight.shape)}]: need [batch, channels, length] and [filters, channels, kernel]");
        }

        ctx.save_for_backward([input, weight]);
        int batch = (int)input.shape[0], channels = (int)input.shape[1], length = (int)input.shape[2];
        int filters = (int)weight.shape[0], kernel = (int)weight.shape[2];
        var output = torch.empty([batch, filters, Convolution1d.Positions(length, kernel)]);
        Convolution1d.Forward(Span(input), batch, channels, length, Span(weight), filters, kernel, MutableSpan(output), torch.get_num_threads());
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);

        // Autograd calls this outside the caller's dispose scope: free the temporaries here, hand back the gradients.
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        Tensor input = saved[0], weight = saved[1];
        var g = Contiguous(grad_output, "output gradient");
        int batch = (int)input.shape[0], channels = (int)input.shape[1], length = (int)input.shape[2];
        int filters = (int)weight.shape[0], kernel = (int)weight.shape[2];
        int threads = torch.get_num_threads();
        var weightGradient = torch.empty(weight.shape);
        Convolution1d.WeightGradient(Span(g), Span(input), batch, channels, length, filters, kernel, MutableSpan(weightGradient), threads);
        Tensor? inputGradient = null;
        if (input.requires_grad)
        {
            inputGradient = torch.empty(input.shape);
            Convolution1d.InputGradient(Span(g), Span(weight), batch, channels, length, filters, kernel, MutableSpan(inputGradient), threads);
        }

        return [inputGradient?.MoveToOuterDisposeScope()!, weightGradient.MoveToOuterDisposeScope()];
    }

    private static Tensor Contiguous(Tensor t, string name) =>
        t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU
            ? t.contiguous()
            : throw new ArgumentException($"{name}: the reproducible convolution takes float32 CPU tensors, got {t.dtype} on {t.device}");

    // The tensor's own CPU storage (no copy: Tensor.bytes of a contiguous CPU tensor).
    private static ReadOnlySpan<float> Span(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    private static Span<float> MutableSpan(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);
}
