namespace Affect.Audio;

/// <summary>
/// Agreement of two equally long series: Pearson's CC (Table 1 of the paper; the LLD parity tables) and Lin's CCC (the
/// AVEC measure), both from one set of centred sums in double, accumulated in order from the first element. It sits in
/// the bottom project so that features, learners and sequence models share one definition and one summation order.
/// </summary>
public static class Correlation
{
    /// <summary>
    /// Pearson's correlation r = cov(x, y) / (σx σy) = Σ dx·dy / √(Σ dx² · Σ dy²) with d the deviations from the means;
    /// <paramref name="undefined"/> when either series is constant or both are empty.
    /// </summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series, as long as <paramref name="x"/>.</param>
    /// <param name="undefined">The value for a constant or empty series (NaN unless the caller scores it, e.g. 0).</param>
    /// <exception cref="ArgumentException">The series differ in length.</exception>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double undefined = double.NaN)
    {
        var (_, _, sxx, syy, sxy) = CentredSums(x, y);
        return sxx <= 0 || syy <= 0 ? undefined : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>
    /// Lin's concordance correlation ρc = 2 cov(x, y) / (σx² + σy² + (μx − μy)²) (population moments): unlike Pearson's r
    /// it penalises bias and scale differences; <paramref name="undefined"/> for two equal constant series or empty ones.
    /// </summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series, as long as <paramref name="x"/>.</param>
    /// <param name="undefined">The value when the denominator is zero (NaN unless the caller scores it, e.g. 0).</param>
    /// <exception cref="ArgumentException">The series differ in length.</exception>
    public static double Concordance(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double undefined = double.NaN)
    {
        var (mx, my, sxx, syy, sxy) = CentredSums(x, y);
        int n = x.Length;
        if (n == 0)
        {
            return undefined;
        }

        double denominator = (sxx / n) + (syy / n) + ((mx - my) * (mx - my));
        return denominator <= 0 ? undefined : 2.0 * (sxy / n) / denominator;
    }

    // Means, then Σ dx², Σ dy², Σ dx·dy in one in-order pass (zeros for empty series).
    private static (double Mx, double My, double Sxx, double Syy, double Sxy) CentredSums(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"series lengths differ: {x.Length} and {y.Length}", nameof(y));
        }

        if (x.Length == 0)
        {
            return (0, 0, 0, 0, 0);
        }

        double sx = 0, sy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sx += x[i];
            sy += y[i];
        }

        double mx = sx / x.Length, my = sy / x.Length, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }

        return (mx, my, sxx, syy, sxy);
    }
}
