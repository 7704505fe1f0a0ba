namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalRegression over one LLD contour (double); writes its values in openSMILE's output order.</summary>
internal static class FunctionalRegression
{
    /// <summary>
    /// cFunctionalRegression (double): linear fit y = m·t + c and quadratic fit y = a·t² + b·t + c on the contour
    /// normalised to its range, their mean squared errors, and the temporal centroid Σ t|y| / Σ |y| / N.
    /// <paramref name="perSecond"/> scales slopes to value/second (openSMILE normRegCoeff = 2).
    /// </summary>
    public static int Compute(ReadOnlySpan<float> x, float min, float max, float mean, bool perSecond, double period, Span<float> o)
    {
        double nd = x.Length;
        double range = max - min;
        double rangeInv;
        if (range <= 0.0)
        {
            range = 1.0;
            rangeInv = 0.0;
        }
        else
        {
            rangeInv = 1.0 / range;
        }

        double num = 0, num2 = 0, numAbs = 0, asumAbs = 0, ii = 0;
        double asum = mean * nd;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double av = Math.Abs(x[i]);
            asumAbs += av;
            numAbs += av * ii;
            double t = v * ii;
            num += t;
            t *= ii;
            ii += 1.0;
            num2 += t;
        }

        double centroid = asumAbs != 0.0 ? numAbs / asumAbs : 0.0;
        centroid = RatioLimiter.Limit((float)centroid, (float)nd, (float)nd);
        centroid /= nd;

        double m, c0, a, b, c;
        if (x.Length > 1)
        {
            double nnm1 = nd * (nd - 1.0);
            double s1 = nnm1 / 2.0;
            double s2 = nnm1 * ((2.0 * nd) - 1.0) / 6.0;
            double s1ds2 = s1 / s2;
            double tmp = nd - (s1 * s1ds2);
            c0 = tmp == 0.0 ? 0.0 : (asum - (num * s1ds2)) / tmp;
            m = (num - (c0 * s1)) / s2;
            double s3 = s1 * s1;
            double nd1 = nd - 1.0;
            double s4 = s2 * ((3.0 * ((nd1 * nd1) + nd1)) - 1.0) / 5.0;
            double s3s3 = s3 * s3, s2s2 = s2 * s2, s1s2 = s1 * s2, s1s1 = s3;
            double det = (s4 * s2 * nd) + (2.0 * s3 * s1s2) - (s2s2 * s2) - (s3s3 * nd) - (s1s1 * s4);
            if (det != 0.0)
            {
                a = (((s2 * nd) - s1s1) * num2 + ((s1s2 - (s3 * nd)) * num) + (((s3 * s1) - s2s2) * asum)) / det;
                b = (((s1s2 - (s3 * nd)) * num2) + (((s4 * nd) - s2s2) * num) + (((s3 * s2) - (s4 * s1)) * asum)) / det;
                c = ((((s3 * s1) - s2s2) * num2) + (((s3 * s2) - (s4 * s1)) * num) + (((s4 * s2) - s3s3) * asum)) / det;
            }
            else
            {
                a = b = c = 0.0;
            }
        }
        else
        {
            m = 0;
            c0 = c = x[0];
            a = b = 0;
        }

        double leq = 0, qeq = 0;
        ii = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = (x[i] - ((m * ii) + c0)) * rangeInv;
            leq += e * e;
            double q = (x[i] - ((a * ii * ii) + (b * ii) + c)) * rangeInv;
            qeq += q * q;
            ii += 1.0;
        }

        m = RatioLimiter.Limit((float)m, (float)(range / 10.0), (float)((range / 10.0) + 0.01));
        a = RatioLimiter.Limit((float)a, (float)Math.Sqrt(range / 10.0), (float)(Math.Sqrt(range / 10.0) + 0.01));
        b = RatioLimiter.Limit((float)b, (float)(range / 10.0), (float)((range / 10.0) + 0.01));
        if (perSecond)
        {
            double perSec = 1.0 / period;
            m *= perSec;
            a *= perSec * perSec;
            b *= perSec;
        }

        m *= rangeInv;
        c0 = (c0 - min) * rangeInv;
        a *= rangeInv;
        b *= rangeInv;
        c = (c - min) * rangeInv;

        o[0] = (float)Finite(m);
        o[1] = (float)Finite(c0);
        o[2] = (float)(double.IsFinite(leq / nd) ? leq / nd : 0.0);
        o[3] = (float)Finite(a);
        o[4] = (float)Finite(b);
        o[5] = (float)Finite(c);
        o[6] = (float)(double.IsFinite(qeq / nd) ? qeq / nd : 0.0);
        o[7] = (float)Finite(centroid);
        return 8;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0.0;
}
