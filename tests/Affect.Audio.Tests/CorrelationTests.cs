namespace Affect.Audio.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public void PearsonAndConcordanceKnownValues()
    {
        double[] x = [1, 2, 3, 4];
        double[] y = [2, 4, 6, 8];
        Assert.Equal(1.0, Correlation.Pearson(x, y), 12);
        Assert.Equal(-1.0, Correlation.Pearson(x, [8, 6, 4, 2]), 12);

        // CCC = 2 cov / (vx + vy + (mx − my)²) = 2·2.5 / (1.25 + 5 + 6.25) = 0.4
        Assert.Equal(0.4, Correlation.Concordance(x, y), 12);
        Assert.Equal(1.0, Correlation.Concordance(x, x), 12);
    }

    [Fact]
    public void UndefinedCasesGiveTheCallersValue()
    {
        double[] x = [1, 2, 3, 4];
        double[] constant = [1, 1, 1, 1];
        Assert.True(double.IsNaN(Correlation.Pearson(x, constant)));
        Assert.Equal(0.0, Correlation.Pearson(x, constant, undefined: 0));
        Assert.True(double.IsNaN(Correlation.Pearson([], [])));
        Assert.Equal(0.0, Correlation.Pearson([], [], undefined: 0));
        Assert.True(double.IsNaN(Correlation.Concordance(constant, constant)));
        Assert.Equal(0.0, Correlation.Concordance(constant, constant, undefined: 0));
        Assert.Equal(0.0, Correlation.Concordance([], [], undefined: 0));
        Assert.Throws<ArgumentException>(() => Correlation.Pearson(x, [1, 2]));
    }

    /// <summary>
    /// The reported CCs and parity tables rest on one summation order: means summed from the first element, then the
    /// centred sums in one pass, r = Σdxdy / √(Σdx²·Σdy²). Textbook evaluation in that order must agree to the bit on
    /// data where a different grouping would change the last digits.
    /// </summary>
    [Fact]
    public void PearsonIsTheInOrderTwoPassFormulaToTheBit()
    {
        var rng = new Random(18);
        var x = new double[1001];
        var y = new double[1001];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (rng.NextDouble() * 1e6) + 1e-3;
            y[i] = (0.3 * x[i]) + (rng.NextDouble() * 1e5);
        }

        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= x.Length;
        my /= y.Length;
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
            sxy += (x[i] - mx) * (y[i] - my);
        }

        Assert.Equal(sxy / Math.Sqrt(sxx * syy), Correlation.Pearson(x, y));
        double n = x.Length;
        Assert.Equal(2.0 * (sxy / n) / ((sxx / n) + (syy / n) + ((mx - my) * (mx - my))), Correlation.Concordance(x, y));
    }
}
