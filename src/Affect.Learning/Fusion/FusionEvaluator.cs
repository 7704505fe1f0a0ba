using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Affect.Learning.Fusion;

/// <summary>
/// Development-set UAR of weighted score fusion for many weight matrices: the rows are grouped by true class and
/// stored in blocks of SIMD width (per block, one vector of scores for each system i and class j), so one candidate
/// costs M·L multiply-adds per row in SIMD lanes and, per true class c, the hit test "f_c beats every f_j" (strictly for
/// j &lt; c, ties allowed for j &gt; c: argmax with ties to the lowest class index) needs no argmax.
/// Arithmetic order is fixed (products, then sums over systems in index order, never fused multiply-add), so the
/// lanes agree bit for bit with the scalar <see cref="WeightedFusion.Fuse"/>. Read-only after construction.
/// </summary>
internal sealed class FusionEvaluator
{
    private readonly double[] data;
    private readonly int[] start;
    private readonly int[] blocks;
    private readonly Vector<long>[] tailMask;
    private readonly long[] uarWeight; // lcm / N_c (exact path)
    private readonly int[] support;
    private readonly bool exact;
    private readonly double uarDenominator;

    public FusionEvaluator(IReadOnlyList<RealMatrix> systems, ReadOnlySpan<int> truth)
    {
        ArgumentNullException.ThrowIfNull(systems);
        if (systems.Count < 1)
        {
            throw new ArgumentException("no systems to fuse", nameof(systems));
        }

        int n = truth.Length;
        int classes = systems[0].Cols;
        if (n == 0)
        {
            throw new ArgumentException("no development rows", nameof(truth));
        }

        if (classes < 2)
        {
            throw new ArgumentException($"system 0 has {classes} class columns; at least two are needed", nameof(systems));
        }

        for (int i = 0; i < systems.Count; i++)
        {
            var s = systems[i] ?? throw new ArgumentException($"system {i} is null", nameof(systems));
            if (s.Rows != n || s.Cols != classes)
            {
                throw new ArgumentException($"system {i} is {s.Rows} × {s.Cols}; expected {n} × {classes} (rows × classes)", nameof(systems));
            }

            for (int k = 0; k < s.Data.Length; k++)
            {
                if (!double.IsFinite(s.Data[k]))
                {
                    throw new ArgumentException($"system {i}: row {(k / classes) + 1}, class {k % classes}: score {s.Data[k]} is not finite", nameof(systems));
                }
            }
        }

        Systems = systems.Count;
        Classes = classes;
        support = new int[classes];
        for (int t = 0; t < n; t++)
        {
            if ((uint)truth[t] >= (uint)classes)
            {
                throw new ArgumentException($"row {t + 1}: class index {truth[t]} outside 0..{classes - 1}", nameof(truth));
            }

            support[truth[t]]++;
        }

        // Layout: class c's rows in blocks of V = Vector<double>.Count rows; a block holds, for system i and class j
        // (in i, j order), the V scores as one vector. The last block is padded with zeros, and its padding lanes are
        // masked out of the hit counts.
        int width = Vector<double>.Count;
        int stride = Systems * classes * width;
        start = new int[classes];
        blocks = new int[classes];
        int total = 0;
        for (int c = 0; c < classes; c++)
        {
            start[c] = total;
            blocks[c] = (support[c] + width - 1) / width;
            total = checked(total + (blocks[c] * stride));
        }

        data = new double[total];
        var fill = new int[classes];
        for (int t = 0; t < n; t++)
        {
            int c = truth[t];
            int r = fill[c]++;
            int at = start[c] + ((r / width) * stride) + (r % width);
            for (int i = 0; i < Systems; i++)
            {
                var row = systems[i].Row(t);
                for (int j = 0; j < classes; j++)
                {
                    data[at + (((i * classes) + j) * width)] = row[j];
                }
            }
        }

        tailMask = new Vector<long>[classes];
        var lanes = new long[width];
        for (int c = 0; c < classes; c++)
        {
            int valid = support[c] - ((blocks[c] - 1) * width);
            for (int k = 0; k < width; k++)
            {
                lanes[k] = k < valid ? -1L : 0L;
            }

            tailMask[c] = new Vector<long>(lanes);
        }

        // UAR·lcm(N_c) = Σ hits_c·lcm/N_c is an integer: exact comparisons, ties are true ties. Fallback (lcm too
        // large for exact doubles) compares Σ hits_c / N_c, summed in class order.
        int present = support.Count(s => s > 0);
        uarWeight = new long[classes];
        try
        {
            long lcm = 1;
            foreach (int s in support.Where(s => s > 0))
            {
                lcm = checked(lcm / Gcd(lcm, s) * s);
            }

            exact = checked(lcm * present) <= (1L << 53);
            for (int c = 0; c < classes; c++)
            {
                uarWeight[c] = support[c] > 0 ? lcm / support[c] : 0;
            }

            uarDenominator = exact ? (double)(lcm * present) : present;
        }
        catch (OverflowException)
        {
            exact = false;
            uarDenominator = present;
        }
    }

    /// <summary>Number of systems M.</summary>
    public int Systems { get; }

    /// <summary>Number of classes L.</summary>
    public int Classes { get; }

    /// <summary>Turns a <see cref="Score"/> into UAR (a correctly rounded quotient on the exact path).</summary>
    public double ToUar(double score) => score / uarDenominator;

    /// <summary>
    /// A number that orders weight matrices as their development UAR does (exactly, on the exact path).
    /// <paramref name="weights"/> is M × L row-major; <paramref name="broadcast"/> is scratch of M·L vectors.
    /// </summary>
    public double Score(ReadOnlySpan<double> weights, Span<Vector<double>> broadcast)
    {
        int m = Systems, l = Classes;
        for (int k = 0; k < m * l; k++)
        {
            broadcast[k] = new Vector<double>(weights[k]);
        }

        long key = 0;
        double inexact = 0;
        for (int c = 0; c < l; c++)
        {
            if (blocks[c] == 0)
            {
                continue;
            }

            long hits = Hits(c, broadcast);
            if (exact)
            {
                key += hits * uarWeight[c];
            }
            else
            {
                inexact += (double)hits / support[c];
            }
        }

        return exact ? key : inexact;
    }

    private long Hits(int c, ReadOnlySpan<Vector<double>> weights)
    {
        int m = Systems, l = Classes;
        int width = Vector<double>.Count;
        int stride = m * l * width;
        ref double block = ref data[start[c]];
        ref Vector<double> w = ref MemoryMarshal.GetReference(weights);
        var count = Vector<long>.Zero;
        int last = blocks[c] - 1;
        for (int b = 0; b <= last; b++)
        {
            var fc = Fused(ref block, ref w, m, l, c, width);
            var ok = Vector<long>.AllBitsSet;
            for (int j = 0; j < l; j++)
            {
                if (j == c)
                {
                    continue;
                }

                var fj = Fused(ref block, ref w, m, l, j, width);
                ok &= j < c ? Vector.GreaterThan(fc, fj) : Vector.GreaterThanOrEqual(fc, fj);
            }

            if (b == last)
            {
                ok &= tailMask[c];
            }

            count -= ok; // a hit lane is all ones, i.e. −1
            block = ref Unsafe.Add(ref block, stride);
        }

        return Vector.Sum(count);
    }

    // Σ_i w[i, j]·s_i[:, j] over one block: products, then sums in system order (never fused multiply-add).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Fused(ref double block, ref Vector<double> w, int m, int l, int j, int width)
    {
        var acc = Unsafe.Add(ref w, j) * Vector.LoadUnsafe(ref block, (nuint)(j * width));
        for (int i = 1; i < m; i++)
        {
            int col = (i * l) + j;
            var product = Unsafe.Add(ref w, col) * Vector.LoadUnsafe(ref block, (nuint)(col * width));
            acc += product;
        }

        return acc;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
