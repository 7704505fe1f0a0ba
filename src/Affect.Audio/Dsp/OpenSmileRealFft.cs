using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Affect.Audio.Dsp;

/// <summary>
/// Single-precision real FFT that reproduces, bit for bit, the forward real transform openSMILE 3 uses for its spectra:
/// Takuya Ooura's split-radix FFT (<c>rdft(n, 1, …)</c> from fftsg.c, as shipped in openSMILE's dspcore with
/// <c>FLOAT_TYPE_FFT = float</c>).
/// </summary>
/// <remarks>
/// <para>
/// Why a second FFT: the ComParE 2016 low-level descriptors that openSMILE derives from the magnitude spectrum inherit
/// the rounding of its float FFT, and a double-precision transform differs from it in the last bits. To
/// reach float parity this class evaluates the same float operations, on the same operands, in the same grouping as the
/// C code: twiddle tables are built the way fftsg.c's <c>makewt</c>/<c>makect</c> build them (float angle step, cosine
/// and sine in double, rounded to float), every butterfly computes each output with the same sequence of rounded single
/// operations (IEEE binary32, no fused multiply–add, which RyuJIT never introduces on its own), and the sub-transforms are
/// visited in an order that is equivalent because they touch disjoint data. The code is organised differently from the
/// C (a recursive tree instead of the iterative schedule, shared inlined butterfly helpers instead of hand-unrolled
/// blocks, the root stage's interpolated twiddles evaluated once in the constructor instead of on every call), but each
/// stored value is produced by the same operations.
/// </para>
/// <para>
/// Performance: the butterflies are written on scalar <see langword="float"/> locals and <c>ref float</c> offsets into
/// the caller's span (no bounds checks, no complex-number struct, whose operators the JIT would not inline in the large
/// leaf methods), and the bit-reversal swaps each complex point as one 64-bit unit. Any change here must keep every
/// output bit: do not regroup sums, and do not use fused multiply–add or reciprocal approximations.
/// </para>
/// <para>
/// Bit identity is with fftsg.c compiled as strict IEEE float code (verified against gcc 12 at -O2 and -O3 on x86-64),
/// and it is what the openSMILE 3 reference outputs in tests/data/opensmile show: with this transform every spectral,
/// auditory and MFCC LLD of the 13 set-2 recordings equals SMILExtract's float32 value in every frame, whereas a variant
/// that reproduces gcc's <c>-ffast-math</c> regrouping of the butterflies matches only about half of those values.
/// </para>
/// <para>
/// Output layout (Ooura's packed layout, in place), for N = <see cref="Size"/> and input samples x[j]:
/// <c>a[0] = R[0]</c>, <c>a[1] = R[N/2]</c>, and for 0 &lt; k &lt; N/2: <c>a[2k] = R[k]</c>, <c>a[2k+1] = I[k]</c>, where
/// R[k] = Σ x[j]·cos(2πjk/N) and I[k] = Σ x[j]·sin(2πjk/N). Note the sign: I[k] is the <em>negated</em> imaginary part of
/// the usual X[k] = Σ x[j]·e^(−2πijk/N); <see cref="Unpack"/> converts to that convention (negation is exact).
/// Unnormalised, like openSMILE's cTransformFFT.
/// </para>
/// <para>Instances hold only immutable tables and may be shared between threads; the data is a caller span.</para>
/// </remarks>
public sealed class OpenSmileRealFft
{
    // Twiddles of the complex sub-transforms, in fftsg.c's makewt layout: a first block of N/8 entries for the top stage
    // ([1, cos π/4, 0.5/cos(δ·2), 0.5/cos(δ·6)] then (cos δj, sin δj, cos 3δj, −sin 3δj) for j = 4, 8, …), followed by
    // ever smaller blocks for the lower stages. A stage of m floats reads its block at offset N/4 − m/2 (first kind) or
    // N/4 − m (second kind), exactly as the C code does.
    private readonly float[] twiddles;
    private readonly int tableEnd; // N/4, the "nw" that the block offsets are measured back from

    // The root stage's twiddles (N > 32): at 2j … 2j+3 the w1 and w3 of the butterfly at float offset j, 0 < j < N/8,
    // interpolated from the table as fftsg.c's cftf1st does it; cos π/4 at index 1.
    private readonly float[] rootTwiddles;

    // Real split step (rftfsub): for k = 1 … N/4 − 1, the precomputed 0.5 − c[N/4 − k] and c[k] of makect's table.
    private readonly float[] splitRe;
    private readonly float[] splitIm;

    // Bit-reversal permutation of the N/2 complex points, as pairs of float offsets to swap.
    private readonly int[] swapPairs;

    /// <summary>Creates the tables for a transform of <paramref name="size"/> real samples.</summary>
    /// <param name="size">Transform length N; a power of two, at least 4.</param>
    public OpenSmileRealFft(int size)
    {
        if (size < 4 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two ≥ 4");
        }

        Size = size;
        tableEnd = size >> 2;
        twiddles = BuildTwiddles(tableEnd);
        rootTwiddles = size > 32 ? BuildRootTwiddles(twiddles, size) : [];

        float[] cosTable = BuildSplitTable(size >> 2);
        int quarter = size >> 2;
        splitRe = new float[quarter];
        splitIm = new float[quarter];
        for (int k = 1; k < quarter; k++)
        {
            splitRe[k] = 0.5f - cosTable[quarter - k];
            splitIm[k] = cosTable[k];
        }

        swapPairs = BuildBitReversal(size >> 1);
    }

    /// <summary>Transform length N.</summary>
    public int Size { get; }

    /// <summary>Number of non-negative frequency bins, N/2 + 1.</summary>
    public int BinCount => (Size >> 1) + 1;

    /// <summary>Smallest power of two that is ≥ <paramref name="n"/> (and ≥ 4): the FFT size openSMILE zero-pads a frame to.</summary>
    /// <param name="n">Frame length in samples.</param>
    public static int NextPowerOfTwo(int n)
    {
        int size = 4;
        while (size < n)
        {
            size <<= 1;
        }

        return size;
    }

    /// <summary>
    /// In-place forward transform of the N real samples in <paramref name="data"/>, leaving the spectrum in the packed
    /// layout described on the class (identical bits to openSMILE's <c>rdft(N, 1, data, ip, w)</c>).
    /// </summary>
    /// <param name="data">Exactly N samples on entry; the packed spectrum on return.</param>
    public void Forward(Span<float> data)
    {
        if (data.Length != Size)
        {
            throw new ArgumentException($"data has {data.Length} samples, expected {Size}", nameof(data));
        }

        ref float a = ref MemoryMarshal.GetReference(data);
        ComplexTransform(ref a);
        if (Size > 4)
        {
            RealSplit(ref a);
        }

        ref float a1 = ref Unsafe.Add(ref a, 1);
        float difference = a - a1;
        a += a1;
        a1 = difference;
    }

    /// <summary>
    /// Converts a packed spectrum from <see cref="Forward"/> to N/2 + 1 bins of X[k] = Σ x[j]·e^(−2πijk/N), the
    /// usual forward DFT convention: <c>real[k] = R[k]</c>, <c>imag[k] = −I[k]</c> (zero at k = 0 and N/2).
    /// </summary>
    /// <param name="packed">A spectrum of N floats in the packed layout.</param>
    /// <param name="real">Receives the real parts; at least N/2 + 1 long.</param>
    /// <param name="imag">Receives the imaginary parts; at least N/2 + 1 long.</param>
    public static void Unpack(ReadOnlySpan<float> packed, Span<float> real, Span<float> imag)
    {
        int n = packed.Length;
        if (n < 4 || (n & (n - 1)) != 0)
        {
            throw new ArgumentException($"packed spectrum length {n} is not a power of two ≥ 4", nameof(packed));
        }

        int half = n >> 1;
        if (real.Length <= half || imag.Length <= half)
        {
            throw new ArgumentException($"output spans need {half + 1} bins");
        }

        real[0] = packed[0];
        imag[0] = 0f;
        real[half] = packed[1];
        imag[half] = 0f;
        for (int k = 1; k < half; k++)
        {
            real[k] = packed[2 * k];
            imag[k] = -packed[(2 * k) + 1];
        }
    }

    // ---------------------------------------------------------------- tables

    /// <summary>The complex-FFT twiddle table, built as fftsg.c's makewt builds it (float δ, double cos/sin, float store).</summary>
    private static float[] BuildTwiddles(int count)
    {
        var w = new float[Math.Max(count, 2)];
        if (count <= 2)
        {
            return w;
        }

        int blockHalf = count >> 1;
        float delta = (float)Math.Atan(1.0) / blockHalf;
        float eighth = (float)Math.Cos(delta * blockHalf);
        w[0] = 1f;
        w[1] = eighth;
        if (blockHalf == 4)
        {
            w[2] = (float)Math.Cos(delta * 2);
            w[3] = (float)Math.Sin(delta * 2);
        }
        else if (blockHalf > 4)
        {
            // The top stage interpolates its odd twiddles; these are its two scale factors.
            w[2] = (float)(0.5 / Math.Cos(delta * 2));
            w[3] = (float)(0.5 / Math.Cos(delta * 6));
            for (int j = 4; j < blockHalf; j += 4)
            {
                w[j] = (float)Math.Cos(delta * j);
                w[j + 1] = (float)Math.Sin(delta * j);
                w[j + 2] = (float)Math.Cos(3 * delta * j);
                w[j + 3] = (float)-Math.Sin(3 * delta * j);
            }
        }

        // Each further block serves a stage a quarter the size: every other quadruple of the previous block.
        int previous = 0;
        while (blockHalf > 2)
        {
            int start = previous + blockHalf;
            blockHalf >>= 1;
            w[start] = 1f;
            w[start + 1] = eighth;
            if (blockHalf == 4)
            {
                w[start + 2] = w[previous + 4];
                w[start + 3] = w[previous + 5];
            }
            else if (blockHalf > 4)
            {
                w[start + 2] = 0.5f / w[previous + 4];
                w[start + 3] = 0.5f / w[previous + 6];
                for (int j = 4; j < blockHalf; j += 4)
                {
                    w[start + j] = w[previous + (2 * j)];
                    w[start + j + 1] = w[previous + (2 * j) + 1];
                    w[start + j + 2] = w[previous + (2 * j) + 2];
                    w[start + j + 3] = w[previous + (2 * j) + 3];
                }
            }

            previous = start;
        }

        return w;
    }

    /// <summary>
    /// The root stage's per-butterfly twiddles. cftf1st reads only every other (w1, w3) pair from the table and
    /// interpolates the ones in between as csc·(w_previous + w_next), with csc1 = 0.5/cos(2δ) and csc3 = 0.5/cos(6δ)
    /// from the table head; this evaluates those same float operations once, here.
    /// </summary>
    private static float[] BuildRootTwiddles(float[] w, int size)
    {
        int eighth = size >> 3;
        var r = new float[2 * eighth];
        float wn4r = w[1];
        float csc1 = w[2];
        float csc3 = w[3];
        r[1] = wn4r;

        float d1r = 1f;
        float d1i = 0f;
        float d3r = 1f;
        float d3i = 0f;
        int k = 0;
        for (int j = 2; j < eighth - 2; j += 4)
        {
            k += 4;
            r[2 * j] = csc1 * (d1r + w[k]);
            r[(2 * j) + 1] = csc1 * (d1i + w[k + 1]);
            r[(2 * j) + 2] = csc3 * (d3r + w[k + 2]);
            r[(2 * j) + 3] = csc3 * (d3i + w[k + 3]);
            d1r = w[k];
            d1i = w[k + 1];
            d3r = w[k + 2];
            d3i = w[k + 3];
            r[2 * (j + 2)] = d1r;
            r[(2 * (j + 2)) + 1] = d1i;
            r[(2 * (j + 2)) + 2] = d3r;
            r[(2 * (j + 2)) + 3] = d3i;
        }

        int e = 2 * (eighth - 2);
        r[e] = csc1 * (d1r + wn4r);
        r[e + 1] = csc1 * (d1i + wn4r);
        r[e + 2] = csc3 * (d3r - wn4r);
        r[e + 3] = csc3 * (d3i - wn4r);
        return r;
    }

    /// <summary>The real-split cosine table, built as fftsg.c's makect builds it: halves of cos/sin of multiples of δ.</summary>
    private static float[] BuildSplitTable(int count)
    {
        var c = new float[Math.Max(count, 1)];
        if (count <= 1)
        {
            return c;
        }

        int half = count >> 1;
        float delta = (float)Math.Atan(1.0) / half;
        c[0] = (float)Math.Cos(delta * half);
        c[half] = 0.5f * c[0];
        for (int j = 1; j < half; j++)
        {
            c[j] = (float)(0.5 * Math.Cos(delta * j));
            c[count - j] = (float)(0.5 * Math.Sin(delta * j));
        }

        return c;
    }

    /// <summary>Float-offset pairs (i, r) with i &lt; r, r the bit reversal of i, over <paramref name="points"/> complex points.</summary>
    private static int[] BuildBitReversal(int points)
    {
        if (points < 8)
        {
            return [];
        }

        int bits = BitOperations.Log2((uint)points);
        var pairs = new List<int>();
        for (int i = 0; i < points; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            if (i < r)
            {
                pairs.Add(2 * i);
                pairs.Add(2 * r);
            }
        }

        return [.. pairs];
    }

    // ---------------------------------------------------------------- transform

    /// <summary>Complex FFT of the N/2 points interleaved in <paramref name="a"/> (fftsg.c's cftfsub, forward).</summary>
    private void ComplexTransform(ref float a)
    {
        int n = Size;
        ref float w = ref MemoryMarshal.GetArrayDataReference(twiddles);
        if (n > 32)
        {
            // Root split-radix stage, then the four quarter-size sub-trees (kinds 1, 2, 1, 1), then reorder.
            StageFirstKind(ref a, n, ref MemoryMarshal.GetArrayDataReference(rootTwiddles));
            int q = n >> 2;
            Node(ref a, q, firstKind: true);
            Node(ref Unsafe.Add(ref a, q), q, firstKind: false);
            Node(ref Unsafe.Add(ref a, 2 * q), q, firstKind: true);
            Node(ref Unsafe.Add(ref a, 3 * q), q, firstKind: true);
        }
        else if (n == 32)
        {
            Leaf16FirstKind(ref a, ref Unsafe.Add(ref w, tableEnd - 8));
        }
        else if (n == 16)
        {
            Leaf8FirstKind(ref a, Unsafe.Add(ref w, 1));
        }
        else if (n == 8)
        {
            // Four points: one radix-4 butterfly whose outputs are already in natural order.
            float x0r = a + Unsafe.Add(ref a, 4);
            float x0i = Unsafe.Add(ref a, 1) + Unsafe.Add(ref a, 5);
            float x1r = a - Unsafe.Add(ref a, 4);
            float x1i = Unsafe.Add(ref a, 1) - Unsafe.Add(ref a, 5);
            float x2r = Unsafe.Add(ref a, 2) + Unsafe.Add(ref a, 6);
            float x2i = Unsafe.Add(ref a, 3) + Unsafe.Add(ref a, 7);
            float x3r = Unsafe.Add(ref a, 2) - Unsafe.Add(ref a, 6);
            float x3i = Unsafe.Add(ref a, 3) - Unsafe.Add(ref a, 7);
            a = x0r + x2r;
            Unsafe.Add(ref a, 1) = x0i + x2i;
            Unsafe.Add(ref a, 2) = x1r - x3i;
            Unsafe.Add(ref a, 3) = x1i + x3r;
            Unsafe.Add(ref a, 4) = x0r - x2r;
            Unsafe.Add(ref a, 5) = x0i - x2i;
            Unsafe.Add(ref a, 6) = x1r + x3i;
            Unsafe.Add(ref a, 7) = x1i - x3r;
            return;
        }
        else
        {
            float p0r = a;
            float p0i = Unsafe.Add(ref a, 1);
            float p1r = Unsafe.Add(ref a, 2);
            float p1i = Unsafe.Add(ref a, 3);
            a = p0r + p1r;
            Unsafe.Add(ref a, 1) = p0i + p1i;
            Unsafe.Add(ref a, 2) = p0r - p1r;
            Unsafe.Add(ref a, 3) = p0i - p1i;
            return;
        }

        BitReverse(ref a);
    }

    /// <summary>
    /// A split-radix node of <paramref name="length"/> floats: its own radix-4 stage, then four children a quarter the
    /// size. A first-kind node's children are of kinds (1, 2, 1, 1), a second-kind node's (1, 2, 1, 2); 16- and
    /// 32-float nodes are the hand-unrolled leaves. This is the tree that fftsg.c's cftrec4, cfttree, cftleaf and
    /// cftfx41 walk iteratively; since siblings touch disjoint data, the visiting order is free.
    /// </summary>
    private void Node(ref float a, int length, bool firstKind)
    {
        ref float w = ref MemoryMarshal.GetArrayDataReference(twiddles);
        if (length == 32)
        {
            if (firstKind)
            {
                Leaf16FirstKind(ref a, ref Unsafe.Add(ref w, tableEnd - 8));
            }
            else
            {
                Leaf16SecondKind(ref a, ref Unsafe.Add(ref w, tableEnd - 32));
            }

            return;
        }

        if (length == 16)
        {
            if (firstKind)
            {
                Leaf8FirstKind(ref a, Unsafe.Add(ref w, tableEnd - 7));
            }
            else
            {
                Leaf8SecondKind(ref a, ref Unsafe.Add(ref w, tableEnd - 8));
            }

            return;
        }

        if (firstKind)
        {
            StageFirstKind(ref a, length, ref Unsafe.Add(ref w, tableEnd - (length >> 1)));
        }
        else
        {
            StageSecondKind(ref a, length, ref Unsafe.Add(ref w, tableEnd - length));
        }

        int q = length >> 2;
        Node(ref a, q, firstKind: true);
        Node(ref Unsafe.Add(ref a, q), q, firstKind: false);
        Node(ref Unsafe.Add(ref a, 2 * q), q, firstKind: true);
        Node(ref Unsafe.Add(ref a, 3 * q), q, firstKind);
    }

    /// <summary>
    /// Radix-4 stage of a first-kind node of <paramref name="length"/> floats (cftmdl1, and cftf1st for the root).
    /// <paramref name="w"/> holds, at 2j … 2j+3, the twiddles w1 and conj-stored w3 of the butterfly at float offset j
    /// (0 &lt; j &lt; length/8), and cos π/4 at index 1; the butterfly at q − j uses the same twiddles with parts exchanged.
    /// </summary>
    private static void StageFirstKind(ref float a, int length, ref float w)
    {
        int q = length >> 2;
        int eighth = length >> 3;

        Radix4Sums(ref a, q, out float ur, out float ui, out float vr, out float vi);
        ref float a2 = ref Unsafe.Add(ref a, 2 * q);
        ref float a3 = ref Unsafe.Add(ref a, 3 * q);
        a2 = ur;
        Unsafe.Add(ref a2, 1) = ui;
        a3 = vr;
        Unsafe.Add(ref a3, 1) = vi;

        for (int j = 2; j < eighth; j += 2)
        {
            ref float wj = ref Unsafe.Add(ref w, 2 * j);
            float w1r = wj;
            float w1i = Unsafe.Add(ref wj, 1);
            float w3r = Unsafe.Add(ref wj, 2);
            float w3i = Unsafe.Add(ref wj, 3);
            ButterflyFirstKind(ref Unsafe.Add(ref a, j), q, w1r, w1i, w3r, w3i);
            ButterflyFirstKind(ref Unsafe.Add(ref a, q - j), q, w1i, w1r, w3i, w3r);
        }

        // At the eighth point both twiddles are multiples of (1 ± i)/√2.
        float wn4r = Unsafe.Add(ref w, 1);
        float minusWn4r = -wn4r;
        ref float ae = ref Unsafe.Add(ref a, eighth);
        Radix4Sums(ref ae, q, out ur, out ui, out vr, out vi);
        a2 = ref Unsafe.Add(ref ae, 2 * q);
        a3 = ref Unsafe.Add(ref ae, 3 * q);
        a2 = wn4r * (ur - ui);
        Unsafe.Add(ref a2, 1) = wn4r * (ui + ur);
        a3 = minusWn4r * (vr + vi);
        Unsafe.Add(ref a3, 1) = minusWn4r * (vi - vr);
    }

    /// <summary>Radix-4 stage of a second-kind node (cftmdl2); <paramref name="w"/> is the node's table block.</summary>
    private static void StageSecondKind(ref float a, int length, ref float w)
    {
        int q = length >> 2;
        int eighth = length >> 3;
        float wn4r = Unsafe.Add(ref w, 1);

        SecondKindInputs(
            ref a, q, out float x0r, out float x0i, out float x1r, out float x1i, out float x2r, out float x2i, out float x3r, out float x3i);
        float yr = wn4r * (x2r - x2i);
        float yi = wn4r * (x2i + x2r);
        a = x0r + yr;
        Unsafe.Add(ref a, 1) = x0i + yi;
        ref float a1 = ref Unsafe.Add(ref a, q);
        a1 = x0r - yr;
        Unsafe.Add(ref a1, 1) = x0i - yi;
        yr = wn4r * (x3r - x3i);
        yi = wn4r * (x3i + x3r);
        ref float a2 = ref Unsafe.Add(ref a1, q);
        a2 = x1r - yi;
        Unsafe.Add(ref a2, 1) = x1i + yr;
        ref float a3 = ref Unsafe.Add(ref a2, q);
        a3 = x1r + yi;
        Unsafe.Add(ref a3, 1) = x1i - yr;

        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            int kr = (2 * q) - k;
            float wk1r = Unsafe.Add(ref w, k);
            float wk1i = Unsafe.Add(ref w, k + 1);
            float wk3r = Unsafe.Add(ref w, k + 2);
            float wk3i = Unsafe.Add(ref w, k + 3);
            float wd1r = Unsafe.Add(ref w, kr + 1);
            float wd1i = Unsafe.Add(ref w, kr);
            float wd3r = Unsafe.Add(ref w, kr + 3);
            float wd3i = Unsafe.Add(ref w, kr + 2);
            ButterflySecondKind(ref Unsafe.Add(ref a, j), q, wk1r, wk1i, wd1r, wd1i, wk3r, wk3i, wd3r, wd3i);
            ButterflySecondKind(ref Unsafe.Add(ref a, q - j), q, wd1i, wd1r, wk1i, wk1r, wd3i, wd3r, wk3i, wk3r);
        }

        float wmr = Unsafe.Add(ref w, q);
        float wmi = Unsafe.Add(ref w, q + 1);
        ref float ae = ref Unsafe.Add(ref a, eighth);
        SecondKindInputs(ref ae, q, out x0r, out x0i, out x1r, out x1i, out x2r, out x2i, out x3r, out x3i);
        float y0r = (wmr * x0r) - (wmi * x0i);
        float y0i = (wmr * x0i) + (wmi * x0r);
        float y2r = (wmi * x2r) - (wmr * x2i);
        float y2i = (wmi * x2i) + (wmr * x2r);
        ae = y0r + y2r;
        Unsafe.Add(ref ae, 1) = y0i + y2i;
        a1 = ref Unsafe.Add(ref ae, q);
        a1 = y0r - y2r;
        Unsafe.Add(ref a1, 1) = y0i - y2i;
        y0r = (wmi * x1r) - (wmr * x1i);
        y0i = (wmi * x1i) + (wmr * x1r);
        y2r = (wmr * x3r) - (wmi * x3i);
        y2i = (wmr * x3i) + (wmi * x3r);
        a2 = ref Unsafe.Add(ref a1, q);
        a2 = y0r - y2r;
        Unsafe.Add(ref a2, 1) = y0i - y2i;
        a3 = ref Unsafe.Add(ref a2, q);
        a3 = y0r + y2r;
        Unsafe.Add(ref a3, 1) = y0i + y2i;
    }

    /// <summary>16-point first-kind leaf (cftf161): a radix-4 stage with twiddles w^1, w^2 = e^(∓iπ/4), w^3, then four 4-point DFTs.</summary>
    private static void Leaf16FirstKind(ref float a, ref float w)
    {
        float wn4r = Unsafe.Add(ref w, 1);
        float wk1r = Unsafe.Add(ref w, 2);
        float wk1i = Unsafe.Add(ref w, 3);

        Radix4Column(ref a, out float y0r, out float y0i, out float y4r, out float y4i, out float y8r, out float y8i, out float y12r, out float y12i);

        Radix4Column(ref Unsafe.Add(ref a, 2), out float y1r, out float y1i, out float y5r, out float y5i, out float ur, out float ui, out float vr, out float vi);
        float y9r = (wk1r * ur) - (wk1i * ui);
        float y9i = (wk1r * ui) + (wk1i * ur);
        float y13r = (wk1i * vr) - (wk1r * vi);
        float y13i = (wk1i * vi) + (wk1r * vr);

        Radix4Column(ref Unsafe.Add(ref a, 4), out float y2r, out float y2i, out float y6r, out float y6i, out ur, out ui, out vr, out vi);
        float y10r = wn4r * (ur - ui);
        float y10i = wn4r * (ui + ur);
        float y14r = wn4r * (vr + vi);
        float y14i = wn4r * (vi - vr);

        Radix4Column(ref Unsafe.Add(ref a, 6), out float y3r, out float y3i, out float y7r, out float y7i, out ur, out ui, out vr, out vi);
        float y11r = (wk1i * ur) - (wk1r * ui);
        float y11i = (wk1i * ui) + (wk1r * ur);
        float y15r = (wk1r * vr) - (wk1i * vi);
        float y15i = (wk1r * vi) + (wk1i * vr);

        Dft4(ref Unsafe.Add(ref a, 24), y12r - y14r, y12i - y14i, y13r - y15r, y13i - y15i, y12r + y14r, y12i + y14i, y13r + y15r, y13i + y15i);
        Dft4(ref Unsafe.Add(ref a, 16), y8r + y10r, y8i + y10i, y9r + y11r, y9i + y11i, y8r - y10r, y8i - y10i, y9r - y11r, y9i - y11i);
        float pr = y5r - y7i;
        float pi = y5i + y7r;
        float mr = y5r + y7i;
        float mi = y5i - y7r;
        Dft4(
            ref Unsafe.Add(ref a, 8),
            y4r - y6i,
            y4i + y6r,
            wn4r * (pr - pi),
            wn4r * (pi + pr),
            y4r + y6i,
            y4i - y6r,
            wn4r * (mr - mi),
            wn4r * (mi + mr));
        Dft4(ref a, y0r + y2r, y0i + y2i, y1r + y3r, y1i + y3i, y0r - y2r, y0i - y2i, y1r - y3r, y1i - y3i);
    }

    /// <summary>16-point second-kind leaf (cftf162).</summary>
    private static void Leaf16SecondKind(ref float a, ref float w)
    {
        float wn4r = Unsafe.Add(ref w, 1);
        float wk1r = Unsafe.Add(ref w, 4);
        float wk1i = Unsafe.Add(ref w, 5);
        float wk3r = Unsafe.Add(ref w, 6);
        float wk3i = -Unsafe.Add(ref w, 7);
        float wk2r = Unsafe.Add(ref w, 8);
        float wk2i = Unsafe.Add(ref w, 9);

        // Column 0: no twiddle on the even part, e^(∓iπ/4) on the odd part.
        float tr = Unsafe.Add(ref a, 8) - Unsafe.Add(ref a, 25);
        float ti = Unsafe.Add(ref a, 9) + Unsafe.Add(ref a, 24);
        float x2r = wn4r * (tr - ti);
        float x2i = wn4r * (ti + tr);
        float x1r = a - Unsafe.Add(ref a, 17);
        float x1i = Unsafe.Add(ref a, 1) + Unsafe.Add(ref a, 16);
        float y0r = x1r + x2r;
        float y0i = x1i + x2i;
        float y4r = x1r - x2r;
        float y4i = x1i - x2i;
        x1r = a + Unsafe.Add(ref a, 17);
        x1i = Unsafe.Add(ref a, 1) - Unsafe.Add(ref a, 16);
        tr = Unsafe.Add(ref a, 8) + Unsafe.Add(ref a, 25);
        ti = Unsafe.Add(ref a, 9) - Unsafe.Add(ref a, 24);
        x2r = wn4r * (tr - ti);
        x2i = wn4r * (ti + tr);
        float y8r = x1r - x2i;
        float y8i = x1i + x2r;
        float y12r = x1r + x2i;
        float y12i = x1i - x2r;

        // Column 2.
        tr = Unsafe.Add(ref a, 2) - Unsafe.Add(ref a, 19);
        ti = Unsafe.Add(ref a, 3) + Unsafe.Add(ref a, 18);
        x1r = (wk1r * tr) - (wk1i * ti);
        x1i = (wk1r * ti) + (wk1i * tr);
        tr = Unsafe.Add(ref a, 10) - Unsafe.Add(ref a, 27);
        ti = Unsafe.Add(ref a, 11) + Unsafe.Add(ref a, 26);
        x2r = (wk3i * tr) - (wk3r * ti);
        x2i = (wk3i * ti) + (wk3r * tr);
        float y1r = x1r + x2r;
        float y1i = x1i + x2i;
        float y5r = x1r - x2r;
        float y5i = x1i - x2i;
        tr = Unsafe.Add(ref a, 2) + Unsafe.Add(ref a, 19);
        ti = Unsafe.Add(ref a, 3) - Unsafe.Add(ref a, 18);
        x1r = (wk3r * tr) - (wk3i * ti);
        x1i = (wk3r * ti) + (wk3i * tr);
        tr = Unsafe.Add(ref a, 10) + Unsafe.Add(ref a, 27);
        ti = Unsafe.Add(ref a, 11) - Unsafe.Add(ref a, 26);
        x2r = (wk1r * tr) + (wk1i * ti);
        x2i = (wk1r * ti) - (wk1i * tr);
        float y9r = x1r - x2r;
        float y9i = x1i - x2i;
        float y13r = x1r + x2r;
        float y13i = x1i + x2i;

        // Column 4.
        tr = Unsafe.Add(ref a, 4) - Unsafe.Add(ref a, 21);
        ti = Unsafe.Add(ref a, 5) + Unsafe.Add(ref a, 20);
        x1r = (wk2r * tr) - (wk2i * ti);
        x1i = (wk2r * ti) + (wk2i * tr);
        tr = Unsafe.Add(ref a, 12) - Unsafe.Add(ref a, 29);
        ti = Unsafe.Add(ref a, 13) + Unsafe.Add(ref a, 28);
        x2r = (wk2i * tr) - (wk2r * ti);
        x2i = (wk2i * ti) + (wk2r * tr);
        float y2r = x1r + x2r;
        float y2i = x1i + x2i;
        float y6r = x1r - x2r;
        float y6i = x1i - x2i;
        tr = Unsafe.Add(ref a, 4) + Unsafe.Add(ref a, 21);
        ti = Unsafe.Add(ref a, 5) - Unsafe.Add(ref a, 20);
        x1r = (wk2i * tr) - (wk2r * ti);
        x1i = (wk2i * ti) + (wk2r * tr);
        tr = Unsafe.Add(ref a, 12) + Unsafe.Add(ref a, 29);
        ti = Unsafe.Add(ref a, 13) - Unsafe.Add(ref a, 28);
        x2r = (wk2r * tr) - (wk2i * ti);
        x2i = (wk2r * ti) + (wk2i * tr);
        float y10r = x1r - x2r;
        float y10i = x1i - x2i;
        float y14r = x1r + x2r;
        float y14i = x1i + x2i;

        // Column 6.
        tr = Unsafe.Add(ref a, 6) - Unsafe.Add(ref a, 23);
        ti = Unsafe.Add(ref a, 7) + Unsafe.Add(ref a, 22);
        x1r = (wk3r * tr) - (wk3i * ti);
        x1i = (wk3r * ti) + (wk3i * tr);
        tr = Unsafe.Add(ref a, 14) - Unsafe.Add(ref a, 31);
        ti = Unsafe.Add(ref a, 15) + Unsafe.Add(ref a, 30);
        x2r = (wk1i * tr) - (wk1r * ti);
        x2i = (wk1i * ti) + (wk1r * tr);
        float y3r = x1r + x2r;
        float y3i = x1i + x2i;
        float y7r = x1r - x2r;
        float y7i = x1i - x2i;
        tr = Unsafe.Add(ref a, 6) + Unsafe.Add(ref a, 23);
        ti = Unsafe.Add(ref a, 7) - Unsafe.Add(ref a, 22);
        x1r = (wk1i * tr) + (wk1r * ti);
        x1i = (wk1i * ti) - (wk1r * tr);
        tr = Unsafe.Add(ref a, 14) + Unsafe.Add(ref a, 31);
        ti = Unsafe.Add(ref a, 15) - Unsafe.Add(ref a, 30);
        x2r = (wk3i * tr) - (wk3r * ti);
        x2i = (wk3i * ti) + (wk3r * tr);
        float y11r = x1r + x2r;
        float y11i = x1i + x2i;
        float y15r = x1r - x2r;
        float y15i = x1i - x2i;

        Dft4(ref a, y0r + y2r, y0i + y2i, y1r + y3r, y1i + y3i, y0r - y2r, y0i - y2i, y1r - y3r, y1i - y3i);
        float pr = y5r - y7i;
        float pi = y5i + y7r;
        float mr = y5r + y7i;
        float mi = y5i - y7r;
        Dft4(
            ref Unsafe.Add(ref a, 8),
            y4r - y6i,
            y4i + y6r,
            wn4r * (pr - pi),
            wn4r * (pi + pr),
            y4r + y6i,
            y4i - y6r,
            wn4r * (mr - mi),
            wn4r * (mi + mr));
        Dft4(ref Unsafe.Add(ref a, 16), y8r + y10r, y8i + y10i, y9r - y11r, y9i - y11i, y8r - y10r, y8i - y10i, y9r + y11r, y9i + y11i);
        mr = y13r + y15i;
        mi = y13i - y15r;
        pr = y13r - y15i;
        pi = y13i + y15r;
        Dft4(
            ref Unsafe.Add(ref a, 24),
            y12r - y14i,
            y12i + y14r,
            wn4r * (mr - mi),
            wn4r * (mi + mr),
            y12r + y14i,
            y12i - y14r,
            wn4r * (pr - pi),
            wn4r * (pi + pr));
    }

    /// <summary>8-point first-kind leaf (cftf081); <paramref name="wn4r"/> is cos π/4.</summary>
    private static void Leaf8FirstKind(ref float a, float wn4r)
    {
        float x0r = a + Unsafe.Add(ref a, 8);
        float x0i = Unsafe.Add(ref a, 1) + Unsafe.Add(ref a, 9);
        float x1r = a - Unsafe.Add(ref a, 8);
        float x1i = Unsafe.Add(ref a, 1) - Unsafe.Add(ref a, 9);
        float x2r = Unsafe.Add(ref a, 4) + Unsafe.Add(ref a, 12);
        float x2i = Unsafe.Add(ref a, 5) + Unsafe.Add(ref a, 13);
        float x3r = Unsafe.Add(ref a, 4) - Unsafe.Add(ref a, 12);
        float x3i = Unsafe.Add(ref a, 5) - Unsafe.Add(ref a, 13);
        float y0r = x0r + x2r;
        float y0i = x0i + x2i;
        float y2r = x0r - x2r;
        float y2i = x0i - x2i;
        float y1r = x1r - x3i;
        float y1i = x1i + x3r;
        float y3r = x1r + x3i;
        float y3i = x1i - x3r;

        x0r = Unsafe.Add(ref a, 2) + Unsafe.Add(ref a, 10);
        x0i = Unsafe.Add(ref a, 3) + Unsafe.Add(ref a, 11);
        x1r = Unsafe.Add(ref a, 2) - Unsafe.Add(ref a, 10);
        x1i = Unsafe.Add(ref a, 3) - Unsafe.Add(ref a, 11);
        x2r = Unsafe.Add(ref a, 6) + Unsafe.Add(ref a, 14);
        x2i = Unsafe.Add(ref a, 7) + Unsafe.Add(ref a, 15);
        x3r = Unsafe.Add(ref a, 6) - Unsafe.Add(ref a, 14);
        x3i = Unsafe.Add(ref a, 7) - Unsafe.Add(ref a, 15);
        float y4r = x0r + x2r;
        float y4i = x0i + x2i;
        float y6r = x0r - x2r;
        float y6i = x0i - x2i;
        float tr = x1r - x3i;
        float ti = x1i + x3r;
        float y5r = wn4r * (tr - ti);
        float y5i = wn4r * (ti + tr);
        tr = x1r + x3i;
        ti = x1i - x3r;
        float y7r = wn4r * (tr - ti);
        float y7i = wn4r * (ti + tr);

        Dft4(ref Unsafe.Add(ref a, 8), y1r, y1i, y5r, y5i, y3r, y3i, y7r, y7i);
        Dft4(ref a, y0r, y0i, y4r, y4i, y2r, y2i, y6r, y6i);
    }

    /// <summary>8-point second-kind leaf (cftf082).</summary>
    private static void Leaf8SecondKind(ref float a, ref float w)
    {
        float wn4r = Unsafe.Add(ref w, 1);
        float wk1r = Unsafe.Add(ref w, 2);
        float wk1i = Unsafe.Add(ref w, 3);

        float y0r = a - Unsafe.Add(ref a, 9);
        float y0i = Unsafe.Add(ref a, 1) + Unsafe.Add(ref a, 8);
        float y1r = a + Unsafe.Add(ref a, 9);
        float y1i = Unsafe.Add(ref a, 1) - Unsafe.Add(ref a, 8);
        float tr = Unsafe.Add(ref a, 4) - Unsafe.Add(ref a, 13);
        float ti = Unsafe.Add(ref a, 5) + Unsafe.Add(ref a, 12);
        float y2r = wn4r * (tr - ti);
        float y2i = wn4r * (ti + tr);
        tr = Unsafe.Add(ref a, 4) + Unsafe.Add(ref a, 13);
        ti = Unsafe.Add(ref a, 5) - Unsafe.Add(ref a, 12);
        float y3r = wn4r * (tr - ti);
        float y3i = wn4r * (ti + tr);
        tr = Unsafe.Add(ref a, 2) - Unsafe.Add(ref a, 11);
        ti = Unsafe.Add(ref a, 3) + Unsafe.Add(ref a, 10);
        float y4r = (wk1r * tr) - (wk1i * ti);
        float y4i = (wk1r * ti) + (wk1i * tr);
        tr = Unsafe.Add(ref a, 2) + Unsafe.Add(ref a, 11);
        ti = Unsafe.Add(ref a, 3) - Unsafe.Add(ref a, 10);
        float y5r = (wk1i * tr) - (wk1r * ti);
        float y5i = (wk1i * ti) + (wk1r * tr);
        tr = Unsafe.Add(ref a, 6) - Unsafe.Add(ref a, 15);
        ti = Unsafe.Add(ref a, 7) + Unsafe.Add(ref a, 14);
        float y6r = (wk1i * tr) - (wk1r * ti);
        float y6i = (wk1i * ti) + (wk1r * tr);
        tr = Unsafe.Add(ref a, 6) + Unsafe.Add(ref a, 15);
        ti = Unsafe.Add(ref a, 7) - Unsafe.Add(ref a, 14);
        float y7r = (wk1r * tr) - (wk1i * ti);
        float y7i = (wk1r * ti) + (wk1i * tr);

        Dft4(ref a, y0r + y2r, y0i + y2i, y4r + y6r, y4i + y6i, y0r - y2r, y0i - y2i, y4r - y6r, y4i - y6i);
        Dft4(ref Unsafe.Add(ref a, 8), y1r - y3i, y1i + y3r, y5r - y7r, y5i - y7i, y1r + y3i, y1i - y3r, y5r + y7r, y5i + y7i);
    }

    /// <summary>Real split step (rftfsub): turns the N/2-point complex FFT of the even/odd pairs into the real spectrum.</summary>
    private void RealSplit(ref float a)
    {
        int n = Size;
        int half = n >> 1;
        ref float wr = ref MemoryMarshal.GetArrayDataReference(splitRe);
        ref float wi = ref MemoryMarshal.GetArrayDataReference(splitIm);
        for (int j = 2; j < half; j += 2)
        {
            ref float aj = ref Unsafe.Add(ref a, j);
            ref float ak = ref Unsafe.Add(ref a, n - j);
            float wkr = Unsafe.Add(ref wr, j >> 1);
            float wki = Unsafe.Add(ref wi, j >> 1);
            float xr = aj - ak;
            float xi = Unsafe.Add(ref aj, 1) + Unsafe.Add(ref ak, 1);
            float yr = (wkr * xr) - (wki * xi);
            float yi = (wkr * xi) + (wki * xr);
            aj -= yr;
            Unsafe.Add(ref aj, 1) -= yi;
            ak += yr;
            Unsafe.Add(ref ak, 1) -= yi;
        }
    }

    /// <summary>Bit-reversal permutation of the N/2 complex points: each pair is swapped as one 64-bit (re, im) unit.</summary>
    private void BitReverse(ref float a)
    {
        int[] swaps = swapPairs;
        ref int pairs = ref MemoryMarshal.GetArrayDataReference(swaps);
        for (int p = 0; p < swaps.Length; p += 2)
        {
            ref long x = ref Unsafe.As<float, long>(ref Unsafe.Add(ref a, Unsafe.Add(ref pairs, p)));
            ref long y = ref Unsafe.As<float, long>(ref Unsafe.Add(ref a, Unsafe.Add(ref pairs, p + 1)));
            (x, y) = (y, x);
        }
    }

    // ---------------------------------------------------------------- butterflies

    /// <summary>
    /// The sums and differences shared by every first-kind radix-4 butterfly over the points at float offsets 0, q, 2q,
    /// 3q from <paramref name="a0"/>: stores (a0 + a2) ± (a1 + a3) at 0 and q and returns u = (a0 − a2) + i(a1 − a3)
    /// and v = (a0 − a2) − i(a1 − a3), still to be twiddled into 2q and 3q.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4Sums(ref float a0, int q, out float ur, out float ui, out float vr, out float vi)
    {
        ref float a1 = ref Unsafe.Add(ref a0, q);
        ref float a2 = ref Unsafe.Add(ref a1, q);
        ref float a3 = ref Unsafe.Add(ref a2, q);
        float x0r = a0 + a2;
        float x0i = Unsafe.Add(ref a0, 1) + Unsafe.Add(ref a2, 1);
        float x1r = a0 - a2;
        float x1i = Unsafe.Add(ref a0, 1) - Unsafe.Add(ref a2, 1);
        float x2r = a1 + a3;
        float x2i = Unsafe.Add(ref a1, 1) + Unsafe.Add(ref a3, 1);
        float x3r = a1 - a3;
        float x3i = Unsafe.Add(ref a1, 1) - Unsafe.Add(ref a3, 1);
        a0 = x0r + x2r;
        Unsafe.Add(ref a0, 1) = x0i + x2i;
        a1 = x0r - x2r;
        Unsafe.Add(ref a1, 1) = x0i - x2i;
        ur = x1r - x3i;
        ui = x1i + x3r;
        vr = x1r + x3i;
        vi = x1i - x3r;
    }

    /// <summary>First-kind butterfly with twiddles: 2q gets w1·u, 3q gets conj(w3)·v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ButterflyFirstKind(ref float a0, int q, float w1r, float w1i, float w3r, float w3i)
    {
        Radix4Sums(ref a0, q, out float ur, out float ui, out float vr, out float vi);
        ref float a2 = ref Unsafe.Add(ref a0, 2 * q);
        ref float a3 = ref Unsafe.Add(ref a0, 3 * q);
        a2 = (w1r * ur) - (w1i * ui);
        Unsafe.Add(ref a2, 1) = (w1r * ui) + (w1i * ur);
        a3 = (w3r * vr) + (w3i * vi);
        Unsafe.Add(ref a3, 1) = (w3r * vi) - (w3i * vr);
    }

    /// <summary>The inputs of a second-kind butterfly: x0,1 = a0 ± i·a2 and x2,3 = a1 ± i·a3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SecondKindInputs(
        ref float a0, int q, out float x0r, out float x0i, out float x1r, out float x1i, out float x2r, out float x2i, out float x3r, out float x3i)
    {
        ref float a1 = ref Unsafe.Add(ref a0, q);
        ref float a2 = ref Unsafe.Add(ref a1, q);
        ref float a3 = ref Unsafe.Add(ref a2, q);
        x0r = a0 - Unsafe.Add(ref a2, 1);
        x0i = Unsafe.Add(ref a0, 1) + a2;
        x1r = a0 + Unsafe.Add(ref a2, 1);
        x1i = Unsafe.Add(ref a0, 1) - a2;
        x2r = a1 - Unsafe.Add(ref a3, 1);
        x2i = Unsafe.Add(ref a1, 1) + a3;
        x3r = a1 + Unsafe.Add(ref a3, 1);
        x3i = Unsafe.Add(ref a1, 1) - a3;
    }

    /// <summary>General second-kind butterfly: (w0·x0 ± w2·x2) to 0, q and (conj(w1)·x1 ± conj(w3)·x3) to 2q, 3q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ButterflySecondKind(
        ref float a0, int q, float w0r, float w0i, float w2r, float w2i, float w1r, float w1i, float w3r, float w3i)
    {
        SecondKindInputs(ref a0, q, out float x0r, out float x0i, out float x1r, out float x1i, out float x2r, out float x2i, out float x3r, out float x3i);
        float y0r = (w0r * x0r) - (w0i * x0i);
        float y0i = (w0r * x0i) + (w0i * x0r);
        float y2r = (w2r * x2r) - (w2i * x2i);
        float y2i = (w2r * x2i) + (w2i * x2r);
        ref float a1 = ref Unsafe.Add(ref a0, q);
        a0 = y0r + y2r;
        Unsafe.Add(ref a0, 1) = y0i + y2i;
        a1 = y0r - y2r;
        Unsafe.Add(ref a1, 1) = y0i - y2i;
        y0r = (w1r * x1r) + (w1i * x1i);
        y0i = (w1r * x1i) - (w1i * x1r);
        y2r = (w3r * x3r) + (w3i * x3i);
        y2i = (w3r * x3i) - (w3i * x3r);
        ref float a2 = ref Unsafe.Add(ref a1, q);
        a2 = y0r + y2r;
        Unsafe.Add(ref a2, 1) = y0i + y2i;
        ref float a3 = ref Unsafe.Add(ref a2, q);
        a3 = y0r - y2r;
        Unsafe.Add(ref a3, 1) = y0i - y2i;
    }

    /// <summary>
    /// Radix-4 column of a 16-point leaf over the complex points at float offsets 0, 8, 16, 24 from
    /// <paramref name="a"/>: the sum (x0 + x2), the difference (x0 − x2) and u, v = x1 ± i·x3, where x0,1 = a0 ± a16 and
    /// x2,3 = a8 ± a24.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4Column(
        ref float a, out float sr, out float si, out float dr, out float di, out float ur, out float ui, out float vr, out float vi)
    {
        float x0r = a + Unsafe.Add(ref a, 16);
        float x0i = Unsafe.Add(ref a, 1) + Unsafe.Add(ref a, 17);
        float x1r = a - Unsafe.Add(ref a, 16);
        float x1i = Unsafe.Add(ref a, 1) - Unsafe.Add(ref a, 17);
        float x2r = Unsafe.Add(ref a, 8) + Unsafe.Add(ref a, 24);
        float x2i = Unsafe.Add(ref a, 9) + Unsafe.Add(ref a, 25);
        float x3r = Unsafe.Add(ref a, 8) - Unsafe.Add(ref a, 24);
        float x3i = Unsafe.Add(ref a, 9) - Unsafe.Add(ref a, 25);
        sr = x0r + x2r;
        si = x0i + x2i;
        dr = x0r - x2r;
        di = x0i - x2i;
        ur = x1r - x3i;
        ui = x1i + x3r;
        vr = x1r + x3i;
        vi = x1i - x3r;
    }

    /// <summary>Leaf output of two pairs: s0 ± s1 to 0, 2 and t0 ± i·t1 to 4, 6 (float offsets from <paramref name="o"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dft4(ref float o, float s0r, float s0i, float s1r, float s1i, float t0r, float t0i, float t1r, float t1i)
    {
        o = s0r + s1r;
        Unsafe.Add(ref o, 1) = s0i + s1i;
        Unsafe.Add(ref o, 2) = s0r - s1r;
        Unsafe.Add(ref o, 3) = s0i - s1i;
        Unsafe.Add(ref o, 4) = t0r - t1i;
        Unsafe.Add(ref o, 5) = t0i + t1r;
        Unsafe.Add(ref o, 6) = t0r + t1i;
        Unsafe.Add(ref o, 7) = t0i - t1r;
    }
}
