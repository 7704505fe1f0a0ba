namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalTimes over one LLD contour; writes its values in openSMILE's output order.</summary>
internal static class FunctionalTimes
{
    /// <summary>
    /// cFunctionalTimes (segment norm): share of frames above 25/50/75/90 % of the range, share of rising frames
    /// (over N−1) and of left-curvature frames (over N−2).
    /// </summary>
    public static int Compute(ReadOnlySpan<float> x, float min, float max, Span<float> o)
    {
        int n = x.Length;
        float nf = n, norm1 = nf - 1.0f, norm2 = nf - 2.0f;
        float range = max - min;
        float l25 = (0.25f * range) + min, l50 = (0.50f * range) + min, l75 = (0.75f * range) + min, l90 = (0.90f * range) + min;
        long n25 = 0, n50 = 0, n75 = 0, n90 = 0, nR = 0, nLC = 0;
        for (int i = 0; i < n; i++)
        {
            float v = x[i];
            if (v <= l25)
            {
                n25++;
            }

            if (v <= l50)
            {
                n50++;
            }

            if (v <= l75)
            {
                n75++;
            }

            if (v <= l90)
            {
                n90++;
            }
        }

        for (int i = 1; i < n; i++)
        {
            if (x[i - 1] < x[i])
            {
                nR++;
            }
        }

        for (int i = 1; i < n - 1; i++)
        {
            float a1 = x[i] - x[i - 1];
            float a2 = x[i + 1] - x[i];
            if (a1 < a2 && !(a2 < a1))
            {
                nLC++;
            }
        }

        o[0] = (n - n25) / nf;
        o[1] = (n - n50) / nf;
        o[2] = (n - n75) / nf;
        o[3] = (n - n90) / nf;
        o[4] = norm1 != 0f ? nR / norm1 : 0f;
        o[5] = norm2 != 0f ? nLC / norm2 : 0f;
        return 6;
    }
}
