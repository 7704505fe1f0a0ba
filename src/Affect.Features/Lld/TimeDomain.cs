namespace Affect.Features.Lld;

/// <summary>Time-domain frame descriptors: RMS energy (cEnergy rms = 1) and zero-crossing rate (cMZcr).</summary>
internal static class TimeDomain
{
    /// <summary>
    /// Root mean square √(Σx²/N) of an unwindowed frame as cEnergy computes it: float squares summed in double. The
    /// summation order (two interleaved lanes, lane 0 taking x[4k]² + x[4k+2]², lane 1 x[4k+1]² + x[4k+3]², then any
    /// tail in order) is that of gcc's vectorised loop; on the reference recordings it gives the same bits as a plain
    /// sequential sum (both reproduce openSMILE's pcm_RMSenergy in every frame).
    /// </summary>
    /// <param name="frame">Frame samples.</param>
    public static float RmsEnergy(ReadOnlySpan<float> frame)
    {
        if (frame.Length == 0)
        {
            return 0f;
        }

        double lane0 = 0.0, lane1 = 0.0;
        int i = 0;
        for (; i + 4 <= frame.Length; i += 4)
        {
            lane0 += (double)(frame[i + 2] * frame[i + 2]) + (double)(frame[i] * frame[i]);
            lane1 += (double)(frame[i + 3] * frame[i + 3]) + (double)(frame[i + 1] * frame[i + 1]);
        }

        double acc = lane0 + lane1;
        for (; i < frame.Length; i++)
        {
            acc += (double)(frame[i] * frame[i]);
        }

        return (float)Math.Sqrt(acc * (1.0 / frame.Length));
    }

    /// <summary>
    /// Zero-crossing rate as openSMILE counts it: for i = 1..N−2 a crossing is x[i−1]·x[i] &lt; 0, or x[i] = 0 with
    /// x[i−1]·x[i+1] ≤ 0; the count is divided by N (so digital silence gives (N−2)/N).
    /// </summary>
    /// <param name="frame">Frame samples.</param>
    public static float ZeroCrossingRate(ReadOnlySpan<float> frame)
    {
        if (frame.Length == 0)
        {
            return 0f;
        }

        float count = 0f;
        for (int i = 1; i < frame.Length - 1; i++)
        {
            if ((frame[i - 1] * frame[i + 1] <= 0f && frame[i] == 0f) || frame[i - 1] * frame[i] < 0f)
            {
                count += 1f;
            }
        }

        return count / frame.Length;
    }
}
