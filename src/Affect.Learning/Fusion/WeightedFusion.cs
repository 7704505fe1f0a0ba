using System.Numerics;

namespace Affect.Learning.Fusion;

/// <summary>
/// A weighted-fusion weight matrix W (M systems × L classes; each class column non-negative, summing to 1) with the
/// development UAR it reached and its index in the candidate pool (paper §2.2, WF).
/// </summary>
/// <param name="Index">Index of the matrix in the pool of <see cref="WeightedFusion.Candidate"/>.</param>
/// <param name="DevelUar">Development-set UAR of the fused scores.</param>
/// <param name="Systems">Number of systems M.</param>
/// <param name="Classes">Number of classes L.</param>
/// <param name="Weights">W row-major: W[i, j] (system i, class j) at <c>i·L + j</c>.</param>
public sealed record FusionWeights(long Index, double DevelUar, int Systems, int Classes, double[] Weights)
{
    /// <summary>W[<paramref name="system"/>, <paramref name="cls"/>].</summary>
    public double Weight(int system, int cls) => Weights[(system * Classes) + cls];
}

/// <summary>A contiguous range [Start, Start + Count) of pool indices searched as one unit (one Durable activity).</summary>
/// <param name="Start">First pool index.</param>
/// <param name="Count">Number of pool indices.</param>
public readonly record struct PoolChunk(long Start, long Count);

/// <summary>
/// Weighted score fusion (WF, paper §2.2): fused score of class j = Σ_i W[i, j]·S_i[:, j]; the predicted class is
/// the argmax (ties to the lowest class index, <see cref="TargetCoding.ArgMax"/>); W is the best of a seeded pool of
/// random matrices by development UAR.
/// </summary>
/// <remarks>
/// <para>
/// The pool: index k &lt; M is system k alone (row k all ones), index M the plain average (all 1/M), so the search
/// is never worse on devel than its best member; every later index is random. Candidate k is a pure function of
/// (seed, k, M, L): column j's M entries are SplitMix64 outputs number p = k·M·L + j·M + i + 1 (i = 0 … M − 1) of
/// the stream seeded with the seed (SplitMix64's state is a counter, so any output is reached in O(1)), each mapped
/// to a uniform u = (top 53 bits + 1)·2⁻⁵³ ∈ (0, 1] and divided by the column's sum (summed in i order). As with
/// MATLAB's <c>rand</c> then column normalisation, every interior point of the simplex can be drawn (the draw is not
/// uniform on it; it leans towards the average). Only IEEE additions and divisions: identical on every platform.
/// </para>
/// <para>
/// Chunks: <see cref="SearchChunk"/> returns the best of [start, start + count) and <see cref="Combine"/> the best
/// of the chunks' bests (highest UAR, ties to the lowest pool index), so any split gives the same matrix as one
/// pass. UAR comes from integer hit counts (exact comparisons); scores use products then sums in system order, no
/// fused multiply-add, in SIMD lanes that round exactly like the scalar path.
/// </para>
/// </remarks>
public static class WeightedFusion
{
    /// <summary>Default pool size.</summary>
    public const long DefaultPoolSize = 100_000;

    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Writes pool candidate <paramref name="index"/> (M × L row-major) into <paramref name="weights"/>.</summary>
    public static void Candidate(ulong seed, long index, int systems, int classes, Span<double> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(systems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (weights.Length != systems * classes)
        {
            throw new ArgumentException($"{weights.Length} weights; expected {systems} × {classes}", nameof(weights));
        }

        if (index < systems)
        {
            weights.Clear();
            weights.Slice((int)index * classes, classes).Fill(1.0);
            return;
        }

        if (index == systems)
        {
            weights.Fill(1.0 / systems);
            return;
        }

        ulong position = (ulong)index * (ulong)(systems * classes);
        for (int j = 0; j < classes; j++)
        {
            double sum = 0;
            for (int i = 0; i < systems; i++)
            {
                ulong p = position + (ulong)(j * systems) + (ulong)i + 1;
                double u = ((Mix(seed + (p * Golden)) >> 11) + 1) * (1.0 / (1UL << 53));
                weights[(i * classes) + j] = u;
                sum += u;
            }

            for (int i = 0; i < systems; i++)
            {
                weights[(i * classes) + j] /= sum;
            }
        }
    }

    /// <summary>
    /// Splits a pool of <paramref name="poolSize"/> indices into at most <paramref name="chunks"/> contiguous chunks of
    /// near-equal size (the first poolSize mod chunks chunks one larger; no empty chunk).
    /// </summary>
    public static IReadOnlyList<PoolChunk> Split(long poolSize, int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        long k = Math.Min(chunks, poolSize);
        long size = poolSize / k, extra = poolSize % k;
        var result = new List<PoolChunk>((int)k);
        long start = 0;
        for (long c = 0; c < k; c++)
        {
            long count = size + (c < extra ? 1 : 0);
            result.Add(new PoolChunk(start, count));
            start += count;
        }

        return result;
    }

    /// <summary>
    /// The best pool candidate in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) on the
    /// development scores (each n × L, already normalised, same rows and class order) and classes; ties to the lowest
    /// index. No allocation per candidate.
    /// </summary>
    public static FusionWeights SearchChunk(IReadOnlyList<RealMatrix> develSystems, ReadOnlySpan<int> develTruth, ulong seed, long start, long count)
        => SearchRange(new FusionEvaluator(develSystems, develTruth), seed, start, count);

    /// <summary>The chunk best with the highest development UAR; ties to the lowest pool index.</summary>
    public static FusionWeights Combine(IEnumerable<FusionWeights> chunkBests)
    {
        ArgumentNullException.ThrowIfNull(chunkBests);
        FusionWeights? best = null;
        foreach (var c in chunkBests)
        {
            ArgumentNullException.ThrowIfNull(c);
            if (best is not null && (c.Systems != best.Systems || c.Classes != best.Classes))
            {
                throw new ArgumentException($"chunk results disagree on the shape: {best.Systems} × {best.Classes} and {c.Systems} × {c.Classes}", nameof(chunkBests));
            }

            if (best is null || c.DevelUar > best.DevelUar || (c.DevelUar == best.DevelUar && c.Index < best.Index))
            {
                best = c;
            }
        }

        return best ?? throw new ArgumentException("no chunk results to combine", nameof(chunkBests));
    }

    /// <summary>
    /// The whole search: the pool split into <paramref name="chunks"/> chunks searched in parallel, then
    /// <see cref="Combine"/>; the result does not depend on <paramref name="chunks"/>.
    /// </summary>
    public static FusionWeights Search(IReadOnlyList<RealMatrix> develSystems, ReadOnlySpan<int> develTruth, ulong seed, long poolSize = DefaultPoolSize, int chunks = 1)
    {
        var evaluator = new FusionEvaluator(develSystems, develTruth);
        var parts = Split(poolSize, chunks);
        var bests = new FusionWeights[parts.Count];
        Parallel.For(0, parts.Count, c => bests[c] = SearchRange(evaluator, seed, parts[c].Start, parts[c].Count));
        return Combine(bests);
    }

    /// <summary>
    /// Fused scores Σ_i W[i, j]·S_i[:, j] of any partition (systems normalised as for the search), with the search's
    /// arithmetic, so the argmax of the development rows reproduces <see cref="FusionWeights.DevelUar"/>.
    /// </summary>
    public static RealMatrix Fuse(IReadOnlyList<RealMatrix> systems, FusionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(systems);
        ArgumentNullException.ThrowIfNull(weights);
        if (systems.Count != weights.Systems)
        {
            throw new ArgumentException($"{systems.Count} systems; the weights are for {weights.Systems}", nameof(systems));
        }

        int l = weights.Classes;
        int n = systems.Count == 0 ? 0 : systems[0].Rows;
        for (int i = 0; i < systems.Count; i++)
        {
            if (systems[i].Rows != n || systems[i].Cols != l)
            {
                throw new ArgumentException($"system {i} is {systems[i].Rows} × {systems[i].Cols}; expected {n} × {l}", nameof(systems));
            }
        }

        var w = weights.Weights;
        var f = new RealMatrix(n, l);
        for (int t = 0; t < n; t++)
        {
            for (int j = 0; j < l; j++)
            {
                double acc = w[j] * systems[0][t, j];
                for (int i = 1; i < systems.Count; i++)
                {
                    double product = w[(i * l) + j] * systems[i][t, j];
                    acc += product;
                }

                f[t, j] = acc;
            }
        }

        return f;
    }

    private static FusionWeights SearchRange(FusionEvaluator evaluator, ulong seed, long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int m = evaluator.Systems, l = evaluator.Classes;
        var weights = new double[m * l];
        var bestWeights = new double[m * l];
        var broadcast = new Vector<double>[m * l];
        long bestIndex = -1;
        double bestScore = double.NegativeInfinity;
        for (long k = start; k < start + count; k++)
        {
            Candidate(seed, k, m, l, weights);
            double score = evaluator.Score(weights, broadcast);
            if (score > bestScore)
            {
                bestScore = score;
                bestIndex = k;
                weights.CopyTo(bestWeights, 0);
            }
        }

        return new FusionWeights(bestIndex, evaluator.ToUar(bestScore), m, l, bestWeights);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
