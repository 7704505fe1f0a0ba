namespace Affect.Learning.Discretization;

/// <summary>
/// Exact search for the thresholds that discretise utterance scores into L ordered classes with the highest UAR on
/// the fit rows (paper §4.2, stage 9: "thresholds optimized for UAR on the challenge training set").
/// </summary>
/// <remarks>
/// <para>
/// Candidate cuts lie between neighbouring distinct scores (threshold = their midpoint), below the smallest score or
/// above the largest (so a class can be empty); every combination of L − 1 non-decreasing cuts is considered.
/// </para>
/// <para>
/// Exactness and speed: with the rows sorted once and prefix class counts, UAR·lcm(N_c) and WAR·n are integer sums
/// of one term per cut (class c's hits are its prefix count at its upper cut minus that at its lower cut), so the
/// best cut vector is found by a chain dynamic programme with suffix maxima in O(n log n + L·n), with integer
/// (no rounding) comparisons. Classes absent from the fit rows do not count (<see cref="Metrics.Uar"/> semantics).
/// </para>
/// <para>
/// Ties: highest UAR, then highest WAR, then the smallest first threshold, then the smallest second, and so on (on
/// the score axis, in either direction). <see cref="DirectionChoice.Auto"/> keeps the better direction by (UAR,
/// WAR), increasing on a tie.
/// </para>
/// </remarks>
public static class ThresholdSearch
{
    /// <summary>Largest accepted score magnitude (keeps the thresholds outside the data range finite).</summary>
    public const double MaxScoreMagnitude = 1e300;

    /// <summary>The arousal weights w tried by <see cref="FitBlend"/>: k/20 for k = 0 … 20 (0, 0.05, …, 1).</summary>
    public static IReadOnlyList<double> BlendWeights { get; } = [.. Enumerable.Range(0, 21).Select(k => k / 20.0)];

    /// <summary>
    /// The blended score w·arousal + (1 − w)·valence (products first, then the sum, so every platform rounds alike).
    /// </summary>
    public static double Blend(double arousal, double valence, double arousalWeight) => (arousalWeight * arousal) + ((1.0 - arousalWeight) * valence);

    /// <summary>
    /// The thresholds maximising UAR of <paramref name="scores"/> against <paramref name="truth"/> (class indices
    /// 0 … <paramref name="classes"/> − 1 in the corpus's order, e.g. L, M, H).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Lengths differ, no rows, a NaN / infinite / out-of-range score, a class index outside the range, or fewer than
    /// two classes present.
    /// </exception>
    public static ThresholdRule Fit(ReadOnlySpan<double> scores, ReadOnlySpan<int> truth, int classes, DirectionChoice direction = DirectionChoice.Auto)
    {
        Validate(scores, truth, classes, "score");
        return Search(scores, truth, classes, direction).Rule;
    }

    /// <summary>
    /// Blends arousal and valence predictions of one source corpus with the weight w ∈ <see cref="BlendWeights"/> and
    /// fits thresholds on the blend, w and thresholds chosen jointly by fit UAR, then fit WAR; on a tie the smallest w
    /// (pure valence first: the target task is valence).
    /// </summary>
    public static BlendedThresholdRule FitBlend(ReadOnlySpan<double> arousal, ReadOnlySpan<double> valence, ReadOnlySpan<int> truth, int classes, DirectionChoice direction = DirectionChoice.Auto)
    {
        if (arousal.Length != valence.Length)
        {
            throw new ArgumentException($"{arousal.Length} arousal scores but {valence.Length} valence scores", nameof(valence));
        }

        Validate(arousal, truth, classes, "arousal score");
        Validate(valence, truth, classes, "valence score");
        var blended = new double[arousal.Length];
        BlendedThresholdRule? best = null;
        Int128 bestKey = Int128.MinValue;
        foreach (double w in BlendWeights)
        {
            for (int i = 0; i < blended.Length; i++)
            {
                blended[i] = Blend(arousal[i], valence[i], w);
            }

            var (rule, key) = Search(blended, truth, classes, direction);
            if (best is null || key > bestKey)
            {
                best = new BlendedThresholdRule(w, rule);
                bestKey = key;
            }
        }

        return best!;
    }

    private static void Validate(ReadOnlySpan<double> scores, ReadOnlySpan<int> truth, int classes, string what)
    {
        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), $"{classes} classes; at least two are needed");
        }

        if (scores.Length != truth.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {truth.Length} classes", nameof(truth));
        }

        if (scores.Length == 0)
        {
            throw new ArgumentException("no rows to fit thresholds on", nameof(scores));
        }

        var present = new bool[classes];
        int distinct = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double s = scores[i];
            if (double.IsNaN(s))
            {
                throw new ArgumentException($"{what} {i} is NaN", nameof(scores));
            }

            if (!(Math.Abs(s) <= MaxScoreMagnitude))
            {
                throw new ArgumentException($"{what} {i} ({s}) is not a finite number of magnitude at most {MaxScoreMagnitude}", nameof(scores));
            }

            int c = truth[i];
            if ((uint)c >= (uint)classes)
            {
                throw new ArgumentException($"row {i}: class index {c} outside 0..{classes - 1}", nameof(truth));
            }

            if (!present[c])
            {
                present[c] = true;
                distinct++;
            }
        }

        if (distinct < 2)
        {
            throw new ArgumentException($"only one class (index {truth[0]}) among the {truth.Length} fit rows; at least two are needed", nameof(truth));
        }
    }

    // The search proper (inputs validated). Returns the rule and its exact (UAR, WAR) key for comparisons.
    private static (ThresholdRule Rule, Int128 Key) Search(ReadOnlySpan<double> scores, ReadOnlySpan<int> truth, int classes, DirectionChoice direction)
    {
        var table = new CutTable(scores, truth, classes);
        (int[] Cuts, Int128 Key) chosen;
        ScoreDirection dir;
        switch (direction)
        {
            case DirectionChoice.Increasing:
                chosen = table.Best(ScoreDirection.Increasing);
                dir = ScoreDirection.Increasing;
                break;
            case DirectionChoice.Decreasing:
                chosen = table.Best(ScoreDirection.Decreasing);
                dir = ScoreDirection.Decreasing;
                break;
            case DirectionChoice.Auto:
                var up = table.Best(ScoreDirection.Increasing);
                var down = table.Best(ScoreDirection.Decreasing);
                (chosen, dir) = down.Key > up.Key ? (down, ScoreDirection.Decreasing) : (up, ScoreDirection.Increasing);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(direction), $"{direction} is not a direction choice");
        }

        var thresholds = chosen.Cuts.Select(table.Threshold).ToArray();
        var partial = new ThresholdRule(thresholds, dir, double.NaN, double.NaN);
        var predicted = partial.Classify(scores);
        return (partial with { FitUar = Metrics.Uar(truth, predicted, classes), FitWar = Metrics.War(truth, predicted) }, chosen.Key);
    }

    /// <summary>Sorted distinct scores with prefix class counts and the integer (UAR, WAR) weights.</summary>
    private sealed class CutTable
    {
        private readonly double[] values; // distinct scores, ascending
        private readonly int[][] prefix; // prefix[c][k]: rows of class c among the k smallest distinct values
        private readonly Int128[] weight; // UAR weight lcm/N_c times the WAR range, plus 1 for WAR
        private readonly int classes;

        public CutTable(ReadOnlySpan<double> scores, ReadOnlySpan<int> truth, int classes)
        {
            this.classes = classes;
            var keys = scores.ToArray();
            var labels = truth.ToArray();
            Array.Sort(keys, labels);
            var distinct = new List<double>();
            var groupEnd = new List<int>();
            for (int i = 0; i < keys.Length; i++)
            {
                if (i == 0 || keys[i] != keys[i - 1])
                {
                    if (i > 0)
                    {
                        groupEnd.Add(i);
                    }

                    distinct.Add(keys[i]);
                }
            }

            groupEnd.Add(keys.Length);
            values = [.. distinct];
            int g = values.Length;
            prefix = new int[classes][];
            for (int c = 0; c < classes; c++)
            {
                prefix[c] = new int[g + 1];
            }

            int row = 0;
            for (int k = 0; k < g; k++)
            {
                for (int c = 0; c < classes; c++)
                {
                    prefix[c][k + 1] = prefix[c][k];
                }

                for (; row < groupEnd[k]; row++)
                {
                    prefix[labels[row]][k + 1]++;
                }
            }

            // UAR·lcm = Σ_c hits_c·(lcm/N_c) over present classes; WAR·n = Σ_c hits_c. One key: UAR part times a
            // range larger than any difference of partial WAR sums (|partial| ≤ L·n), plus the WAR part.
            Int128 lcm = 1;
            for (int c = 0; c < classes; c++)
            {
                int n = prefix[c][g];
                if (n > 0)
                {
                    lcm = checked(lcm / Gcd(lcm, n) * n);
                }
            }

            Int128 range = checked((2 * (Int128)classes * keys.Length) + 1);
            weight = new Int128[classes];
            for (int c = 0; c < classes; c++)
            {
                int n = prefix[c][g];
                weight[c] = n > 0 ? checked((lcm / n * range) + 1) : 1;
            }
        }

        /// <summary>
        /// The best cut positions (k_1 ≤ … ≤ k_{L−1}, k = number of distinct values below the cut) and their key;
        /// among equal keys the lexicographically smallest positions.
        /// </summary>
        public (int[] Cuts, Int128 Key) Best(ScoreDirection direction)
        {
            int g = values.Length;
            int cuts = classes - 1;
            int Segment(int s) => direction == ScoreDirection.Increasing ? s : classes - 1 - s;

            // h_s(k): cut s (1-based) at position k adds the prefix of the segment below it and removes that of the
            // segment above. H_s(k) = h_s(k) + max_{k' ≥ k} H_{s+1}(k'); suffix[s][k] = max_{k' ≥ k} H_s(k'), kept
            // for s ≥ 2 only (H_1 and every h are recomputed while walking forward: one array fewer per cut).
            Int128 H(int s, int k, Int128[]?[] suffix)
            {
                int below = Segment(s - 1), above = Segment(s);
                Int128 v = (weight[below] * prefix[below][k]) - (weight[above] * prefix[above][k]);
                return s < cuts ? v + suffix[s + 1]![k] : v;
            }

            var suffix = new Int128[]?[cuts + 2];
            for (int s = cuts; s >= 2; s--)
            {
                var bs = new Int128[g + 1];
                for (int k = g; k >= 0; k--)
                {
                    Int128 v = H(s, k, suffix);
                    bs[k] = k == g || v >= bs[k + 1] ? v : bs[k + 1];
                }

                suffix[s] = bs;
            }

            var chosen = new int[cuts];
            Int128 best = Int128.MinValue;
            for (int k = 0; k <= g; k++)
            {
                Int128 v = H(1, k, suffix);
                if (v > best)
                {
                    (best, chosen[0]) = (v, k);
                }
            }

            for (int s = 2; s <= cuts; s++)
            {
                int k = chosen[s - 2];
                Int128 target = suffix[s]![k];
                while (H(s, k, suffix) != target)
                {
                    k++;
                }

                chosen[s - 1] = k;
            }

            int top = Segment(classes - 1);
            Int128 key = best + (weight[top] * prefix[top][g]);
            return (chosen, key);
        }

        /// <summary>The score threshold of cut position <paramref name="k"/>.</summary>
        public double Threshold(int k)
        {
            if (k == 0)
            {
                return values[0] - Math.Max(1.0, Math.Abs(values[0]));
            }

            if (k == values.Length)
            {
                return values[^1] + Math.Max(1.0, Math.Abs(values[^1]));
            }

            double a = values[k - 1], b = values[k];
            double t = (a * 0.5) + (b * 0.5);
            return t >= a && t < b ? t : a; // neighbouring doubles: a itself still separates them (s > t)
        }

        private static Int128 Gcd(Int128 a, Int128 b)
        {
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            return a;
        }
    }
}
