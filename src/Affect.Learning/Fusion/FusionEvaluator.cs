using System.Numerics;
using System.Runtime.CompilerServices;

namespace Affect.Learning.Fusion;

/// <summary>
/// Development-set UAR of weighted score fusion for many weight matrices: the rows are grouped by true class and
/// stored column-wise (class c's rows: system i, class j as one contiguous run), so one candidate costs M·L
/// multiply-adds per row in SIMD lanes and, per true class c, the hit test "f_c beats every f_j" (strictly for
/// j &lt; c, ties allowed for j &gt; c: argmax with ties to the lowest class index) needs no argmax.
/// Arithmetic order is fixed (products, then sums over systems in index order, never fused multiply-add), so lane
/// and scalar paths agree bit for bit with <see cref="WeightedFusion.Fuse"/>. Read-only after construction.
/// </summary>
internal sealed class FusionEvaluator
{
    private readonly double[] data;
    private readonly int[] start;
    private readonly int[] length;
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

        int block = Systems * classes;
        start = new int[classes];
        length = support.ToArray();
        for (int c = 1; c < classes; c++)
        {
            start[c] = start[c - 1] + (block * length[c - 1]);
        }

        data = new double[checked(block * n)];
        var fill = new int[classes];
        for (int t = 0; t < n; t++)
        {
            int c = truth[t];
            int r = fill[c]++;
            for (int i = 0; i < Systems; i++)
            {
                var row = systems[i].Row(t);
                for (int j = 0; j < classes; j++)
                {
                    data[start[c] + (((i * classes) + j) * length[c]) + r] = row[j];
                }
            }
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
            int len = length[c];
            if (len == 0)
            {
                continue;
            }

            long hits = Hits(c, len, weights, broadcast);
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

    private long Hits(int c, int len, ReadOnlySpan<double> weights, ReadOnlySpan<Vector<double>> w)
    {
        int m = Systems, l = Classes;
        ref double seg = ref data[start[c]];
        int width = Vector<double>.Count;
        var count = Vector<long>.Zero;
        int t = 0;
        for (; t + width <= len; t += width)
        {
            var fc = FusedLanes(ref seg, w, m, l, c, len, t);
            var ok = Vector<long>.AllBitsSet;
            for (int j = 0; j < l; j++)
            {
                if (j == c)
                {
                    continue;
                }

                var fj = FusedLanes(ref seg, w, m, l, j, len, t);
                ok &= j < c ? Vector.GreaterThan(fc, fj) : Vector.GreaterThanOrEqual(fc, fj);
            }

            count -= ok; // a hit lane is all ones, i.e. −1
        }

        long hits = Vector.Sum(count);
        for (; t < len; t++)
        {
            double fc = FusedScalar(ref seg, weights, m, l, c, len, t);
            bool ok = true;
            for (int j = 0; j < l && ok; j++)
            {
                if (j != c)
                {
                    double fj = FusedScalar(ref seg, weights, m, l, j, len, t);
                    ok = j < c ? fc > fj : fc >= fj;
                }
            }

            hits += ok ? 1 : 0;
        }

        return hits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> FusedLanes(ref double seg, ReadOnlySpan<Vector<double>> w, int m, int l, int j, int len, int t)
    {
        var acc = w[j] * Vector.LoadUnsafe(ref seg, (nuint)((j * len) + t));
        for (int i = 1; i < m; i++)
        {
            int col = (i * l) + j;
            var product = w[col] * Vector.LoadUnsafe(ref seg, (nuint)((col * len) + t));
            acc += product;
        }

        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double FusedScalar(ref double seg, ReadOnlySpan<double> w, int m, int l, int j, int len, int t)
    {
        double acc = w[j] * Unsafe.Add(ref seg, (j * len) + t);
        for (int i = 1; i < m; i++)
        {
            int col = (i * l) + j;
            double product = w[col] * Unsafe.Add(ref seg, (col * len) + t);
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

    /// <summary>Checks that a span can hold an M × L weight matrix for this evaluator.</summary>
    public void CheckWeights(ReadOnlySpan<double> weights)
    {
        if (weights.Length != Systems * Classes)
        {
            throw new ArgumentException($"{weights.Length} weights; expected {Systems} × {Classes}", nameof(weights));
        }

    }
}
