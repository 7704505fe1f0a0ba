namespace Affect.Sequence;

/// <summary>Agreement measures of continuous predictions: Pearson's CC (Table 1 of the paper) and Lin's CCC.</summary>
public static class Correlation
{
    /// <summary>
    /// Pearson's correlation r = cov(x, y) / (σx σy), computed in double with centred sums; 0 when either side is constant.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (mx, my, vx, vy, cxy) = Moments(x, y);
        _ = mx;
        _ = my;
        return vx <= 0 || vy <= 0 ? 0.0 : cxy / Math.Sqrt(vx * vy);
    }

    /// <summary>
    /// Lin's concordance correlation ρc = 2 cov(x, y) / (σx² + σy² + (μx − μy)²) (population moments); 0 for two constant equal series.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Concordance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (mx, my, vx, vy, cxy) = Moments(x, y);
        var n = x.Length;
        if (n == 0)
        {
            return 0.0;
        }

        var denominator = (vx / n) + (vy / n) + ((mx - my) * (mx - my));
        return denominator <= 0 ? 0.0 : 2.0 * (cxy / n) / denominator;
    }

    private static (double Mx, double My, double Vx, double Vy, double Cxy) Moments(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
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
        for (var i = 0; i < x.Length; i++)
        {
            sx += x[i];
            sy += y[i];
        }

        double mx = sx / x.Length, my = sy / x.Length, vx = 0, vy = 0, cxy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            vx += dx * dx;
            vy += dy * dy;
            cxy += dx * dy;
        }

        return (mx, my, vx, vy, cxy);
    }
}
