namespace Affect.Features.Functionals;

/// <summary>openSMILE's cFunctionalExtremes over one LLD contour; writes its values in openSMILE's output order.</summary>
internal static class FunctionalExtremes
{
    /// <summary>cFunctionalExtremes: range, position of the first maximum and minimum relative to the length.</summary>
    public static int Compute(ReadOnlySpan<float> x, float min, float max, Span<float> o)
    {
        int maxPos = -1, minPos = -1;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == max && maxPos == -1)
            {
                maxPos = i;
            }

            if (x[i] == min && minPos == -1)
            {
                minPos = i;
            }
        }

        o[0] = max - min;
        o[1] = maxPos / (float)x.Length;
        o[2] = minPos / (float)x.Length;
        return 3;
    }
}
