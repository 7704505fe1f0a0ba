namespace Affect.Learning.Tests;

/// <summary>
/// The z-score statistics are computed over column strips in parallel and applied several values at a time; both
/// must give the bits of the plain sequential computation (rows summed in order, one value at a time).
/// </summary>
public sealed class FeatureScalerTests
{
    [Theory]
    [InlineData(37, 600)]
    [InlineData(5, 3)]
    [InlineData(130, 6373)]
    public void Z_score_equals_the_sequential_computation_bit_for_bit(int n, int d)
    {
        var (x, _) = SyntheticData.Clusters(31, [n], d, 3.0);
        x[0, 1] = x[1 % n, 1]; // a tie or two changes nothing, but a constant column must divide by 1
        for (int i = 0; i < n; i++)
        {
            x[i, d - 1] = 2.5;
        }

        var mean = new double[d];
        var sd = new double[d];
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += x[i, j];
            }

            mean[j] = s / n;
            double ss = 0;
            for (int i = 0; i < n; i++)
            {
                double t = x[i, j] - mean[j];
                ss += t * t;
            }

            double v = Math.Sqrt(ss / n);
            sd[j] = v > 0 ? v : 1;
        }

        var y = FeatureScaler.Fit(x, FeatureScaling.ZScore).Transform(x);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits((x[i, j] - mean[j]) / sd[j]), BitConverter.DoubleToInt64Bits(y[i, j]));
            }
        }

        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(0.0, y[i, d - 1]));
    }
}
