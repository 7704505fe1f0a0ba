using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Affect.Learning;

/// <summary>
/// The linear-kernel products G[i, j] = aᵢ·bⱼ of the rows of two matrices (the Gram matrix X·Xᵀ when a = b), the bulk
/// of a KELM/KPLS fit on ComParE-sized tables. Cache-blocked: features in chunks of <see cref="Chunk"/> values, rows
/// of a in panels of <see cref="Panel"/> (one panel chunk stays in L2 while every row pair of b streams past it),
/// a 4 × 2 register block of four-lane fused multiply-adds, and <see cref="Parallel"/> over panels.
/// <para>
/// The summation order is fixed and does not depend on the CPU: every product is a sum over the chunks in order,
/// each chunk summed in four lanes (lane q takes features q, q + 4, …, one fused multiply-add per feature), the lanes
/// added as (l₀ + l₁) + (l₂ + l₃), the chunk's tail (fewer than four features) added by scalar fused multiply-adds.
/// <see cref="Vector256.FusedMultiplyAdd(Vector256{double}, Vector256{double}, Vector256{double})"/> is one AVX2 instruction where the CPU has FMA and the same correctly
/// rounded operation lane by lane in software elsewhere, so the bits are the same on every x86-64 (and any other)
/// machine, whatever the vector width the runtime prefers and whatever the number of threads.
/// </para>
/// </summary>
internal static class RowInnerProducts
{
    /// <summary>Features per cache chunk (2 KB of a row).</summary>
    internal const int Chunk = 256;

    /// <summary>Rows of a per parallel panel (64 rows × one chunk = 128 KB, within L2).</summary>
    internal const int Panel = 64;

    /// <summary>
    /// G = A·Bᵀ (n × m). With <paramref name="symmetric"/> (a and b the same matrix) only j ≥ i is computed, by 2-aligned
    /// column pairs, and the caller mirrors the upper triangle.
    /// </summary>
    public static RealMatrix Compute(RealMatrix a, RealMatrix b, bool symmetric)
    {
        int n = a.Rows;
        int m = b.Rows;
        int d = a.Cols;
        var g = new RealMatrix(n, m);
        int panels = (n + Panel - 1) / Panel;
        Parallel.For(0, panels, p =>
        {
            int i0 = p * Panel;
            int i1 = Math.Min(n, i0 + Panel);
            int jStart = symmetric ? i0 & ~1 : 0;
            for (int c0 = 0; c0 < d; c0 += Chunk)
            {
                int len = Math.Min(Chunk, d - c0);
                for (int j = jStart; j < m; j += 2)
                {
                    int j1 = j + 1 < m ? j + 1 : j; // an odd last column is computed twice and stored once
                    int i = i0;
                    for (; i + 4 <= i1; i += 4)
                    {
                        Block4x2(a.Data, b.Data, d, c0, len, i, j, j1, g.Data, m);
                    }

                    for (; i < i1; i++)
                    {
                        g.Data[(i * m) + j] += ChunkDot(a.Data, (i * d) + c0, b.Data, (j * d) + c0, len);
                        if (j1 != j)
                        {
                            g.Data[(i * m) + j1] += ChunkDot(a.Data, (i * d) + c0, b.Data, (j1 * d) + c0, len);
                        }
                    }
                }
            }
        });
        return g;
    }

    // Rows i..i+3 of a against rows j, j1 of b over features c0..c0+len−1, added to G.
    private static void Block4x2(double[] a, double[] b, int d, int c0, int len, int i, int j, int j1, double[] g, int m)
    {
        ref double a0 = ref MemoryMarshal.GetReference(a.AsSpan((i * d) + c0, len));
        ref double a1 = ref MemoryMarshal.GetReference(a.AsSpan(((i + 1) * d) + c0, len));
        ref double a2 = ref MemoryMarshal.GetReference(a.AsSpan(((i + 2) * d) + c0, len));
        ref double a3 = ref MemoryMarshal.GetReference(a.AsSpan(((i + 3) * d) + c0, len));
        ref double b0 = ref MemoryMarshal.GetReference(b.AsSpan((j * d) + c0, len));
        ref double b1 = ref MemoryMarshal.GetReference(b.AsSpan((j1 * d) + c0, len));
        var s00 = Vector256<double>.Zero;
        var s01 = Vector256<double>.Zero;
        var s10 = Vector256<double>.Zero;
        var s11 = Vector256<double>.Zero;
        var s20 = Vector256<double>.Zero;
        var s21 = Vector256<double>.Zero;
        var s30 = Vector256<double>.Zero;
        var s31 = Vector256<double>.Zero;
        int body = len & ~3;
        for (int k = 0; k < body; k += 4)
        {
            var x0 = Vector256.LoadUnsafe(ref b0, (nuint)k);
            var x1 = Vector256.LoadUnsafe(ref b1, (nuint)k);
            var y = Vector256.LoadUnsafe(ref a0, (nuint)k);
            s00 = Vector256.FusedMultiplyAdd(y, x0, s00);
            s01 = Vector256.FusedMultiplyAdd(y, x1, s01);
            y = Vector256.LoadUnsafe(ref a1, (nuint)k);
            s10 = Vector256.FusedMultiplyAdd(y, x0, s10);
            s11 = Vector256.FusedMultiplyAdd(y, x1, s11);
            y = Vector256.LoadUnsafe(ref a2, (nuint)k);
            s20 = Vector256.FusedMultiplyAdd(y, x0, s20);
            s21 = Vector256.FusedMultiplyAdd(y, x1, s21);
            y = Vector256.LoadUnsafe(ref a3, (nuint)k);
            s30 = Vector256.FusedMultiplyAdd(y, x0, s30);
            s31 = Vector256.FusedMultiplyAdd(y, x1, s31);
        }

        double t00 = Lanes(s00), t01 = Lanes(s01), t10 = Lanes(s10), t11 = Lanes(s11);
        double t20 = Lanes(s20), t21 = Lanes(s21), t30 = Lanes(s30), t31 = Lanes(s31);
        for (int k = body; k < len; k++)
        {
            double x0 = Unsafe.Add(ref b0, k);
            double x1 = Unsafe.Add(ref b1, k);
            double y0 = Unsafe.Add(ref a0, k), y1 = Unsafe.Add(ref a1, k), y2 = Unsafe.Add(ref a2, k), y3 = Unsafe.Add(ref a3, k);
            t00 = Math.FusedMultiplyAdd(y0, x0, t00);
            t01 = Math.FusedMultiplyAdd(y0, x1, t01);
            t10 = Math.FusedMultiplyAdd(y1, x0, t10);
            t11 = Math.FusedMultiplyAdd(y1, x1, t11);
            t20 = Math.FusedMultiplyAdd(y2, x0, t20);
            t21 = Math.FusedMultiplyAdd(y2, x1, t21);
            t30 = Math.FusedMultiplyAdd(y3, x0, t30);
            t31 = Math.FusedMultiplyAdd(y3, x1, t31);
        }

        Store(g, (i * m) + j, m, j1 != j, t00, t01, t10, t11, t20, t21, t30, t31);
    }

    private static void Store(double[] g, int at, int m, bool pair, double t00, double t01, double t10, double t11, double t20, double t21, double t30, double t31)
    {
        g[at] += t00;
        g[at + m] += t10;
        g[at + (2 * m)] += t20;
        g[at + (3 * m)] += t30;
        if (pair)
        {
            g[at + 1] += t01;
            g[at + m + 1] += t11;
            g[at + (2 * m) + 1] += t21;
            g[at + (3 * m) + 1] += t31;
        }
    }

    // One chunk's dot product in the block's order: four lanes of fused multiply-adds, (l₀ + l₁) + (l₂ + l₃), scalar tail.
    private static double ChunkDot(double[] a, int ia, double[] b, int ib, int len)
    {
        int body = len & ~3;
        var s = Vector256<double>.Zero;
        for (int k = 0; k < body; k += 4)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.Create(a.AsSpan(ia + k, 4)), Vector256.Create(b.AsSpan(ib + k, 4)), s);
        }

        double t = Lanes(s);
        for (int k = body; k < len; k++)
        {
            t = Math.FusedMultiplyAdd(a[ia + k], b[ib + k], t);
        }

        return t;
    }

    /// <summary>The lanes of a four-lane sum added in a fixed order, (l₀ + l₁) + (l₂ + l₃).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Lanes(Vector256<double> s) => (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3));
}
