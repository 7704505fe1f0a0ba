namespace Affect.Features.Functionals;

/// <summary>
/// openSMILE's soft ratio limiter (<c>smileMath_ratioLimit</c>), which cFunctionalRegression and cFunctionalPeaks2
/// apply to ratios that can grow without bound.
/// </summary>
internal static class RatioLimiter
{
    /// <summary>
    /// openSMILE's soft ratio limiter: identity on [-l1, l1], beyond that a tanh-shaped approach to ±(l1 + l2):
    /// y = l1 + l2·tanh((√(x − l1 + 1) − 1)/(l2/2)).
    /// </summary>
    public static float Limit(float x, float limit1, float excess)
    {
        if (x > limit1)
        {
            float arg = (float)((Math.Sqrt(x - limit1 + 1.0) - 1.0) / (excess * 0.5));
            return (Tanh(arg) * excess) + limit1;
        }

        if (x < -limit1)
        {
            float arg = (float)(-(Math.Sqrt((-1.0 * (x + limit1)) + 1.0) - 1.0) / (excess * 0.5));
            return (Tanh(arg) * excess) - limit1;
        }

        return x;
    }

    private static float Tanh(float x) => (2.0f * Logistic(2.0f * x)) - 1.0f;

    private static float Logistic(float x)
    {
        double lim = Math.Log(float.MaxValue);
        if (x > lim)
        {
            return 1.0f;
        }

        if (x < -lim)
        {
            return 0.0f;
        }

        return (float)(1.0 / (1.0 + Math.Exp(-x)));
    }
}
