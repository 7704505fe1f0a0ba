using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Affect.Features.Boaw;

/// <summary>
/// Nearest codebook words of frames by squared Euclidean distance, d(x, c) = ‖x‖² − 2 x·c + ‖c‖², computed in blocks
/// (2 frames × 4 words per inner kernel) with 8-lane SIMD dot products. Ties go to the lowest word index.
/// </summary>
/// <remarks>
/// Reproducibility: rows are zero-padded to a multiple of 8 floats and every dot product accumulates lane-wise in
/// <see cref="Vector256{T}"/> (fixed 8 lanes whatever <c>Vector&lt;T&gt;.Count</c> is; emulated lane by lane where the
/// hardware has no 256-bit registers), with a separate multiply and add (the .NET JIT never contracts them into a
/// fused multiply-add; no <c>Fma</c> call is made), then reduced in one fixed order. Each (frame, word) value is
/// therefore the same IEEE result on every machine, and parallelism only splits frames into blocks whose outputs do
/// not interact, so results never depend on scheduling.
/// </remarks>
public static class WordSearch
{
    /// <summary>Lanes of the dot-product accumulator; row strides are multiples of it.</summary>
    public const int Lanes = 8;

    private const int FrameBlock = 64;

    /// <summary>Padded row length for <paramref name="dims"/> values: the next multiple of <see cref="Lanes"/>.</summary>
    /// <param name="dims">Values per row.</param>
    public static int Stride(int dims) => (dims + Lanes - 1) / Lanes * Lanes;

    /// <summary>Copies a row-major rows × dims matrix into a zero-padded rows × <see cref="Stride"/> matrix.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="dims">Values per row.</param>
    public static float[] Pad(ReadOnlySpan<float> values, int rows, int dims)
    {
        int stride = Stride(dims);
        var padded = new float[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            values.Slice(r * dims, dims).CopyTo(padded.AsSpan(r * stride, dims));
        }

        return padded;
    }

    /// <summary>
    /// Indices of the <paramref name="assignments"/> nearest words of every frame, nearest first (ties: lowest index);
    /// row-major rows × assignments.
    /// </summary>
    /// <param name="frames">Row-major frames, rows × dims.</param>
    /// <param name="rows">Number of frames.</param>
    /// <param name="dims">Values per frame and word.</param>
    /// <param name="words">Row-major codebook, wordCount × dims.</param>
    /// <param name="wordCount">Number of words.</param>
    /// <param name="assignments">Words per frame (openXBOW's <c>-a</c>), 1 … wordCount.</param>
    public static int[] Nearest(ReadOnlySpan<float> frames, int rows, int dims, ReadOnlySpan<float> words, int wordCount, int assignments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(assignments, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(assignments, wordCount);
        var result = new int[rows * assignments];
        NearestPadded(Pad(frames, rows, dims), rows, Pad(words, wordCount, dims), wordCount, Stride(dims), assignments, result, null);
        return result;
    }

    /// <summary>Squared norms of padded rows (the same dot product as the distance kernel).</summary>
    internal static float[] SquaredNorms(float[] padded, int rows, int stride)
    {
        var norms = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            norms[r] = Dot(padded, r * stride, padded, r * stride, stride);
        }

        return norms;
    }

    /// <summary>
    /// Nearest words of padded frames; <paramref name="nearest"/> gets rows × assignments indices, and
    /// <paramref name="bestDistance"/> (if given) each frame's smallest squared distance, clamped at 0.
    /// </summary>
    internal static void NearestPadded(float[] frames, int rows, float[] words, int wordCount, int stride, int assignments, int[] nearest, double[]? bestDistance)
    {
        float[] wordNorms = SquaredNorms(words, wordCount, stride);
        int blocks = (rows + FrameBlock - 1) / FrameBlock;
        Parallel.For(0, blocks, () => new float[FrameBlock * wordCount], (b, _, dots) =>
        {
            int start = b * FrameBlock;
            int count = Math.Min(FrameBlock, rows - start);
            DotBlock(frames, start, count, words, wordCount, stride, dots);
            Span<float> bestD = stackalloc float[assignments];
            Span<int> bestJ = stackalloc int[assignments];
            for (int i = 0; i < count; i++)
            {
                int frame = start + i;
                ReadOnlySpan<float> row = dots.AsSpan(i * wordCount, wordCount);
                int filled = 0;
                for (int j = 0; j < wordCount; j++)
                {
                    // ‖x‖² is the same for every word of this frame, so ranking uses ‖c‖² − 2 x·c.
                    float d = wordNorms[j] - (2f * row[j]);
                    if (filled < assignments)
                    {
                        Insert(bestD, bestJ, filled, d, j);
                        filled++;
                    }
                    else if (d < bestD[assignments - 1])
                    {
                        Insert(bestD, bestJ, assignments - 1, d, j);
                    }
                }

                bestJ.CopyTo(nearest.AsSpan(frame * assignments, assignments));
                if (bestDistance is not null)
                {
                    float xx = Dot(frames, frame * stride, frames, frame * stride, stride);
                    bestDistance[frame] = Math.Max(0.0, (double)(xx + bestD[0]));
                }
            }

            return dots;
        }, _ => { });
    }

    /// <summary>Squared distance Σ (a − b)² of two padded rows, lane-wise then reduced in the fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SquaredDistance(float[] a, int aOffset, float[] b, int bOffset, int stride)
    {
        ref float ar = ref MemoryMarshal.GetArrayDataReference(a);
        ref float br = ref MemoryMarshal.GetArrayDataReference(b);
        var acc = Vector256<float>.Zero;
        for (int q = 0; q < stride; q += Lanes)
        {
            var diff = Vector256.LoadUnsafe(ref ar, (nuint)(aOffset + q)) - Vector256.LoadUnsafe(ref br, (nuint)(bOffset + q));
            acc += diff * diff;
        }

        return Reduce(acc);
    }

    /// <summary>Dot product of two padded rows, lane-wise then reduced in the fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(float[] a, int aOffset, float[] b, int bOffset, int stride)
    {
        ref float ar = ref MemoryMarshal.GetArrayDataReference(a);
        ref float br = ref MemoryMarshal.GetArrayDataReference(b);
        var acc = Vector256<float>.Zero;
        for (int q = 0; q < stride; q += Lanes)
        {
            acc += Vector256.LoadUnsafe(ref ar, (nuint)(aOffset + q)) * Vector256.LoadUnsafe(ref br, (nuint)(bOffset + q));
        }

        return Reduce(acc);
    }

    // Insertion into the sorted (distance, index) list at positions [0, last]: strict '<' keeps the earlier (lower)
    // index first among equal distances, because words are visited in increasing index order.
    private static void Insert(Span<float> bestD, Span<int> bestJ, int last, float d, int j)
    {
        int p = last;
        while (p > 0 && d < bestD[p - 1])
        {
            bestD[p] = bestD[p - 1];
            bestJ[p] = bestJ[p - 1];
            p--;
        }

        bestD[p] = d;
        bestJ[p] = j;
    }

    // dots[i * wordCount + j] = x_(start+i) · c_j for i < count, with a 2-frame × 4-word register kernel. Every pair
    // accumulates over the same lane chunks in the same order whichever path computes it.
    private static void DotBlock(float[] frames, int start, int count, float[] words, int wordCount, int stride, float[] dots)
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(frames);
        ref float cr = ref MemoryMarshal.GetArrayDataReference(words);
        int i = 0;
        for (; i + 1 < count; i += 2)
        {
            nuint xa = (nuint)((start + i) * stride);
            nuint xb = xa + (nuint)stride;
            int outA = i * wordCount;
            int outB = outA + wordCount;
            int j = 0;
            for (; j + 3 < wordCount; j += 4)
            {
                nuint c0 = (nuint)(j * stride);
                nuint c1 = c0 + (nuint)stride;
                nuint c2 = c1 + (nuint)stride;
                nuint c3 = c2 + (nuint)stride;
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
                for (nuint q = 0; q < (nuint)stride; q += Lanes)
                {
                    var va = Vector256.LoadUnsafe(ref xr, xa + q);
                    var vb = Vector256.LoadUnsafe(ref xr, xb + q);
                    var w0 = Vector256.LoadUnsafe(ref cr, c0 + q);
                    var w1 = Vector256.LoadUnsafe(ref cr, c1 + q);
                    var w2 = Vector256.LoadUnsafe(ref cr, c2 + q);
                    var w3 = Vector256.LoadUnsafe(ref cr, c3 + q);
                    a0 += va * w0;
                    a1 += va * w1;
                    a2 += va * w2;
                    a3 += va * w3;
                    b0 += vb * w0;
                    b1 += vb * w1;
                    b2 += vb * w2;
                    b3 += vb * w3;
                }

                dots[outA + j] = Reduce(a0);
                dots[outA + j + 1] = Reduce(a1);
                dots[outA + j + 2] = Reduce(a2);
                dots[outA + j + 3] = Reduce(a3);
                dots[outB + j] = Reduce(b0);
                dots[outB + j + 1] = Reduce(b1);
                dots[outB + j + 2] = Reduce(b2);
                dots[outB + j + 3] = Reduce(b3);
            }

            for (; j < wordCount; j++)
            {
                dots[outA + j] = Dot(frames, (int)xa, words, j * stride, stride);
                dots[outB + j] = Dot(frames, (int)xb, words, j * stride, stride);
            }
        }

        for (; i < count; i++)
        {
            int xa = (start + i) * stride;
            for (int j = 0; j < wordCount; j++)
            {
                dots[(i * wordCount) + j] = Dot(frames, xa, words, j * stride, stride);
            }
        }
    }

    // Fixed reduction order: (l0+l4, l1+l5, l2+l6, l3+l7), then (h0+h2) + (h1+h3).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector256<float> v)
    {
        var h = v.GetLower() + v.GetUpper();
        return (h.GetElement(0) + h.GetElement(2)) + (h.GetElement(1) + h.GetElement(3));
    }
}
