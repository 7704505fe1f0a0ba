using Affect.Features.Lld;

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

        Span<float> a = stackalloc float[order];
        float gain = LinearPrediction.Levinson(r, a);
        o[0] = gain / x.Length;
        for (int i = 0; i < order; i++)
        {
            o[1 + i] = a[i];
        }

        return 6;
    }
}
