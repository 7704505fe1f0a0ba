namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalMoments over one LLD contour (double accumulators); writes its values in openSMILE's output order.</summary>
internal static class FunctionalMoments
{
    /// <summary>cFunctionalMoments: standard deviation, skewness m3/σ³, kurtosis m4/σ⁴ (population moments, double).</summary>
    public static int Compute(ReadOnlySpan<float> x, float mean, Span<float> o)
    {
        double m2 = 0, m3 = 0, m4 = 0;
        double meanD = mean;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i] - meanD;
            double t2 = t * t;
            m2 += t2;
            t2 *= t;
            m3 += t2;
            m4 += t2 * t;
        }

        double n = x.Length;
        m2 /= n;
        double s = Math.Sqrt(m2);
        bool ok = m2 > 0.0;
        o[0] = ok ? (float)s : 0f;
        o[1] = ok ? (float)(m3 / (n * m2 * s)) : 0f;
        o[2] = ok ? (float)(m4 / (n * m2 * m2)) : 0f;
        return 3;
    }
}
