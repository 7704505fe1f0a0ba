namespace Affect.Learning.Fusion;

/// <summary>
/// Per-system z-normalisation before score-level fusion: one mean and one standard deviation over every entry of the
/// system's development score matrix, applied to every partition (devel, test). One affine map per system keeps the
/// system's own decisions (the argmax of a row is unchanged by s ↦ (s − μ)/σ with σ &gt; 0) while putting systems
/// with different score ranges (KELM outputs, KPLS outputs, 1/0 code matrices of Eq. 1) on a common scale, so the
/// fusion weights (Eq. 2, WF) compare like with like. Per-class-column statistics were not chosen because they shift
/// columns by different amounts and so change a single system's decisions. Code matrices are normalised the same
/// way (one rule for every system).
/// </summary>
/// <param name="Mean">Mean of the development scores.</param>
/// <param name="Scale">Population standard deviation of the development scores, or 1 when they are all equal.</param>
public sealed record ScoreNormalizer(double Mean, double Scale)
{
    /// <summary>Fits the mean and standard deviation on the development scores of one system (fixed summation order).</summary>
    /// <exception cref="ArgumentException">An empty matrix or a non-finite entry.</exception>
    public static ScoreNormalizer Fit(RealMatrix devel)
    {
        ArgumentNullException.ThrowIfNull(devel);
        var d = devel.Data;
        if (d.Length == 0)
        {
            throw new ArgumentException("no development scores to normalise with", nameof(devel));
        }

        double sum = 0;
        for (int i = 0; i < d.Length; i++)
        {
            if (!double.IsFinite(d[i]))
            {
                throw new ArgumentException($"row {(i / devel.Cols) + 1}, column {(i % devel.Cols) + 1}: score {d[i]} is not finite", nameof(devel));
            }

            sum += d[i];
        }

        double mean = sum / d.Length;
        double ss = 0;
        for (int i = 0; i < d.Length; i++)
        {
            double x = d[i] - mean;
            ss += x * x;
        }

        double sd = Math.Sqrt(ss / d.Length);
        return new ScoreNormalizer(mean, sd > 0 && double.IsFinite(sd) ? sd : 1.0);
    }

    /// <summary>(s − <see cref="Mean"/>) / <see cref="Scale"/> for every entry, as a new matrix.</summary>
    public RealMatrix Apply(RealMatrix scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var r = new RealMatrix(scores.Rows, scores.Cols);
        for (int i = 0; i < r.Data.Length; i++)
        {
            r.Data[i] = (scores.Data[i] - Mean) / Scale;
        }

        return r;
    }
}
