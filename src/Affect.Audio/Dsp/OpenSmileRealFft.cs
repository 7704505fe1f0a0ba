using System.Numerics;

namespace Affect.Audio.Dsp;

/// <summary>
/// Single-precision real FFT that reproduces, bit for bit, the forward real transform of openSMILE's reference build:
/// Takuya Ooura's split-radix FFT (<c>rdft(n, 1, …)</c> from fftsg.c, as shipped in openSMILE's dspcore with
/// <c>FLOAT_TYPE_FFT = float</c>), compiled the way openSMILE's CMake Release build compiles it on x86-64 with
/// <c>MARCH_NATIVE=OFF</c>: gcc 12 with <c>-O3 -ffast-math -ftree-vectorize</c>, SSE2 only, no fused multiply–add.
/// </summary>
/// <remarks>
/// <para>
/// Why a second FFT: the ComParE 2016 low-level descriptors that openSMILE derives from the magnitude spectrum inherit
/// the rounding of its float FFT, and the double-precision <see cref="RealFft"/> differs from it in the last bits. To
/// reach float parity this class evaluates the same IEEE binary32 operations, on the same operands, in the same grouping
/// as the machine code of the reference build (RyuJIT neither reassociates float arithmetic nor contracts it into fused
/// multiply–adds, so the grouping written here is the grouping executed).
/// </para>
/// <para>
/// Under <c>-ffast-math</c> gcc regroups many three-term sums of the C source: for instance a butterfly input written as
/// <c>x1r − (a[j1+1] − a[j3+1])</c> is evaluated as <c>(x1r + a[j3+1]) − a[j1+1])</c> in some stages and as
/// <c>(x1r − a[j1+1]) + a[j3+1]</c> in others, and its vectorised loops even use different groupings for the real and
/// the imaginary lane of the same output. Every such choice was read off gcc's optimised intermediate code
/// (<c>-fdump-tree-optimized</c>) for each routine on the forward path and is reproduced here; the choices are named by
/// <see cref="Grouping"/>. The twiddle tables follow the same build: fast-math narrows <c>cos</c>/<c>sin</c> of a float
/// argument to glibc's <c>cosf</c>/<c>sincosf</c> (here <see cref="MathF.Cos"/>/<see cref="MathF.Sin"/>, which call
/// the same glibc routines on Linux) and rewrites <c>3·δ·j</c> as <c>(δ·j)·3</c>, while the terms that fftsg.c computes
/// in double (<c>0.5 / cos(·)</c> and the real-split table) stay in double.
/// </para>
/// <para>
/// The code is organised differently from the C (a recursive tree instead of the iterative schedule, shared butterfly
/// helpers where gcc's grouping is the same), but each stored value is produced by the same operations. The recursion
/// dispatches on the sub-transform length exactly as fftsg.c's routines are specialised: first-kind stages of 64 and 128
/// floats use the grouping of gcc's vectorised clone of <c>cftmdl1</c>, longer ones that of the generic routine.
/// </para>
/// <para>
/// Output layout (Ooura's packed layout, in place), for N = <see cref="Size"/> and input samples x[j]:
/// <c>a[0] = R[0]</c>, <c>a[1] = R[N/2]</c>, and for 0 &lt; k &lt; N/2: <c>a[2k] = R[k]</c>, <c>a[2k+1] = I[k]</c>, where
/// R[k] = Σ x[j]·cos(2πjk/N) and I[k] = Σ x[j]·sin(2πjk/N). Note the sign: I[k] is the <em>negated</em> imaginary part of
/// the usual X[k] = Σ x[j]·e^(−2πijk/N); <see cref="Unpack"/> converts to that convention (negation is exact).
/// Unnormalised, like openSMILE's cTransformFFT.
/// </para>
/// <para>
/// Identity holds for finite inputs with the default SSE rounding mode. A binary linked with <c>-ffast-math</c> also
/// flushes subnormal results to zero (crtfastmath), which .NET does not; spectra of audio frames do not reach the
/// subnormal range, so this matters only for inputs below about 1e-38.
/// </para>
/// <para>Instances hold only immutable tables and may be shared between threads; the data is a caller span.</para>
/// </remarks>
public sealed class OpenSmileRealFft
{
    // (float)atan(1.0), the constant fftsg.c derives its angle steps from.
    private const float QuarterPi = 0.785398185f;

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

    /// <summary>
    /// How gcc's fast-math code groups a three-term sum x + p − q inside a radix-4 butterfly (the C source writes it as
    /// x − (q − p) or x + (p − q)); the groupings round differently, so each call site names the one gcc chose.
    /// </summary>
    private enum Grouping
    {
        /// <summary>(x + p) − q.</summary>
        AddFirst,

        /// <summary>(x − q) + p.</summary>
        SubtractFirst,

        /// <summary>
        /// gcc's SLP-vectorised loops: the real part of each twiddled output uses <see cref="AddFirst"/> for both of its
        /// inputs, the imaginary part <see cref="SubtractFirst"/>.
        /// </summary>
        Split,
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

    /// <summary>
    /// The complex-FFT twiddle table, built as the reference build's makewt: float δ = (π/4)/(N/8), <c>cosf</c>/<c>sinf</c>
    /// of float angles, the top stage's two scale factors 0.5/cos in double.
    /// </summary>
    private static float[] BuildTwiddles(int count)
    {
        var w = new float[Math.Max(count, 2)];
        if (count <= 2)
        {
            return w;
        }

        int blockHalf = count >> 1;
        float delta = QuarterPi / blockHalf;
        float eighth = MathF.Cos(delta * blockHalf);
        w[0] = 1f;
        w[1] = eighth;
        if (blockHalf == 4)
        {
            w[2] = MathF.Cos(delta * 2);
            w[3] = MathF.Sin(delta * 2);
        }
        else if (blockHalf > 4)
        {
            // The top stage interpolates its odd twiddles; these are its two scale factors.
            w[2] = (float)(0.5 / Math.Cos(delta * 2));
            w[3] = (float)(0.5 / Math.Cos(delta * 6));
            for (int j = 4; j < blockHalf; j += 4)
            {
                float angle = delta * j;
                float triple = angle * 3f;
                w[j] = MathF.Cos(angle);
                w[j + 1] = MathF.Sin(angle);
                w[j + 2] = MathF.Cos(triple);
                w[j + 3] = -MathF.Sin(triple);
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
    /// The real-split cosine table, built as the reference build's makect: <c>cosf</c> for the middle entry, halves of
    /// double cos/sin of float multiples of δ for the others.
    /// </summary>
    private static float[] BuildSplitTable(int count)
    {
        var c = new float[Math.Max(count, 1)];
        if (count <= 1)
        {
            return c;
        }

        int half = count >> 1;
        float delta = QuarterPi / half;
        c[0] = MathF.Cos(delta * half);
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
            FourPoint(a);
        }
        else
        {
            float r0 = a[0];
            float i0 = a[1];
            float r1 = a[2];
            float i1 = a[3];
            a[0] = r0 + r1;
            a[1] = i0 + i1;
            a[2] = r0 - r1;
            a[3] = i0 - i1;
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

        if (!firstKind)
        {
            StageSecondKind(node, twiddles.AsSpan(tableEnd - length));
        }
        else if (length <= 128)
        {
            StageFirstKindVectorised(node, twiddles.AsSpan(tableEnd - (length >> 1)));
        }
        else
        {
            StageFirstKind(node, twiddles.AsSpan(tableEnd - (length >> 1)));
        }

        int q = length >> 2;
        SubTransform(a, offset, q, firstKind: true);
        SubTransform(a, offset + q, q, firstKind: false);
        SubTransform(a, offset + (2 * q), q, firstKind: true);
        SubTransform(a, offset + (3 * q), q, firstKind);
    }

    /// <summary>
    /// The top radix-4 stage over all N floats (cftf1st): the twiddles of every other butterfly are interpolated from
    /// their table neighbours as csc·(w_previous + w_next).
    /// </summary>
    private void RootStage(Span<float> a)
    {
        int q = Size >> 2;
        int eighth = Size >> 3;
        ReadOnlySpan<float> w = twiddles;
        float wn4r = w[1];
        float csc1 = w[2];
        float csc3 = w[3];

        Untwiddled(a, 0, q, Grouping.AddFirst);

        float d1r = 1f;
        float d1i = 0f;
        float d3r = 1f;
        float d3i = 0f;
        for (int j = 2, k = 4; j < eighth - 2; j += 4, k += 4)
        {
            float t1r = csc1 * (d1r + w[k]);
            float t1i = csc1 * (d1i + w[k + 1]);
            float t3r = csc3 * (d3r + w[k + 2]);
            float t3i = csc3 * (d3i + w[k + 3]);
            d1r = w[k];
            d1i = w[k + 1];
            d3r = w[k + 2];
            d3i = w[k + 3];
            Twiddled(a, j, q, t1r, t1i, t3r, t3i, Grouping.AddFirst);
            Twiddled(a, j + 2, q, d1r, d1i, d3r, d3i, Grouping.SubtractFirst);
            Twiddled(a, q - j, q, t1i, t1r, t3i, t3r, Grouping.AddFirst);
            Twiddled(a, q - j - 2, q, d1i, d1r, d3i, d3r, Grouping.SubtractFirst);
        }

        float e1r = csc1 * (d1r + wn4r);
        float e1i = csc1 * (d1i + wn4r);
        float e3r = csc3 * (d3r - wn4r);
        float e3i = csc3 * (d3i - wn4r);
        Twiddled(a, eighth - 2, q, e1r, e1i, e3r, e3i, Grouping.AddFirst);

        // The butterfly at the eighth point: its four inputs are grouped in three different ways.
        int p1 = eighth + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        float r1 = a[p1];
        float i1 = a[p1 + 1];
        float r3 = a[p3];
        float i3 = a[p3 + 1];
        Sums(a, eighth, q, out float x1r, out float x1i);
        float u = (x1r - i1) + i3;
        float v = (x1i - r3) + r1;
        float u3 = (x1r + i1) - i3;
        float v3 = (r3 - r1) + x1i;
        a[p2] = (u - v) * wn4r;
        a[p2 + 1] = (u + v) * wn4r;
        a[p3] = -((u3 + v3) * wn4r);
        a[p3 + 1] = (u3 - v3) * wn4r;

        Twiddled(a, eighth + 2, q, e1i, e1r, e3i, e3r, Grouping.AddFirst);
    }

    /// <summary>Radix-4 stage of a first-kind node of 256 floats or more (fftsg.c's generic cftmdl1).</summary>
    private static void StageFirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        int q = a.Length >> 2;
        int eighth = a.Length >> 3;
        Untwiddled(a, 0, q, Grouping.AddFirst);
        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            Twiddled(a, j, q, w[k], w[k + 1], w[k + 2], w[k + 3], Grouping.SubtractFirst);
            Twiddled(a, q - j, q, w[k + 1], w[k], w[k + 3], w[k + 2], Grouping.SubtractFirst);
        }

        Eighth(a, eighth, q, w[1], Grouping.AddFirst);
    }

    /// <summary>
    /// Radix-4 stage of a first-kind node of 64 or 128 floats (gcc's constant-propagated, SLP-vectorised clones of
    /// cftmdl1): the butterflies are vectorised two at a time, the odd one left over is scalar code.
    /// </summary>
    private static void StageFirstKindVectorised(Span<float> a, ReadOnlySpan<float> w)
    {
        int q = a.Length >> 2;
        int eighth = a.Length >> 3;
        Untwiddled(a, 0, q, Grouping.SubtractFirst);
        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            Grouping grouping = j < eighth - 2 ? Grouping.Split : Grouping.SubtractFirst;
            Twiddled(a, j, q, w[k], w[k + 1], w[k + 2], w[k + 3], grouping);
            Twiddled(a, q - j, q, w[k + 1], w[k], w[k + 3], w[k + 2], grouping);
        }

        Eighth(a, eighth, q, w[1], Grouping.SubtractFirst);
    }

    /// <summary>Radix-4 stage of a second-kind node (cftmdl2); <paramref name="w"/> is the node's table block.</summary>
    private static void StageSecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        int q = a.Length >> 2;
        int eighth = a.Length >> 3;
        float wn4r = w[1];

        // First butterfly: only e^(∓iπ/4) twiddles; gcc keeps the source grouping here.
        SecondKindInputs(a, 0, q, out float x0r, out float x0i, out float x1r, out float x1i,
            out float x2r, out float x2i, out float x3r, out float x3i);
        float y0r = wn4r * (x2r - x2i);
        float y0i = wn4r * (x2i + x2r);
        a[0] = x0r + y0r;
        a[1] = x0i + y0i;
        a[q] = x0r - y0r;
        a[q + 1] = x0i - y0i;
        y0r = wn4r * (x3r - x3i);
        y0i = wn4r * (x3i + x3r);
        a[2 * q] = x1r - y0i;
        a[(2 * q) + 1] = x1i + y0r;
        a[3 * q] = x1r + y0i;
        a[(3 * q) + 1] = x1i - y0r;

        for (int j = 2, k = 4; j < eighth; j += 2, k += 4)
        {
            int kr = (2 * q) - k;
            SecondKindTwiddled(a, j, q, w[k], w[k + 1], w[kr + 1], w[kr], w[k + 2], w[k + 3], w[kr + 3], w[kr + 2]);
            SecondKindTwiddled(
                a, q - j, q, w[kr], w[kr + 1], w[k + 1], w[k], w[kr + 2], w[kr + 3], w[k + 3], w[k + 2]);
        }

        // Middle butterfly: twiddles e^(−iπ/8)-ish pair (wr, wi) and its mirror, with gcc's own grouping.
        float wr = w[q];
        float wi = w[q + 1];
        SecondKindInputs(a, eighth, q, out x0r, out x0i, out x1r, out x1i, out x2r, out x2i, out x3r, out x3i);
        y0r = (wr * x0r) - (wi * x0i);
        y0i = (wr * x0i) + (wi * x0r);
        float c1 = wi * x2r;
        float c2 = wr * x2i;
        float y2i = (wi * x2i) + (wr * x2r);
        a[eighth] = (y0r + c1) - c2;
        a[eighth + 1] = y0i + y2i;
        a[eighth + q] = (y0r + c2) - c1;
        a[eighth + q + 1] = y0i - y2i;
        y0r = (wi * x1r) - (wr * x1i);
        y0i = (wi * x1i) + (wr * x1r);
        c1 = wr * x3r;
        c2 = wi * x3i;
        y2i = (wr * x3i) + (wi * x3r);
        a[eighth + (2 * q)] = (y0r + c2) - c1;
        a[eighth + (2 * q) + 1] = y0i - y2i;
        a[eighth + (3 * q)] = (y0r + c1) - c2;
        a[eighth + (3 * q) + 1] = y0i + y2i;
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
            float re = a[j];
            float im = a[j + 1];
            float mirrorRe = a[k];
            float mirrorIm = a[k + 1];
            float xr = re - mirrorRe;
            float xi = im + mirrorIm;
            float p = wkr * xr;
            float r = wki * xi;
            float yi = (wkr * xi) + (wki * xr);
            a[j] = (re + r) - p;
            a[j + 1] = im - yi;
            a[k] = (p + mirrorRe) - r;
            a[k + 1] = mirrorIm - yi;
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

    // ---------------------------------------------------------------- radix-4 butterflies

    /// <summary>
    /// The part shared by every first-kind butterfly over the points at float offsets p, p+q, p+2q, p+3q: stores
    /// (a0 + a2) ± (a1 + a3) at p and p+q and returns x1 = a0 − a2.
    /// </summary>
    private static void Sums(Span<float> a, int p, int q, out float x1r, out float x1i)
    {
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        float r0 = a[p];
        float i0 = a[p + 1];
        float r2 = a[p2];
        float i2 = a[p2 + 1];
        float x0r = r0 + r2;
        float x0i = i0 + i2;
        float x2r = a[p1] + a[p3];
        float x2i = a[p1 + 1] + a[p3 + 1];
        x1r = r0 - r2;
        x1i = i0 - i2;
        a[p] = x0r + x2r;
        a[p + 1] = x0i + x2i;
        a[p1] = x0r - x2r;
        a[p1 + 1] = x0i - x2i;
    }

    /// <summary>x + p − q in the given grouping.</summary>
    private static float Combine(float x, float plus, float minus, Grouping grouping) =>
        grouping == Grouping.AddFirst ? (x + plus) - minus : (x - minus) + plus;

    /// <summary>First-kind butterfly without twiddles: p+2q gets x1 + i·x3, p+3q gets x1 − i·x3 (x3 = a1 − a3).</summary>
    private static void Untwiddled(Span<float> a, int p, int q, Grouping grouping)
    {
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        float r1 = a[p1];
        float i1 = a[p1 + 1];
        float r3 = a[p3];
        float i3 = a[p3 + 1];
        Sums(a, p, q, out float x1r, out float x1i);
        a[p2] = Combine(x1r, i3, i1, grouping);
        a[p2 + 1] = Combine(x1i, r1, r3, grouping);
        a[p3] = Combine(x1r, i1, i3, grouping);
        a[p3 + 1] = Combine(x1i, r3, r1, grouping);
    }

    /// <summary>
    /// First-kind butterfly with twiddles: p+2q gets w1·(x1 + i·x3), p+3q gets conj(w3)·(x1 − i·x3).
    /// </summary>
    private static void Twiddled(
        Span<float> a, int p, int q, float w1r, float w1i, float w3r, float w3i, Grouping grouping)
    {
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        float r1 = a[p1];
        float i1 = a[p1 + 1];
        float r3 = a[p3];
        float i3 = a[p3 + 1];
        Sums(a, p, q, out float x1r, out float x1i);
        Grouping real = grouping == Grouping.Split ? Grouping.AddFirst : grouping;
        Grouping imag = grouping == Grouping.Split ? Grouping.SubtractFirst : grouping;

        float u = Combine(x1r, i3, i1, real);
        float v = Combine(x1i, r1, r3, real);
        a[p2] = (w1r * u) - (w1i * v);
        u = Combine(x1r, i3, i1, imag);
        v = Combine(x1i, r1, r3, imag);
        a[p2 + 1] = (w1r * v) + (w1i * u);

        u = Combine(x1r, i1, i3, real);
        v = Combine(x1i, r3, r1, real);
        a[p3] = (w3r * u) + (w3i * v);
        u = Combine(x1r, i1, i3, imag);
        v = Combine(x1i, r3, r1, imag);
        a[p3 + 1] = (w3r * v) - (w3i * u);
    }

    /// <summary>First-kind butterfly at the eighth point, where the twiddles are e^(∓iπ/4).</summary>
    private static void Eighth(Span<float> a, int p, int q, float wn4r, Grouping grouping)
    {
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        float r1 = a[p1];
        float i1 = a[p1 + 1];
        float r3 = a[p3];
        float i3 = a[p3 + 1];
        Sums(a, p, q, out float x1r, out float x1i);
        float u = Combine(x1r, i3, i1, grouping);
        float v = Combine(x1i, r1, r3, grouping);
        a[p2] = wn4r * (u - v);
        a[p2 + 1] = wn4r * (u + v);
        u = Combine(x1r, i1, i3, grouping);
        v = Combine(x1i, r3, r1, grouping);
        a[p3] = -(wn4r * (u + v));
        a[p3 + 1] = wn4r * (u - v);
    }

    /// <summary>The inputs of a second-kind butterfly: x0,1 = a0 ∓ i·a2 and x2,3 = a1 ∓ i·a3, as fftsg.c forms them.</summary>
    private static void SecondKindInputs(
        Span<float> a,
        int p,
        int q,
        out float x0r,
        out float x0i,
        out float x1r,
        out float x1i,
        out float x2r,
        out float x2i,
        out float x3r,
        out float x3i)
    {
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;
        x0r = a[p] - a[p2 + 1];
        x0i = a[p + 1] + a[p2];
        x1r = a[p] + a[p2 + 1];
        x1i = a[p + 1] - a[p2];
        x2r = a[p1] - a[p3 + 1];
        x2i = a[p1 + 1] + a[p3];
        x3r = a[p1] + a[p3 + 1];
        x3i = a[p1 + 1] - a[p3];
    }

    /// <summary>
    /// General second-kind butterfly: w0·x0 ± w2·x2 to p, p+q and conj(w1)·x1 ± conj(w3)·x3 to p+2q, p+3q, with gcc's
    /// grouping of the sums whose second product is itself a difference.
    /// </summary>
    private static void SecondKindTwiddled(
        Span<float> a,
        int p,
        int q,
        float w0r,
        float w0i,
        float w2r,
        float w2i,
        float w1r,
        float w1i,
        float w3r,
        float w3i)
    {
        SecondKindInputs(a, p, q, out float x0r, out float x0i, out float x1r, out float x1i,
            out float x2r, out float x2i, out float x3r, out float x3i);
        int p1 = p + q;
        int p2 = p1 + q;
        int p3 = p2 + q;

        float y0r = (w0r * x0r) - (w0i * x0i);
        float y0i = (w0r * x0i) + (w0i * x0r);
        float c1 = w2r * x2r;
        float c2 = w2i * x2i;
        float y2i = (w2r * x2i) + (w2i * x2r);
        a[p] = (y0r - c2) + c1;
        a[p + 1] = y0i + y2i;
        a[p1] = (y0r - c1) + c2;
        a[p1 + 1] = y0i - y2i;

        y0r = (w1r * x1r) + (w1i * x1i);
        y0i = (w1r * x1i) - (w1i * x1r);
        float y2r = (w3r * x3r) + (w3i * x3i);
        c1 = w3r * x3i;
        c2 = w3i * x3r;
        a[p2] = y0r + y2r;
        a[p2 + 1] = (y0i - c2) + c1;
        a[p3] = y0r - y2r;
        a[p3 + 1] = (y0i - c1) + c2;
    }

    // ---------------------------------------------------------------- leaves (straight-line code, gcc's grouping)

    /// <summary>16-point first-kind leaf (cftf161); <paramref name="w"/> is the table block at N/4 − 8.</summary>
    private static void Leaf16FirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        float wk1r = w[2];
        float wk1i = w[3];
        float a0 = a[0];
        float a1 = a[1];
        float a2 = a[2];
        float a3 = a[3];
        float a4 = a[4];
        float a5 = a[5];
        float a6 = a[6];
        float a7 = a[7];
        float a8 = a[8];
        float a9 = a[9];
        float a10 = a[10];
        float a11 = a[11];
        float a12 = a[12];
        float a13 = a[13];
        float a14 = a[14];
        float a15 = a[15];
        float a16 = a[16];
        float a17 = a[17];
        float a18 = a[18];
        float a19 = a[19];
        float a20 = a[20];
        float a21 = a[21];
        float a22 = a[22];
        float a23 = a[23];
        float a24 = a[24];
        float a25 = a[25];
        float a26 = a[26];
        float a27 = a[27];
        float a28 = a[28];
        float a29 = a[29];
        float a30 = a[30];
        float a31 = a[31];
        float x0r = a0 + a16;
        float x0i = a1 + a17;
        float x1r = a0 - a16;
        float x1i = a1 - a17;
        float x2r = a8 + a24;
        float x2i = a9 + a25;
        float y0r = x0r + x2r;
        float y0i = x0i + x2i;
        float y4r = x0r - x2r;
        float y4i = x0i - x2i;
        float y8r = a25 + (x1r - a9);
        float y8i = a8 + (x1i - a24);
        float y12r = a9 + (x1r - a25);
        float y12i = a24 + (x1i - a8);
        float x0r2 = a2 + a18;
        float x0i2 = a3 + a19;
        float x1r2 = a2 - a18;
        float x1i2 = a3 - a19;
        float x2r2 = a10 + a26;
        float x2i2 = a11 + a27;
        float y1r = x0r2 + x2r2;
        float y1i = x0i2 + x2i2;
        float y5r = x0r2 - x2r2;
        float y5i = x0i2 - x2i2;
        float x0r3 = a27 + (x1r2 - a11);
        float x0i3 = a10 + (x1i2 - a26);
        float y9r = (wk1r * x0r3) - (wk1i * x0i3);
        float y9i = (wk1r * x0i3) + (wk1i * x0r3);
        float x0r4 = a11 + (x1r2 - a27);
        float x0i4 = a26 + (x1i2 - a10);
        float y13r = (wk1i * x0r4) - (wk1r * x0i4);
        float y13i = (wk1i * x0i4) + (wk1r * x0r4);
        float x0r5 = a4 + a20;
        float x0i5 = a5 + a21;
        float x1r3 = a4 - a20;
        float x1i3 = a5 - a21;
        float x2r3 = a12 + a28;
        float x2i3 = a13 + a29;
        float y2r = x0r5 + x2r3;
        float y2i = x0i5 + x2i3;
        float x0r6 = a29 + (x1r3 - a13);
        float x0i6 = a12 + (x1i3 - a28);
        float y10r = (x0r6 - x0i6) * wn4r;
        float y10i = (x0r6 + x0i6) * wn4r;
        float x0r7 = a13 + (x1r3 - a29);
        float x0i7 = a28 + (x1i3 - a12);
        float y14r = (x0r7 + x0i7) * wn4r;
        float y14i = (x0i7 - x0r7) * wn4r;
        float x0r8 = a6 + a22;
        float x0i8 = a7 + a23;
        float x1r4 = a6 - a22;
        float x1i4 = a7 - a23;
        float x2r4 = a14 + a30;
        float x2i4 = a15 + a31;
        float y3r = x0r8 + x2r4;
        float y3i = x0i8 + x2i4;
        float x0r9 = a31 + (x1r4 - a15);
        float x0i9 = a14 + (x1i4 - a30);
        float t1 = wk1i * x0r9;
        float t2 = wk1r * x0i9;
        float y11i = (wk1i * x0i9) + (wk1r * x0r9);
        float x0r10 = a15 + (x1r4 - a31);
        float x0i10 = a30 + (x1i4 - a14);
        float t3 = wk1r * x0r10;
        float t4 = wk1i * x0i10;
        float y15i = (wk1r * x0i10) + (wk1i * x0r10);
        float x0r11 = y12r - y14r;
        float x0i11 = y12i - y14i;
        float x1r5 = y12r + y14r;
        float x1i5 = y12i + y14i;
        float x2r5 = t4 + (y13r - t3);
        float x3r = t3 + (y13r - t4);
        float x3i = y13i + y15i;
        float x0r12 = y8r + y10r;
        float x0i12 = y8i + y10i;
        float x1r6 = y8r - y10r;
        float x1i6 = y8i - y10i;
        float x2r6 = t1 + (y9r - t2);
        float x2i5 = y9i + y11i;
        float x3r2 = t2 + (y9r - t1);
        a[16] = x0r12 + x2r6;
        a[17] = x0i12 + x2i5;
        a[18] = x0r12 - x2r6;
        a[19] = x0i12 - x2i5;
        a[20] = x1r6 + (y11i - y9i);
        a[21] = x1i6 + x3r2;
        a[22] = x1r6 + (y9i - y11i);
        a[23] = x1i6 - x3r2;
        a[24] = x0r11 + x2r5;
        a[25] = x0i11 + (y13i - y15i);
        a[26] = x0r11 - x2r5;
        a[27] = x0i11 + (y15i - y13i);
        a[28] = x1r5 - x3i;
        a[29] = x1i5 + x3r;
        a[30] = x1r5 + x3i;
        a[31] = x1i5 - x3r;
        float x0r13 = x2i4 + (y5r - x0i8);
        float x0i13 = x0r8 + (y5i - x2r4);
        float x2r7 = (x0r13 - x0i13) * wn4r;
        float x2i6 = (x0r13 + x0i13) * wn4r;
        float x0r14 = x0i8 + (y5r - x2i4);
        float x0i14 = x2r4 + (y5i - x0r8);
        float x3r3 = (x0r14 - x0i14) * wn4r;
        float x3i2 = (x0r14 + x0i14) * wn4r;
        float x0r15 = x2i3 + (y4r - x0i5);
        float x0i15 = x0r5 + (y4i - x2r3);
        float x1r7 = x0i5 + (y4r - x2i3);
        float x1i7 = x2r3 + (y4i - x0r5);
        a[8] = x2r7 + x0r15;
        a[9] = x2i6 + x0i15;
        a[10] = x0r15 - x2r7;
        a[11] = x0i15 - x2i6;
        a[12] = x1r7 - x3i2;
        a[13] = x3r3 + x1i7;
        a[14] = x3i2 + x1r7;
        a[15] = x1i7 - x3r3;
        float x0r16 = y0r + y2r;
        float x0i16 = y0i + y2i;
        float x1r8 = y0r - y2r;
        float x1i8 = y0i - y2i;
        float x2r8 = y1r + y3r;
        float x2i7 = y1i + y3i;
        a[0] = x0r16 + x2r8;
        a[1] = x0i16 + x2i7;
        a[2] = x0r16 - x2r8;
        a[3] = x0i16 - x2i7;
        a[4] = y3i + (x1r8 - y1i);
        a[5] = y1r + (x1i8 - y3r);
        a[6] = y1i + (x1r8 - y3i);
        a[7] = y3r + (x1i8 - y1r);
    }

    /// <summary>16-point second-kind leaf (cftf162); <paramref name="w"/> is the table block at N/4 − 32.</summary>
    private static void Leaf16SecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        float wk1r = w[4];
        float wk1i = w[5];
        float wk3r = w[6];
        float w7 = w[7];
        float wk2r = w[8];
        float wk2i = w[9];
        float a0 = a[0];
        float a1 = a[1];
        float a2 = a[2];
        float a3 = a[3];
        float a4 = a[4];
        float a5 = a[5];
        float a6 = a[6];
        float a7 = a[7];
        float a8 = a[8];
        float a9 = a[9];
        float a10 = a[10];
        float a11 = a[11];
        float a12 = a[12];
        float a13 = a[13];
        float a14 = a[14];
        float a15 = a[15];
        float a16 = a[16];
        float a17 = a[17];
        float a18 = a[18];
        float a19 = a[19];
        float a20 = a[20];
        float a21 = a[21];
        float a22 = a[22];
        float a23 = a[23];
        float a24 = a[24];
        float a25 = a[25];
        float a26 = a[26];
        float a27 = a[27];
        float a28 = a[28];
        float a29 = a[29];
        float a30 = a[30];
        float a31 = a[31];
        float wk3i = -w7;
        float x1r = a0 - a17;
        float x1i = a1 + a16;
        float x0r = a8 - a25;
        float x0i = a9 + a24;
        float x2r = (x0r - x0i) * wn4r;
        float x2i = (x0r + x0i) * wn4r;
        float y0r = x1r + x2r;
        float y0i = x1i + x2i;
        float y4r = x1r - x2r;
        float y4i = x1i - x2i;
        float x1r2 = a0 + a17;
        float x1i2 = a1 - a16;
        float x0r2 = a8 + a25;
        float x2r2 = (a24 + (x0r2 - a9)) * wn4r;
        float x2i2 = (a9 + (x0r2 - a24)) * wn4r;
        float y8r = x1r2 - x2i2;
        float y8i = x1i2 + x2r2;
        float y12r = x1r2 + x2i2;
        float y12i = x1i2 - x2r2;
        float x0r3 = a2 - a19;
        float x0i2 = a3 + a18;
        float x1r3 = (wk1r * x0r3) - (wk1i * x0i2);
        float x1i3 = (wk1r * x0i2) + (wk1i * x0r3);
        float x0i3 = a11 + a26;
        float t1 = w7 * (a27 - a10);
        float t2 = wk3r * x0i3;
        float t3 = t1 + x1r3;
        float x2i3 = (wk3i * x0i3) + (wk3r * (a10 - a27));
        float y1r = t3 - t2;
        float y1i = x1i3 + x2i3;
        float y5r = (t2 + x1r3) - t1;
        float y5i = x1i3 - x2i3;
        float x0r4 = a2 + a19;
        float t4 = wk3r * x0r4;
        float t5 = w7 * (a18 - a3);
        float x1r4 = t4 - t5;
        float x1i4 = (wk3r * (a3 - a18)) + (wk3i * x0r4);
        float x0r5 = a10 + a27;
        float x0i4 = a11 - a26;
        float x2r3 = (wk1r * x0r5) + (wk1i * x0i4);
        float t6 = wk1r * x0i4;
        float t7 = wk1i * x0r5;
        float y9r = x1r4 - x2r3;
        float y9i = x1i4 + (t7 - t6);
        float y13r = x1r4 + x2r3;
        float y13i = x1i4 + (t6 - t7);
        float x0r6 = a4 - a21;
        float x0i5 = a5 + a20;
        float x1r5 = (wk2r * x0r6) - (wk2i * x0i5);
        float x1i5 = (wk2r * x0i5) + (wk2i * x0r6);
        float x0r7 = a12 - a29;
        float x0i6 = a13 + a28;
        float t8 = wk2i * x0r7;
        float t9 = wk2r * x0i6;
        float x2i4 = (wk2i * x0i6) + (wk2r * x0r7);
        float y2r = t8 + (x1r5 - t9);
        float y2i = x1i5 + x2i4;
        float y6r = t9 + (x1r5 - t8);
        float x0r8 = a4 + a21;
        float x0i7 = a5 - a20;
        float x1r6 = (wk2i * x0r8) - (wk2r * x0i7);
        float x1i6 = (wk2i * x0i7) + (wk2r * x0r8);
        float x0r9 = a12 + a29;
        float x0i8 = a13 - a28;
        float t10 = wk2r * x0r9;
        float t11 = wk2i * x0i8;
        float x2i5 = (wk2r * x0i8) + (wk2i * x0r9);
        float y10r = t11 + (x1r6 - t10);
        float y14r = t10 + (x1r6 - t11);
        float y14i = x1i6 + x2i5;
        float x0i9 = a7 + a22;
        float x1r7 = (wk3r * (a6 - a23)) - (wk3i * x0i9);
        float x1i7 = (wk3r * x0i9) + (w7 * (a23 - a6));
        float x0r10 = a14 - a31;
        float x0i10 = a15 + a30;
        float t12 = wk1i * x0r10;
        float t13 = wk1r * x0i10;
        float x2i6 = (wk1i * x0i10) + (wk1r * x0r10);
        float y3r = x1r7 + (t12 - t13);
        float y3i = x1i7 + x2i6;
        float y7r = x1r7 + (t13 - t12);
        float x0r11 = a6 + a23;
        float x0i11 = a7 - a22;
        float x1r8 = (wk1i * x0r11) + (wk1r * x0i11);
        float t14 = wk1i * x0i11;
        float t15 = wk1r * x0r11;
        float x1i8 = t14 - t15;
        float x0r12 = a14 + a31;
        float t16 = wk3i * x0r12;
        float t17 = wk3r * (a15 - a30);
        float t18 = t16 + x1r8;
        float x2i7 = (w7 * (a30 - a15)) + (wk3r * x0r12);
        float y11r = t18 - t17;
        float y11i = x1i8 + x2i7;
        float t19 = t17 + x1r8;
        float y15r = t19 - t16;
        float x1r9 = y0r + y2r;
        float x1i9 = y0i + y2i;
        float x2r4 = y1r + y3r;
        float x2i8 = y1i + y3i;
        a[0] = x1r9 + x2r4;
        a[1] = x1i9 + x2i8;
        a[2] = x1r9 - x2r4;
        a[3] = x1i9 - x2i8;
        float x1r10 = y0r - y2r;
        float x1i10 = y0i - y2i;
        a[4] = y3i + (x1r10 - y1i);
        a[5] = (y1r + x1i10) - y3r;
        a[6] = y1i + (x1r10 - y3i);
        float x1r11 = y4r + (x2i4 - x1i5);
        float x1i11 = y4i + y6r;
        float x0r13 = x2i6 + (y5r - x1i7);
        float x0i12 = y5i + y7r;
        float x2r5 = (x0r13 - x0i12) * wn4r;
        float x2i9 = (x0r13 + x0i12) * wn4r;
        float x1r12 = y4r + (x1i5 - x2i4);
        float x1i12 = y4i - y6r;
        float x0r14 = y5r + (x1i7 - x2i6);
        float x2r6 = ((x2i3 - x1i3) + (y7r + x0r14)) * wn4r;
        float x2i10 = (y5i + (x0r14 - y7r)) * wn4r;
        a[7] = (y3r + x1i10) + (t2 - t3);
        a[8] = x1r11 + x2r5;
        a[9] = x1i11 + x2i9;
        a[10] = x1r11 - x2r5;
        a[11] = x1i11 - x2i9;
        a[12] = x1r12 - x2i10;
        a[13] = x1i12 + x2r6;
        a[14] = x1r12 + x2i10;
        a[15] = x1i12 - x2r6;
        float x1r13 = y8r + y10r;
        float x1i13 = y8i + (x1i6 - x2i5);
        a[16] = (t17 + x1r13) + (y9r - t18);
        float x1r14 = y8r - y10r;
        float x1i14 = y8i + (x2i5 - x1i6);
        float x2r7 = y9r + y11r;
        float x2i11 = y9i + y11i;
        a[17] = y9i + (x1i13 - y11i);
        a[18] = x1r13 + ((y11r - t4) + (t5 + x2r3));
        a[19] = y11i + (x1i13 - y9i);
        a[20] = x1r14 - x2i11;
        float x1r15 = y12r - y14i;
        float x1i15 = y12i + y14r;
        float x0r15 = x1i8 + (y13r - x2i7);
        float x2r8 = (x0r15 + (y15r - y13i)) * wn4r;
        float x2i12 = ((y13i - t19) + (t16 + x0r15)) * wn4r;
        float x1r16 = y12r + y14i;
        float x1i16 = y12i - y14r;
        float x0r16 = (t15 - t14) + (y13r + x2i7);
        float x0i13 = y13i + y15r;
        float x2r9 = (x0r16 - x0i13) * wn4r;
        float x2i13 = (x0r16 + x0i13) * wn4r;
        a[21] = x1i14 + x2r7;
        a[22] = x1r14 + x2i11;
        a[23] = x1i14 - x2r7;
        a[24] = x1r15 + x2r8;
        a[25] = x1i15 + x2i12;
        a[26] = x1r15 - x2r8;
        a[27] = x1i15 - x2i12;
        a[28] = x1r16 - x2i13;
        a[29] = x1i16 + x2r9;
        a[30] = x1r16 + x2i13;
        a[31] = x1i16 - x2r9;
    }

    /// <summary>8-point first-kind leaf (cftf081); <paramref name="w"/> is the table block at N/4 − 8.</summary>
    private static void Leaf8FirstKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        float a0 = a[0];
        float a1 = a[1];
        float a2 = a[2];
        float a3 = a[3];
        float a4 = a[4];
        float a5 = a[5];
        float a6 = a[6];
        float a7 = a[7];
        float a8 = a[8];
        float a9 = a[9];
        float a10 = a[10];
        float a11 = a[11];
        float a12 = a[12];
        float a13 = a[13];
        float a14 = a[14];
        float a15 = a[15];
        float x0r = a0 + a8;
        float x0i = a1 + a9;
        float x1r = a0 - a8;
        float x1i = a1 - a9;
        float x2r = a4 + a12;
        float x2i = a5 + a13;
        float y0r = x0r + x2r;
        float y0i = x0i + x2i;
        float y2r = x0r - x2r;
        float y2i = x0i - x2i;
        float y1r = a13 + (x1r - a5);
        float y1i = a4 + (x1i - a12);
        float y3r = a5 + (x1r - a13);
        float y3i = a12 + (x1i - a4);
        float x0r2 = a2 + a10;
        float x0i2 = a3 + a11;
        float x1r2 = a2 - a10;
        float x1i2 = a3 - a11;
        float x2r2 = a6 + a14;
        float x2i2 = a7 + a15;
        float y4r = x0r2 + x2r2;
        float y4i = x0i2 + x2i2;
        float x0r3 = a15 + (x1r2 - a7);
        float x0i3 = a6 + (x1i2 - a14);
        float x2r3 = a7 + (x1r2 - a15);
        float x2i3 = a14 + (x1i2 - a6);
        float y5r = (x0r3 - x0i3) * wn4r;
        float y5i = (x0r3 + x0i3) * wn4r;
        float y7r = (x2r3 - x2i3) * wn4r;
        float y7i = (x2r3 + x2i3) * wn4r;
        a[8] = y1r + y5r;
        a[9] = y1i + y5i;
        a[10] = y1r - y5r;
        a[11] = y1i - y5i;
        a[12] = y3r - y7i;
        a[13] = y3i + y7r;
        a[14] = y3r + y7i;
        a[15] = y3i - y7r;
        a[0] = y0r + y4r;
        a[1] = y0i + y4i;
        a[2] = y0r - y4r;
        a[3] = y0i - y4i;
        a[4] = x2i2 + (y2r - x0i2);
        a[5] = x0r2 + (y2i - x2r2);
        a[6] = x0i2 + (y2r - x2i2);
        a[7] = x2r2 + (y2i - x0r2);
    }

    /// <summary>8-point second-kind leaf (cftf082); <paramref name="w"/> is the table block at N/4 − 8.</summary>
    private static void Leaf8SecondKind(Span<float> a, ReadOnlySpan<float> w)
    {
        float wn4r = w[1];
        float wk1r = w[2];
        float wk1i = w[3];
        float a0 = a[0];
        float a1 = a[1];
        float a2 = a[2];
        float a3 = a[3];
        float a4 = a[4];
        float a5 = a[5];
        float a6 = a[6];
        float a7 = a[7];
        float a8 = a[8];
        float a9 = a[9];
        float a10 = a[10];
        float a11 = a[11];
        float a12 = a[12];
        float a13 = a[13];
        float a14 = a[14];
        float a15 = a[15];
        float y0r = a0 - a9;
        float y0i = a1 + a8;
        float y1r = a0 + a9;
        float y1i = a1 - a8;
        float x0r = a4 - a13;
        float x0i = a5 + a12;
        float y2r = (x0r - x0i) * wn4r;
        float y2i = (x0r + x0i) * wn4r;
        float x0r2 = a4 + a13;
        float y3r = (a12 + (x0r2 - a5)) * wn4r;
        float y3i = (a5 + (x0r2 - a12)) * wn4r;
        float x0r3 = a2 - a11;
        float x0i2 = a3 + a10;
        float y4r = (wk1r * x0r3) - (wk1i * x0i2);
        float y4i = (wk1r * x0i2) + (wk1i * x0r3);
        float x0r4 = a2 + a11;
        float x0i3 = a3 - a10;
        float y5r = (wk1i * x0r4) - (wk1r * x0i3);
        float y5i = (wk1i * x0i3) + (wk1r * x0r4);
        float x0r5 = a6 - a15;
        float x0i4 = a7 + a14;
        float t1 = wk1i * x0r5;
        float t2 = wk1r * x0i4;
        float y6i = (wk1i * x0i4) + (wk1r * x0r5);
        float x0r6 = a6 + a15;
        float x0i5 = a7 - a14;
        float t3 = wk1r * x0r6;
        float t4 = wk1i * x0i5;
        float y7i = (wk1r * x0i5) + (wk1i * x0r6);
        float x0r7 = y0r + y2r;
        float x0i6 = y0i + y2i;
        float x1r = t1 + (y4r - t2);
        float x1i = y4i + y6i;
        float x0r8 = y0r - y2r;
        float x0i7 = y0i - y2i;
        float x1r2 = t2 + (y4r - t1);
        a[0] = x0r7 + x1r;
        a[1] = x0i6 + x1i;
        a[2] = x0r7 - x1r;
        a[3] = x0i6 - x1i;
        a[4] = x0r8 + (y6i - y4i);
        a[5] = x0i7 + x1r2;
        a[6] = x0r8 + (y4i - y6i);
        a[7] = x0i7 - x1r2;
        float x0r9 = y1r - y3i;
        float x0i8 = y1i + y3r;
        float x1r3 = t4 + (y5r - t3);
        float x0r10 = y1r + y3i;
        float x0i9 = y1i - y3r;
        float x1r4 = t3 + (y5r - t4);
        float x1i2 = y5i + y7i;
        a[8] = x0r9 + x1r3;
        a[9] = x0i8 + (y5i - y7i);
        a[10] = x0r9 - x1r3;
        a[11] = x0i8 + (y7i - y5i);
        a[12] = x0r10 - x1i2;
        a[13] = x0i9 + x1r4;
        a[14] = x0r10 + x1i2;
        a[15] = x0i9 - x1r4;
    }

    /// <summary>The 4-point complex FFT of an 8-float transform (cftf040), outputs already in natural order.</summary>
    private static void FourPoint(Span<float> a)
    {
        float a0 = a[0];
        float a1 = a[1];
        float a2 = a[2];
        float a3 = a[3];
        float a4 = a[4];
        float a5 = a[5];
        float a6 = a[6];
        float a7 = a[7];
        float x2r = a2 + a6;
        float x2i = a3 + a7;
        a[0] = (a4 + a0) + x2r;
        a[1] = (a5 + a1) + x2i;
        a[2] = ((a0 - a4) - a3) + a7;
        a[3] = ((a1 - a5) - a6) + a2;
        a[4] = (a4 + a0) - x2r;
        a[5] = (a5 + a1) - x2i;
        a[6] = ((a0 - a4) - a7) + a3;
        a[7] = ((a1 - a5) - a2) + a6;
    }
}
