namespace Affect.Features.Lld;

/// <summary>
/// openSMILE's <c>smileDsp_calcLpcAcf</c>: linear prediction coefficients from an autocorrelation by Levinson–Durbin in
/// float32, A(z) = 1 + Σ a_i z^−i, shared by the eGeMAPS formant tracker and cFunctionalLpc.
/// </summary>
internal static class LinearPrediction
{
    /// <summary>
    /// Fills <paramref name="a"/> (order p = its length) from the autocorrelation <paramref name="r"/> (at least p + 1
    /// lags) and returns the final prediction error; all zero when r₀ = 0, and the coefficients past an order whose error
    /// reaches 0 stay 0.
    /// </summary>
    public static float Levinson(ReadOnlySpan<float> r, Span<float> a)
    {
        int p = a.Length;
        a.Clear();
        if (r[0] == 0f)
        {
            return 0f;
        }

        float e = r[0];
        for (int m = 1; m <= p; m++)
        {
            float sum = r[m];
            for (int i = 1; i < m; i++)
            {
                sum += a[i - 1] * r[m - i];
            }

            float k = -1f / e * sum;
            a[m - 1] = k;
            for (int i = 1; i <= m / 2; i++)
            {
                float x = a[i - 1];
                a[i - 1] += k * a[m - i - 1];
                if (i < m / 2 || (m & 1) == 1)
                {
                    a[m - i - 1] += k * x;
                }
            }

            e *= 1f - (k * k);
            if (e == 0f)
            {
                for (int i = m; i < p; i++)
                {
                    a[i] = 0f;
                }

                break;
            }
        }

        return e;
    }
}
