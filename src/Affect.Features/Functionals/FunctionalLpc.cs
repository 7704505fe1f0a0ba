namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalLpc over one LLD contour (float32 as in openSMILE); writes its values in openSMILE's output order.</summary>
internal static class FunctionalLpc
{
    /// <summary>
    /// cFunctionalLpc: order-5 linear prediction of the contour by autocorrelation + Levinson–Durbin (float32):
    /// prediction error gain / N, then a₀…a₄.
    /// </summary>
    public static int Compute(ReadOnlySpan<float> x, Span<float> o)
    {
        const int order = 5;
        Span<float> r = stackalloc float[order + 1];
        for (int lag = 0; lag <= order; lag++)
        {
            float acc = 0f;
            for (int i = lag; i < x.Length; i++)
            {
                acc += x[i] * x[i - lag];
            }

            r[lag] = acc;
        }

        Span<float> a = stackalloc float[order + 1];
        a.Clear();
        float gain = 0f;
        if (r[0] != 0f)
        {
            float e = r[0];
            for (int m = 1; m <= order; m++)
            {
                float sum = 1.0f * r[m];
                for (int i = 1; i < m; i++)
                {
                    sum += a[i - 1] * r[m - i];
                }

                float k = (-1.0f / e) * sum;
                a[m - 1] = k;
                for (int i = 1; i <= m / 2; i++)
                {
                    float t = a[i - 1];
                    a[i - 1] += k * a[m - i - 1];
                    if (i < m / 2 || (m & 1) == 1)
                    {
                        a[m - i - 1] += k * t;
                    }
                }

                e *= 1.0f - (k * k);
                if (e == 0f)
                {
                    for (int i = m; i <= order; i++)
                    {
                        a[i] = 0f;
                    }

                    break;
                }
            }

            gain = e;
        }

        o[0] = gain / x.Length;
        for (int i = 0; i < order; i++)
        {
            o[1 + i] = a[i];
        }

        return 6;
    }
}
