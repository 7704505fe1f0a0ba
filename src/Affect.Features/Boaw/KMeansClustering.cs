namespace Affect.Features.Boaw;

/// <summary>How a codebook is generated (openXBOW's <c>-c</c>).</summary>
public enum CodebookMethod
{
    /// <summary>k-means++ seeding (Arthur and Vassilvitskii, 2007) then Lloyd iterations (openXBOW <c>kmeans++</c>).</summary>
    KMeansPlusPlus,

    /// <summary>Uniform random distinct frames then Lloyd iterations (openXBOW <c>kmeans</c>).</summary>
    KMeans,

    /// <summary>Uniform random distinct frames as words, no iterations (openXBOW's default <c>random</c>).</summary>
    Random,

    /// <summary>k-means++ seeding only, no iterations (openXBOW <c>random++</c>).</summary>
    RandomPlusPlus,
}

/// <summary>The result of <see cref="KMeansClustering.Fit"/>.</summary>
/// <param name="Centroids">Row-major centroids, <paramref name="K"/> × <paramref name="Dims"/>.</param>
/// <param name="K">Number of centroids.</param>
/// <param name="Dims">Values per centroid.</param>
/// <param name="Iterations">Lloyd centroid updates performed.</param>
/// <param name="Converged">True when an assignment pass changed no label before the iteration limit.</param>
/// <param name="Inertia">Σ over points of the squared distance to the nearest final centroid (sklearn's <c>inertia_</c>).</param>
public sealed record KMeansResult(float[] Centroids, int K, int Dims, int Iterations, bool Converged, double Inertia);

/// <summary>
/// Deterministic k-means: k-means++ or uniform seeding from a <see cref="CodebookRandom"/>, then Lloyd's algorithm
/// (assign every point to its nearest centroid, ties to the lowest index; move each centroid to the mean of its points;
/// stop when no label changes or after the iteration limit). An emptied cluster keeps its previous centroid, as in openXBOW.
/// </summary>
/// <remarks>
/// Same seed ⇒ bit-identical result: distances come from <see cref="WordSearch"/> (fixed lane order, no FMA); sums of
/// D² weights and centroid sums are accumulated in double in point order (parallel work only fills per-point or
/// fixed-block values that are combined in block order afterwards).
/// </remarks>
public static class KMeansClustering
{
    private const int SumBlock = 4096;

    /// <summary>
    /// k-means++ seeding: the first centre is point <c>NextInt(rows)</c>; each further centre is drawn with probability
    /// D(x)² / Σ D² (D = distance to the nearest centre so far) by one <c>NextDouble()</c> against the cumulative sum in
    /// point order.
    /// </summary>
    /// <param name="points">Row-major points, rows × dims.</param>
    /// <param name="rows">Number of points.</param>
    /// <param name="dims">Values per point.</param>
    /// <param name="k">Number of centres.</param>
    /// <param name="random">The random sequence (advanced).</param>
    /// <param name="source">Name used in error messages.</param>
    /// <returns>Indices of the chosen points, in order.</returns>
    public static int[] PlusPlusSeeds(ReadOnlySpan<float> points, int rows, int dims, int k, CodebookRandom random, string source = "frames")
    {
        Check(rows, k, random, source);
        return PlusPlusSeedsPadded(WordSearch.Pad(points, rows, dims), rows, WordSearch.Stride(dims), k, random, source);
    }

    /// <summary>
    /// Uniform seeding: a partial Fisher–Yates shuffle of the point indices (one <c>NextInt</c> per draw), skipping points
    /// whose values equal an already chosen one, until <paramref name="k"/> distinct points are chosen.
    /// </summary>
    /// <param name="points">Row-major points, rows × dims.</param>
    /// <param name="rows">Number of points.</param>
    /// <param name="dims">Values per point.</param>
    /// <param name="k">Number of centres.</param>
    /// <param name="random">The random sequence (advanced).</param>
    /// <param name="source">Name used in error messages.</param>
    /// <returns>Indices of the chosen points, in order.</returns>
    public static int[] RandomSeeds(ReadOnlySpan<float> points, int rows, int dims, int k, CodebookRandom random, string source = "frames")
    {
        Check(rows, k, random, source);
        return RandomSeedsPadded(WordSearch.Pad(points, rows, dims), rows, WordSearch.Stride(dims), k, random, source);
    }

    /// <summary>Seeds with <paramref name="method"/>, then runs at most <paramref name="maxIterations"/> Lloyd updates (none for the random methods).</summary>
    /// <param name="points">Row-major points, rows × dims.</param>
    /// <param name="rows">Number of points.</param>
    /// <param name="dims">Values per point.</param>
    /// <param name="k">Number of centroids.</param>
    /// <param name="method">Seeding and whether to iterate.</param>
    /// <param name="maxIterations">Largest number of Lloyd updates (openXBOW uses 500).</param>
    /// <param name="random">The random sequence (advanced).</param>
    /// <param name="source">Name used in error messages.</param>
    public static KMeansResult Fit(ReadOnlySpan<float> points, int rows, int dims, int k, CodebookMethod method, int maxIterations, CodebookRandom random, string source = "frames")
    {
        Check(rows, k, random, source);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        return FitPadded(WordSearch.Pad(points, rows, dims), rows, dims, k, method, maxIterations, random, source);
    }

    /// <summary><see cref="Fit"/> on points already padded to <see cref="WordSearch.Stride"/>.</summary>
    internal static KMeansResult FitPadded(float[] padded, int rows, int dims, int k, CodebookMethod method, int maxIterations, CodebookRandom random, string source)
    {
        int stride = WordSearch.Stride(dims);
        int[] seeds = method is CodebookMethod.KMeansPlusPlus or CodebookMethod.RandomPlusPlus
            ? PlusPlusSeedsPadded(padded, rows, stride, k, random, source)
            : RandomSeedsPadded(padded, rows, stride, k, random, source);
        var centroids = new float[k * stride];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(padded, seeds[c] * stride, centroids, c * stride, stride);
        }

        int limit = method is CodebookMethod.KMeansPlusPlus or CodebookMethod.KMeans ? maxIterations : 0;
        var labels = new int[rows];
        var previous = new int[rows];
        var best = new double[rows];
        var sums = new double[k * dims];
        var counts = new int[k];
        int iterations = 0;
        bool converged = false;
        while (true)
        {
            WordSearch.NearestPadded(padded, rows, centroids, k, stride, 1, labels, best);
            if (iterations > 0 && labels.AsSpan().SequenceEqual(previous))
            {
                converged = true;
                break;
            }

            if (iterations == limit)
            {
                break;
            }

            Array.Clear(sums);
            Array.Clear(counts);
            for (int i = 0; i < rows; i++)
            {
                int c = labels[i];
                counts[c]++;
                int s = c * dims;
                int p = i * stride;
                for (int d = 0; d < dims; d++)
                {
                    sums[s + d] += padded[p + d];
                }
            }

            for (int c = 0; c < k; c++)
            {
                if (counts[c] == 0)
                {
                    continue; // emptied cluster keeps its centroid (openXBOW)
                }

                for (int d = 0; d < dims; d++)
                {
                    centroids[(c * stride) + d] = (float)(sums[(c * dims) + d] / counts[c]);
                }
            }

            (labels, previous) = (previous, labels);
            iterations++;
        }

        double inertia = 0;
        for (int i = 0; i < rows; i++)
        {
            inertia += best[i];
        }

        var result = new float[k * dims];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(centroids, c * stride, result, c * dims, dims);
        }

        return new KMeansResult(result, k, dims, iterations, converged, inertia);
    }

    internal static int[] PlusPlusSeedsPadded(float[] padded, int rows, int stride, int k, CodebookRandom random, string source)
    {
        var chosen = new int[k];
        chosen[0] = random.NextInt(rows);
        var dist = new float[rows];
        int blocks = (rows + SumBlock - 1) / SumBlock;
        var blockSums = new double[blocks];
        UpdateDistances(padded, rows, stride, chosen[0], dist, blockSums, first: true);
        for (int c = 1; c < k; c++)
        {
            double total = 0;
            for (int b = 0; b < blocks; b++)
            {
                total += blockSums[b];
            }

            if (!(total > 0))
            {
                throw new InvalidDataException($"{source}: codebook: only {c} distinct training frames, fewer than the codebook size {k}");
            }

            double r = random.NextDouble() * total;
            double cumulative = 0;
            int block = 0;
            while (block < blocks - 1 && cumulative + blockSums[block] <= r)
            {
                cumulative += blockSums[block];
                block++;
            }

            int end = Math.Min(rows, (block + 1) * SumBlock);
            int pick = -1;
            for (int i = block * SumBlock; i < end; i++)
            {
                cumulative += dist[i];
                if (dist[i] > 0)
                {
                    pick = i;
                    if (cumulative > r)
                    {
                        break;
                    }
                }
            }

            // Rounding can leave the draw just past the block's last positive weight: take the last positive point before it.
            for (int i = end - 1; pick < 0 && i >= 0; i--)
            {
                if (dist[i] > 0)
                {
                    pick = i;
                }
            }

            chosen[c] = pick;
            UpdateDistances(padded, rows, stride, pick, dist, blockSums, first: false);
        }

        return chosen;
    }

    internal static int[] RandomSeedsPadded(float[] padded, int rows, int stride, int k, CodebookRandom random, string source)
    {
        var order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        var chosen = new int[k];
        int found = 0;
        for (int n = 0; n < rows && found < k; n++)
        {
            int j = n + random.NextInt(rows - n);
            (order[n], order[j]) = (order[j], order[n]);
            int candidate = order[n];
            bool duplicate = false;
            for (int c = 0; c < found && !duplicate; c++)
            {
                duplicate = padded.AsSpan(candidate * stride, stride).SequenceEqual(padded.AsSpan(chosen[c] * stride, stride));
            }

            if (!duplicate)
            {
                chosen[found++] = candidate;
            }
        }

        if (found < k)
        {
            throw new InvalidDataException($"{source}: codebook: only {found} distinct training frames, fewer than the codebook size {k}");
        }

        return chosen;
    }

    private static void UpdateDistances(float[] padded, int rows, int stride, int centre, float[] dist, double[] blockSums, bool first)
    {
        Parallel.For(0, blockSums.Length, b =>
        {
            int start = b * SumBlock;
            int end = Math.Min(rows, start + SumBlock);
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                float d = WordSearch.SquaredDistance(padded, i * stride, padded, centre * stride, stride);
                if (first || d < dist[i])
                {
                    dist[i] = d;
                }

                sum += dist[i];
            }

            blockSums[b] = sum;
        });
    }

    private static void Check(int rows, int k, CodebookRandom random, string source)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (rows < k)
        {
            throw new InvalidDataException($"{source}: codebook: {rows} training frames, fewer than the codebook size {k}");
        }
    }
}
