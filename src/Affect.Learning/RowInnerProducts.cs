using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// <param name="a">Rows aᵢ (n × d).</param>
    /// <param name="b">Rows bⱼ (m × d).</param>
    /// <param name="symmetric">Whether a and b are the same matrix (only j ≥ i is computed).</param>
    /// <param name="narrow">Use only the 256-bit register blocks even where 512-bit ones run (for the tests that
    /// the two give the same bits).</param>
    public static RealMatrix Compute(RealMatrix a, RealMatrix b, bool symmetric, bool narrow = false)
    {
        int n = a.Rows;
        int m = b.Rows;
        int d = a.Cols;
        var g = new RealMatrix(n, m);
        int panels = (n + Panel - 1) / Panel;
        bool wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && !narrow;
        Parallel.For(0, panels, p =>
        {
            int i0 = p * Panel;
            int i1 = Math.Min(n, i0 + Panel);
            int jStart = symmetric ? i0 & ~1 : 0;
            for (int c0 = 0; c0 < d; c0 += Chunk)
            {
                int len = Math.Min(Chunk, d - c0);
                int j = jStart;
                if (wide)
                {
                    // Eight columns at a time, two per 512-bit register (the same lanes as two 256-bit ones).
                    for (; j + 8 <= m; j += 8)
                    {
                        int i = i0;
                        for (; i + 4 <= i1; i += 4)
                        {
                            Block4x8(a.Data, b.Data, d, c0, len, i, j, g.Data, m);
                        }

                        for (; i < i1; i++)
                        {
                            for (int jj = j; jj < j + 8; jj++)
                            {
                                g.Data[(i * m) + jj] += ChunkDot(a.Data, (i * d) + c0, b.Data, (jj * d) + c0, len);
                            }
                        }
                    }
                }

                for (; j < m; j += 2)
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

    // Rows i..i+3 of a against rows j..j+7 of b with 512-bit registers: register (r, h) holds the four lanes of
    // (i + r, j + 2h) in its lower half and of (i + r, j + 2h + 1) in its upper half, each lane the same chain of fused
    // multiply-adds as in Block4x2, so the same bits (AVX-512 only: the a row is broadcast to both halves).
    private static unsafe void Block4x8(double[] a, double[] b, int d, int c0, int len, int i, int j, double[] g, int m)
    {
        fixed (double* pa = &a[(i * d) + c0], pb = &b[(j * d) + c0])
        {
            double* a0 = pa, a1 = pa + d, a2 = pa + (2 * d), a3 = pa + (3 * d);
            double* b0 = pb, b1 = pb + d, b2 = pb + (2 * d), b3 = pb + (3 * d);
            double* b4 = pb + (4 * d), b5 = pb + (5 * d), b6 = pb + (6 * d), b7 = pb + (7 * d);
            Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<double> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<double> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<double> s30 = default, s31 = default, s32 = default, s33 = default;
            int body = len & ~3;
            for (int k = 0; k < body; k += 4)
            {
                var x0 = Avx512F.InsertVector256(Vector256.Load(b0 + k).ToVector512Unsafe(), Vector256.Load(b1 + k), 1);
                var x1 = Avx512F.InsertVector256(Vector256.Load(b2 + k).ToVector512Unsafe(), Vector256.Load(b3 + k), 1);
                var x2 = Avx512F.InsertVector256(Vector256.Load(b4 + k).ToVector512Unsafe(), Vector256.Load(b5 + k), 1);
                var x3 = Avx512F.InsertVector256(Vector256.Load(b6 + k).ToVector512Unsafe(), Vector256.Load(b7 + k), 1);
                var y = Avx512F.BroadcastVector256ToVector512(a0 + k);
                s00 = Vector512.FusedMultiplyAdd(y, x0, s00);
                s01 = Vector512.FusedMultiplyAdd(y, x1, s01);
                s02 = Vector512.FusedMultiplyAdd(y, x2, s02);
                s03 = Vector512.FusedMultiplyAdd(y, x3, s03);
                y = Avx512F.BroadcastVector256ToVector512(a1 + k);
                s10 = Vector512.FusedMultiplyAdd(y, x0, s10);
                s11 = Vector512.FusedMultiplyAdd(y, x1, s11);
                s12 = Vector512.FusedMultiplyAdd(y, x2, s12);
                s13 = Vector512.FusedMultiplyAdd(y, x3, s13);
                y = Avx512F.BroadcastVector256ToVector512(a2 + k);
                s20 = Vector512.FusedMultiplyAdd(y, x0, s20);
                s21 = Vector512.FusedMultiplyAdd(y, x1, s21);
                s22 = Vector512.FusedMultiplyAdd(y, x2, s22);
                s23 = Vector512.FusedMultiplyAdd(y, x3, s23);
                y = Avx512F.BroadcastVector256ToVector512(a3 + k);
                s30 = Vector512.FusedMultiplyAdd(y, x0, s30);
                s31 = Vector512.FusedMultiplyAdd(y, x1, s31);
                s32 = Vector512.FusedMultiplyAdd(y, x2, s32);
                s33 = Vector512.FusedMultiplyAdd(y, x3, s33);
            }

            // Every lane sum goes to memory before the first call: vector registers do not survive calls, and a
            // vector live across one would be spilled inside the loop.
            Span<double> t = stackalloc double[32]; // row r, columns j + 4h .. j + 4h + 3 at 8r + 4h
            Halves(s00, s01, t[0..]);
            Halves(s02, s03, t[4..]);
            Halves(s10, s11, t[8..]);
            Halves(s12, s13, t[12..]);
            Halves(s20, s21, t[16..]);
            Halves(s22, s23, t[20..]);
            Halves(s30, s31, t[24..]);
            Halves(s32, s33, t[28..]);
            for (int r = 0; r < 4; r++)
            {
                double* ar = pa + (r * d);
                Row4(ar, b0, b1, b2, b3, body, len, t.Slice(8 * r, 4), g, ((i + r) * m) + j);
                Row4(ar, b4, b5, b6, b7, body, len, t.Slice((8 * r) + 4, 4), g, ((i + r) * m) + j + 4);
            }
        }
    }

    // The four lane sums (l₀ + l₁) + (l₂ + l₃) of both halves of two registers, in column order, into t.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Halves(Vector512<double> p, Vector512<double> q, Span<double> t)
    {
        t[0] = Lanes(p.GetLower());
        t[1] = Lanes(p.GetUpper());
        t[2] = Lanes(q.GetLower());
        t[3] = Lanes(q.GetUpper());
    }

    // One row's four products of Block4x8 (lane sums t): the chunk's scalar tail, then added to G.
    private static unsafe void Row4(double* ar, double* b0, double* b1, double* b2, double* b3, int body, int len, ReadOnlySpan<double> t, double[] g, int at)
    {
        double t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
        for (int k = body; k < len; k++)
        {
            double y = ar[k];
            t0 = Math.FusedMultiplyAdd(y, b0[k], t0);
            t1 = Math.FusedMultiplyAdd(y, b1[k], t1);
            t2 = Math.FusedMultiplyAdd(y, b2[k], t2);
            t3 = Math.FusedMultiplyAdd(y, b3[k], t3);
        }

        g[at] += t0;
        g[at + 1] += t1;
        g[at + 2] += t2;
        g[at + 3] += t3;
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
