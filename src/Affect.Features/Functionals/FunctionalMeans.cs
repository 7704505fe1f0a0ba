namespace Affect.Features.Functionals;

/// <summary>
/// openSMILE's cFunctionalMeans over one LLD contour (float32 values, double accumulators as in openSMILE), and the
/// arithmetic mean every functional family starts from.
/// </summary>
internal static class FunctionalMeans
{
    /// <summary>Arithmetic mean in double, accumulated in order from the first value (as cFunctionals does).</summary>
    public static float Mean(ReadOnlySpan<float> x)
    {
        double mean = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            mean += x[i];
        }

        return (float)(mean / x.Length);
    }

    /// <summary>Means: arithmetic, flatness (geometric mean of |x|≠0 over mean |x|), mean of positives, RMS.</summary>
    public readonly record struct MeanValues(float AMean, float Flatness, float PosAMean, float RqMean, float NnzFraction);

    /// <summary>cFunctionalMeans (double accumulators).</summary>
    public static MeanValues Compute(ReadOnlySpan<float> x, float mean)
    {
        double absSum = 0, sq = 0, logSum = 0, pos = 0;
        long nnz = 0, nPos = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double a = Math.Abs(v);
            absSum += a;
            if (v > 0)
            {
                pos += v;
                nPos++;
            }

            if (v != 0.0)
            {
                logSum += Math.Log(a);
                sq += v * v;
                nnz++;
            }
        }

        double n = x.Length;
        double absMean = absSum / n;
        double qMean = sq / n;
        double gMean = nnz > 0 ? Math.Exp(logSum / nnz) : 0.0;
        if (nPos > 0)
        {
            pos /= nPos;
        }

        float flatness = absMean != 0.0 ? (float)(gMean / absMean) : 1.0f;
        return new MeanValues(mean, flatness, (float)pos, (float)Math.Sqrt(qMean), nnz / (float)x.Length);
    }
}
