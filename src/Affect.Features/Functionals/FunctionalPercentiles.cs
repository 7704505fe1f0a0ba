namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalPercentiles over one sorted LLD contour; writes its values in openSMILE's output order.</summary>
internal static class FunctionalPercentiles
{
    /// <summary>cFunctionalPercentiles with interp = 1: linear interpolation between the two ranks around p·(N − 1).</summary>
    public static float Interpolated(double p, ReadOnlySpan<float> sorted)
    {
        int n = sorted.Length;
        double idx = p * (n - 1);
        long i1 = Math.Clamp((long)Math.Floor(idx), 0, n - 1);
        long i2 = Math.Clamp((long)Math.Ceiling(idx), 0, n - 1);
        if (i1 == i2)
        {
            return sorted[(int)i1];
        }

        double w1 = idx - i1;
        double w2 = i2 - idx;
        return (sorted[(int)i1] * (float)w2) + (sorted[(int)i2] * (float)w1);
    }

    /// <summary>cFunctionalPercentiles (linear interpolation): quartiles, IQRs, 1st/99th percentile and their range.</summary>
    public static int Compute(ReadOnlySpan<float> sorted, Span<float> o)
    {
        float q1 = Interpolated(0.25, sorted);
        float q2 = Interpolated(0.50, sorted);
        float q3 = Interpolated(0.75, sorted);
        o[0] = q1;
        o[1] = q2;
        o[2] = q3;
        o[3] = q2 - q1;
        o[4] = q3 - q2;
        o[5] = q3 - q1;
        o[6] = Interpolated(0.01, sorted);
        o[7] = Interpolated(0.99, sorted);
        o[8] = Math.Abs(o[7] - o[6]);
        return 9;
    }
}
