using System.Numerics;

namespace Affect.Audio.Dsp;

/// <summary>
/// Single-precision real FFT that reproduces, bit for bit, the forward real transform openSMILE 3 uses for its spectra:
/// Takuya Ooura's split-radix FFT (<c>rdft(n, 1, …)</c> from fftsg.c, as shipped in openSMILE's dspcore with
/// <c>FLOAT_TYPE_FFT = float</c>).
/// </summary>
/// <remarks>
/// <para>
/// Why a second FFT: the ComParE 2016 low-level descriptors that openSMILE derives from the magnitude spectrum inherit
/// the rounding of its float FFT, and the double-precision <see cref="RealFft"/> differs from it in the last bits. To
/// reach float parity this class evaluates the same float operations, on the same operands, in the same grouping as the
/// C code: twiddle tables are built the way fftsg.c's <c>makewt</c>/<c>makect</c> build them (float angle step, cosine
/// and sine in double, rounded to float), every butterfly computes each output with the same sequence of rounded single
/// operations (IEEE binary32, no fused multiply–add, which RyuJIT never introduces on its own), and the sub-transforms are
/// visited in an order that is equivalent because they touch disjoint data. The code is organised differently from the
/// C (a recursive tree instead of the iterative schedule, shared butterfly helpers instead of hand-unrolled blocks), but
/// each stored value is produced by the same operations.
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

        ComplexTransform(data);
        if (Size > 4)
        {
            RealSplit(data);
        }

        float difference = data[0] - data[1];
        data[0] += data[1];
        data[1] = difference;
    }

    /// <summary>
    /// Converts a packed spectrum from <see cref="Forward"/> to N/2 + 1 bins of X[k] = Σ x[j]·e^(−2πijk/N), the
    /// convention of <see cref="RealFft"/>: <c>real[k] = R[k]</c>, <c>imag[k] = −I[k]</c> (zero at k = 0 and N/2).
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
    private void ComplexTransform(Span<float> a)
    {
        int n = Size;
        if (n > 32)
        {
            // Root split-radix stage, then the four quarter-size sub-trees (kinds 1, 2, 1, 1), then reorder.
            RootStage(a);
            int q = n >> 2;
            SubTransform(a, 0, q, firstKind: true);
            SubTransform(a, q, q, firstKind: false);
            SubTransform(a, 2 * q, q, firstKind: true);
            SubTransform(a, 3 * q, q, firstKind: true);
            BitReverse(a);
        }
        else if (n == 32)
        {
            Leaf16FirstKind(a[..32], twiddles.AsSpan(tableEnd - 8));
            BitReverse(a);
        }
        else if (n == 16)
        {
            Leaf8FirstKind(a[..16], twiddles.AsSpan(0));
            BitReverse(a);
        }
        else if (n == 8)
        {
            // Four points: one radix-4 butterfly whose outputs are already in natural order.
            Cf x0 = Load(a, 0) + Load(a, 4);
            Cf x1 = Load(a, 0) - Load(a, 4);
            Cf x2 = Load(a, 2) + Load(a, 6);
            Cf x3 = Load(a, 2) - Load(a, 6);
            Store(a, 0, x0 + x2);
            Store(a, 2, PlusI(x1, x3));
            Store(a, 4, x0 - x2);
            Store(a, 6, MinusI(x1, x3));
        }
        else
        {
            Cf p0 = Load(a, 0);
            Cf p1 = Load(a, 2);
            Store(a, 0, p0 + p1);
            Store(a, 2, p0 - p1);
        }
    }

    /// <summary>
    /// A split-radix node of <paramref name="length"/> floats at <paramref name="offset"/>: its own radix-4 stage, then
    /// four children a quarter the size. A first-kind node's children are of kinds (1, 2, 1, 1), a second-kind node's
    /// (1, 2, 1, 2); 16- and 32-float nodes are the hand-unrolled leaves. This is the tree that fftsg.c's cftrec4,
    /// cfttree, cftleaf and cftfx41 walk iteratively; since siblings touch disjoint data, the visiting order is free.
    /// </summary>
    private void SubTransform(Span<float> a, int offset, int length, bool firstKind)
    {
        Span<float> node = a.Slice(offset, length);
        if (length == 32)
        {
            if (firstKind)
            {
                Leaf16FirstKind(node, twiddles.AsSpan(tableEnd - 8));
            }
            else
            {
                Leaf16SecondKind(node, twiddles.AsSpan(tableEnd - 32));
            }

            return;
        }

        if (length == 16)
        {
            if (firstKind)
            {
                Leaf8FirstKind(node, twiddles.AsSpan(tableEnd - 8));
            }
            else
            {
                Leaf8SecondKind(node, twiddles.AsSpan(tableEnd - 8));
            }

            return;
        }

        if (firstKind)
        {
            StageFirstKind(node, twiddles.AsSpan(tableEnd - (length >> 1)));
        }
        else
        {
            StageSecondKind(node, twiddles.AsSpan(tableEnd - length));
        }

        int q = length >> 2;
        SubTransform(a, offset, q, firstKind: true);
        SubTransform(a, offset + q, q, firstKind: false);
        SubTransform(a, offset + (2 * q), q, firstKind: true);
        SubTransform(a, offset + (3 * q), q, firstKind);
    }

    /// <summary>
    /// The top radix-4 stage over all N floats (cftf1st): every other twiddle is interpolated from its table neighbours
    /// as csc·(w_previous + w_next), computed here with the same float operations.
    /// </summary>
    private void RootStage(Span<float> a)
    {
        int q = Size >> 2;
        int eighth = Size >> 3;
        ReadOnlySpan<float> w = twiddles;
        float wn4r = w[1];
        float csc1 = w[2];
        float csc3 = w[3];

        Radix4Sums(a, 0, q, out Cf u, out Cf v);
        Store(a, 2 * q, u);
        Store(a, 3 * q, v);

        var d1 = new Cf(1f, 0f);
        var d3 = new Cf(1f, 0f);
        int k = 0;
        for (int j = 2; j < eighth - 2; j += 4)
        {
            k += 4;
            var t1 = new Cf(csc1 * (d1.Re + w[k]), csc1 * (d1.Im + w[k + 1]));
            var t3 = new Cf(csc3 * (d3.Re + w[k + 2]), csc3 * (d3.Im + w[k + 3]));
            d1 = new Cf(w[k], w[k + 1]);
            d3 = new Cf(w[k + 2], w[k + 3]);
            TwiddledFirstKind(a, j, q, t1, t3);
            TwiddledFirstKind(a, j + 2, q, d1, d3);
            TwiddledFirstKind(a, q - j, q, t1.Swap(), t3.Swap());
            TwiddledFirstKind(a, q - j - 2, q, d1.Swap(), d3.Swap());
        }

        var e1 = new Cf(csc1 * (d1.Re + wn4r), csc1 * (d1.Im + wn4r));
        var e3 = new Cf(csc3 * (d3.Re - wn4r), csc3 * (d3.Im - wn4r));
        TwiddledFirstKind(a, eighth - 2, q, e1, e3);
        EighthFirstKind(a, eighth, q, wn4r);
        TwiddledFirstKind(a, eighth + 2, q, e1.Swap(), e3.Swap());
    }

    /// <summary>Radix-4 stage of a first-kind node (cftmdl1); <paramref name="w"/> is the node's table block.</summary>
    private static void StageFirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        int q = a.Length >> 2;
        int eighth = a.Length >> 3;
        Radix4Sums(a, 0, q, out Cf u, out Cf v);
        Store(a, 2 * q, u);
        Store(a, 3 * q, v);
        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            var w1 = new Cf(w[k], w[k + 1]);
            var w3 = new Cf(w[k + 2], w[k + 3]);
            TwiddledFirstKind(a, j, q, w1, w3);
            TwiddledFirstKind(a, q - j, q, w1.Swap(), w3.Swap());
        }

        EighthFirstKind(a, eighth, q, w[1]);
    }

    /// <summary>Radix-4 stage of a second-kind node (cftmdl2); <paramref name="w"/> is the node's table block.</summary>
    private static void StageSecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        int q = a.Length >> 2;
        int eighth = a.Length >> 3;
        float wn4r = w[1];

        SecondKindInputs(a, 0, q, out Cf x0, out Cf x1, out Cf x2, out Cf x3);
        Cf y = Eighth(wn4r, x2);
        Store(a, 0, x0 + y);
        Store(a, q, x0 - y);
        y = Eighth(wn4r, x3);
        Store(a, 2 * q, PlusI(x1, y));
        Store(a, 3 * q, MinusI(x1, y));

        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            int kr = (2 * q) - k;
            var wk1 = new Cf(w[k], w[k + 1]);
            var wk3 = new Cf(w[k + 2], w[k + 3]);
            var wd1 = new Cf(w[kr + 1], w[kr]);
            var wd3 = new Cf(w[kr + 3], w[kr + 2]);
            TwiddledSecondKind(a, j, q, wk1, wd1, wk3, wd3);
            TwiddledSecondKind(a, q - j, q, wd1.Swap(), wk1.Swap(), wd3.Swap(), wk3.Swap());
        }

        var wm = new Cf(w[q], w[q + 1]);
        SecondKindInputs(a, eighth, q, out x0, out x1, out x2, out x3);
        Cf y0 = Rotate(wm, x0);
        Cf y2 = Rotate(wm.Swap(), x2);
        Store(a, eighth, y0 + y2);
        Store(a, eighth + q, y0 - y2);
        y0 = Rotate(wm.Swap(), x1);
        y2 = Rotate(wm, x3);
        Store(a, eighth + (2 * q), y0 - y2);
        Store(a, eighth + (3 * q), y0 + y2);
    }

    /// <summary>16-point first-kind leaf (cftf161): a radix-4 stage with twiddles w^1, w^2 = e^(∓iπ/4), w^3, then four 4-point DFTs.</summary>
    private static void Leaf16FirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        var wk1 = new Cf(w[2], w[3]);

        Radix4Columns(a, 0, out Cf y0, out Cf y4, out Cf y8, out Cf y12);
        Radix4Columns(a, 2, out Cf y1, out Cf y5, out Cf u, out Cf v);
        Cf y9 = Rotate(wk1, u);
        Cf y13 = Rotate(wk1.Swap(), v);
        Radix4Columns(a, 4, out Cf y2, out Cf y6, out u, out v);
        Cf y10 = Eighth(wn4r, u);
        Cf y14 = EighthConj(wn4r, v);
        Radix4Columns(a, 6, out Cf y3, out Cf y7, out u, out v);
        Cf y11 = Rotate(wk1.Swap(), u);
        Cf y15 = Rotate(wk1, v);

        Dft4(a, 24, y12 - y14, y12 + y14, y13 - y15, y13 + y15);
        Dft4(a, 16, y8 + y10, y8 - y10, y9 + y11, y9 - y11);
        Cf x2 = Eighth(wn4r, PlusI(y5, y7));
        Cf x3 = Eighth(wn4r, MinusI(y5, y7));
        Dft4(a, 8, PlusI(y4, y6), MinusI(y4, y6), x2, x3);
        Dft4(a, 0, y0 + y2, y0 - y2, y1 + y3, y1 - y3);
    }

    /// <summary>16-point second-kind leaf (cftf162).</summary>
    private static void Leaf16SecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        var wk1 = new Cf(w[4], w[5]);
        var wk3 = new Cf(w[6], -w[7]);
        var wk2 = new Cf(w[8], w[9]);

        // Column 0: no twiddle on the even part, e^(∓iπ/4) on the odd part.
        Cf x2 = Eighth(wn4r, PlusI(Load(a, 8), Load(a, 24)));
        Cf x1 = PlusI(Load(a, 0), Load(a, 16));
        Cf y0 = x1 + x2;
        Cf y4 = x1 - x2;
        x1 = MinusI(Load(a, 0), Load(a, 16));
        x2 = Eighth(wn4r, MinusI(Load(a, 8), Load(a, 24)));
        Cf y8 = PlusI(x1, x2);
        Cf y12 = MinusI(x1, x2);

        x1 = Rotate(wk1, PlusI(Load(a, 2), Load(a, 18)));
        x2 = Rotate(wk3.Swap(), PlusI(Load(a, 10), Load(a, 26)));
        Cf y1 = x1 + x2;
        Cf y5 = x1 - x2;
        x1 = Rotate(wk3, MinusI(Load(a, 2), Load(a, 18)));
        x2 = RotateConj(wk1, MinusI(Load(a, 10), Load(a, 26)));
        Cf y9 = x1 - x2;
        Cf y13 = x1 + x2;

        x1 = Rotate(wk2, PlusI(Load(a, 4), Load(a, 20)));
        x2 = Rotate(wk2.Swap(), PlusI(Load(a, 12), Load(a, 28)));
        Cf y2 = x1 + x2;
        Cf y6 = x1 - x2;
        x1 = Rotate(wk2.Swap(), MinusI(Load(a, 4), Load(a, 20)));
        x2 = Rotate(wk2, MinusI(Load(a, 12), Load(a, 28)));
        Cf y10 = x1 - x2;
        Cf y14 = x1 + x2;

        x1 = Rotate(wk3, PlusI(Load(a, 6), Load(a, 22)));
        x2 = Rotate(wk1.Swap(), PlusI(Load(a, 14), Load(a, 30)));
        Cf y3 = x1 + x2;
        Cf y7 = x1 - x2;
        x1 = RotateConj(wk1.Swap(), MinusI(Load(a, 6), Load(a, 22)));
        x2 = Rotate(wk3.Swap(), MinusI(Load(a, 14), Load(a, 30)));
        Cf y11 = x1 + x2;
        Cf y15 = x1 - x2;

        SumDiffThenTurn(a, 0, y0 + y2, y1 + y3, y0 - y2, y1 - y3);
        SumDiffThenTurn(
            a, 8, PlusI(y4, y6), Eighth(wn4r, PlusI(y5, y7)), MinusI(y4, y6), Eighth(wn4r, MinusI(y5, y7)));
        SumDiffThenTurn(a, 16, y8 + y10, y9 - y11, y8 - y10, y9 + y11);
        SumDiffThenTurn(
            a, 24, PlusI(y12, y14), Eighth(wn4r, MinusI(y13, y15)), MinusI(y12, y14), Eighth(wn4r, PlusI(y13, y15)));
    }

    /// <summary>8-point first-kind leaf (cftf081).</summary>
    private static void Leaf8FirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        Cf x0 = Load(a, 0) + Load(a, 8);
        Cf x1 = Load(a, 0) - Load(a, 8);
        Cf x2 = Load(a, 4) + Load(a, 12);
        Cf x3 = Load(a, 4) - Load(a, 12);
        Cf y0 = x0 + x2;
        Cf y2 = x0 - x2;
        Cf y1 = PlusI(x1, x3);
        Cf y3 = MinusI(x1, x3);

        x0 = Load(a, 2) + Load(a, 10);
        x1 = Load(a, 2) - Load(a, 10);
        x2 = Load(a, 6) + Load(a, 14);
        x3 = Load(a, 6) - Load(a, 14);
        Cf y4 = x0 + x2;
        Cf y6 = x0 - x2;
        Cf y5 = Eighth(wn4r, PlusI(x1, x3));
        Cf y7 = Eighth(wn4r, MinusI(x1, x3));

        SumDiffThenTurn(a, 8, y1, y5, y3, y7);
        SumDiffThenTurn(a, 0, y0, y4, y2, y6);
    }

    /// <summary>8-point second-kind leaf (cftf082).</summary>
    private static void Leaf8SecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        var wk1 = new Cf(w[2], w[3]);
        Cf y0 = PlusI(Load(a, 0), Load(a, 8));
        Cf y1 = MinusI(Load(a, 0), Load(a, 8));
        Cf y2 = Eighth(wn4r, PlusI(Load(a, 4), Load(a, 12)));
        Cf y3 = Eighth(wn4r, MinusI(Load(a, 4), Load(a, 12)));
        Cf y4 = Rotate(wk1, PlusI(Load(a, 2), Load(a, 10)));
        Cf y5 = Rotate(wk1.Swap(), MinusI(Load(a, 2), Load(a, 10)));
        Cf y6 = Rotate(wk1.Swap(), PlusI(Load(a, 6), Load(a, 14)));
        Cf y7 = Rotate(wk1, MinusI(Load(a, 6), Load(a, 14)));

        SumDiffThenTurn(a, 0, y0 + y2, y4 + y6, y0 - y2, y4 - y6);
        SumDiffThenTurn(a, 8, PlusI(y1, y3), y5 - y7, MinusI(y1, y3), y5 + y7);
    }

    /// <summary>Real split step (rftfsub): turns the N/2-point complex FFT of the even/odd pairs into the real spectrum.</summary>
    private void RealSplit(Span<float> a)
    {
        int n = Size;
        int half = n >> 1;
        for (int j = 2; j < half; j += 2)
        {
            int k = n - j;
            float wkr = splitRe[j >> 1];
            float wki = splitIm[j >> 1];
            float xr = a[j] - a[k];
            float xi = a[j + 1] + a[k + 1];
            float yr = (wkr * xr) - (wki * xi);
            float yi = (wkr * xi) + (wki * xr);
            a[j] -= yr;
            a[j + 1] -= yi;
            a[k] += yr;
            a[k + 1] -= yi;
        }
    }

    private void BitReverse(Span<float> a)
    {
        int[] pairs = swapPairs;
        for (int p = 0; p < pairs.Length; p += 2)
        {
            int i = pairs[p];
            int r = pairs[p + 1];
            (a[i], a[r]) = (a[r], a[i]);
            (a[i + 1], a[r + 1]) = (a[r + 1], a[i + 1]);
        }
    }

    // ---------------------------------------------------------------- butterflies

    /// <summary>
    /// The sums and differences shared by every first-kind radix-4 butterfly over the points at float offsets
    /// p, p+q, p+2q, p+3q: stores (a0 + a2) ± (a1 + a3) at p and p+q and returns u = (a0 − a2) + i(a1 − a3) and
    /// v = (a0 − a2) − i(a1 − a3), still to be twiddled into p+2q and p+3q.
    /// </summary>
    private static void Radix4Sums(Span<float> a, int p, int q, out Cf u, out Cf v)
    {
        Cf e0 = Load(a, p);
        Cf e1 = Load(a, p + q);
        Cf e2 = Load(a, p + (2 * q));
        Cf e3 = Load(a, p + (3 * q));
        Cf x0 = e0 + e2;
        Cf x1 = e0 - e2;
        Cf x2 = e1 + e3;
        Cf x3 = e1 - e3;
        Store(a, p, x0 + x2);
        Store(a, p + q, x0 - x2);
        u = PlusI(x1, x3);
        v = MinusI(x1, x3);
    }

    /// <summary>First-kind butterfly with twiddles: p+2q gets w1·u, p+3q gets conj(w3)·v.</summary>
    private static void TwiddledFirstKind(Span<float> a, int p, int q, Cf w1, Cf w3)
    {
        Radix4Sums(a, p, q, out Cf u, out Cf v);
        Store(a, p + (2 * q), Rotate(w1, u));
        Store(a, p + (3 * q), RotateConj(w3, v));
    }

    /// <summary>First-kind butterfly at the eighth point, where both twiddles are multiples of (1 ± i)/√2.</summary>
    private static void EighthFirstKind(Span<float> a, int p, int q, float wn4r)
    {
        Radix4Sums(a, p, q, out Cf u, out Cf v);
        Store(a, p + (2 * q), Eighth(wn4r, u));
        Store(a, p + (3 * q), EighthConj(-wn4r, v));
    }

    /// <summary>The inputs of a second-kind butterfly: x0,1 = a0 ± i·a2 and x2,3 = a1 ± i·a3.</summary>
    private static void SecondKindInputs(Span<float> a, int p, int q, out Cf x0, out Cf x1, out Cf x2, out Cf x3)
    {
        Cf e0 = Load(a, p);
        Cf e1 = Load(a, p + q);
        Cf e2 = Load(a, p + (2 * q));
        Cf e3 = Load(a, p + (3 * q));
        x0 = PlusI(e0, e2);
        x1 = MinusI(e0, e2);
        x2 = PlusI(e1, e3);
        x3 = MinusI(e1, e3);
    }

    /// <summary>General second-kind butterfly: (w0·x0 ± w2·x2) to p, p+q and (conj(w1)·x1 ± conj(w3)·x3) to p+2q, p+3q.</summary>
    private static void TwiddledSecondKind(Span<float> a, int p, int q, Cf w0, Cf w2, Cf w1, Cf w3)
    {
        SecondKindInputs(a, p, q, out Cf x0, out Cf x1, out Cf x2, out Cf x3);
        Cf y0 = Rotate(w0, x0);
        Cf y2 = Rotate(w2, x2);
        Store(a, p, y0 + y2);
        Store(a, p + q, y0 - y2);
        y0 = RotateConj(w1, x1);
        y2 = RotateConj(w3, x3);
        Store(a, p + (2 * q), y0 + y2);
        Store(a, p + (3 * q), y0 - y2);
    }

    /// <summary>Radix-4 column of a 16-point leaf over the complex points c/2 + {0, 4, 8, 12} (float offsets c … c+24).</summary>
    private static void Radix4Columns(Span<float> a, int c, out Cf sum, out Cf diff, out Cf u, out Cf v)
    {
        Cf x0 = Load(a, c) + Load(a, c + 16);
        Cf x1 = Load(a, c) - Load(a, c + 16);
        Cf x2 = Load(a, c + 8) + Load(a, c + 24);
        Cf x3 = Load(a, c + 8) - Load(a, c + 24);
        sum = x0 + x2;
        diff = x0 - x2;
        u = PlusI(x1, x3);
        v = MinusI(x1, x3);
    }

    /// <summary>4-point DFT output of a leaf: x0 ± x2 to o, o+2 and x1 ± i·x3 to o+4, o+6.</summary>
    private static void Dft4(Span<float> a, int o, Cf x0, Cf x1, Cf x2, Cf x3)
    {
        Store(a, o, x0 + x2);
        Store(a, o + 2, x0 - x2);
        Store(a, o + 4, PlusI(x1, x3));
        Store(a, o + 6, MinusI(x1, x3));
    }

    /// <summary>Leaf output of two pairs: s0 ± s1 to o, o+2 and t0 ± i·t1 to o+4, o+6.</summary>
    private static void SumDiffThenTurn(Span<float> a, int o, Cf s0, Cf s1, Cf t0, Cf t1)
    {
        Store(a, o, s0 + s1);
        Store(a, o + 2, s0 - s1);
        Store(a, o + 4, PlusI(t0, t1));
        Store(a, o + 6, MinusI(t0, t1));
    }

    // ---------------------------------------------------------------- complex helpers (one rounded float op per part)

    private static Cf Load(ReadOnlySpan<float> a, int i) => new(a[i], a[i + 1]);

    private static void Store(Span<float> a, int i, Cf value)
    {
        a[i] = value.Re;
        a[i + 1] = value.Im;
    }

    /// <summary>x + i·y.</summary>
    private static Cf PlusI(Cf x, Cf y) => new(x.Re - y.Im, x.Im + y.Re);

    /// <summary>x − i·y.</summary>
    private static Cf MinusI(Cf x, Cf y) => new(x.Re + y.Im, x.Im - y.Re);

    /// <summary>w·x, as (wr·xr − wi·xi, wr·xi + wi·xr).</summary>
    private static Cf Rotate(Cf w, Cf x) => new((w.Re * x.Re) - (w.Im * x.Im), (w.Re * x.Im) + (w.Im * x.Re));

    /// <summary>conj(w)·x, as (wr·xr + wi·xi, wr·xi − wi·xr).</summary>
    private static Cf RotateConj(Cf w, Cf x) => new((w.Re * x.Re) + (w.Im * x.Im), (w.Re * x.Im) - (w.Im * x.Re));

    /// <summary>s·(1 + i)·x, as (s·(xr − xi), s·(xi + xr)); with s = cos π/4 a rotation by π/4.</summary>
    private static Cf Eighth(float s, Cf x) => new(s * (x.Re - x.Im), s * (x.Im + x.Re));

    /// <summary>s·(1 − i)·x, as (s·(xr + xi), s·(xi − xr)).</summary>
    private static Cf EighthConj(float s, Cf x) => new(s * (x.Re + x.Im), s * (x.Im - x.Re));

    /// <summary>A single-precision complex value; its operators add or subtract part by part.</summary>
    private readonly record struct Cf(float Re, float Im)
    {
        public static Cf operator +(Cf x, Cf y) => new(x.Re + y.Re, x.Im + y.Im);

        public static Cf operator -(Cf x, Cf y) => new(x.Re - y.Re, x.Im - y.Im);

        /// <summary>The twiddle of the mirrored butterfly: real and imaginary parts exchanged.</summary>
        public Cf Swap() => new(Im, Re);
    }
}
