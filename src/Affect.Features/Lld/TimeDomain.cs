namespace Affect.Features.Lld;

/// <summary>Time-domain frame descriptors: RMS energy (cEnergy rms = 1) and zero-crossing rate (cMZcr).</summary>
internal static class TimeDomain
{
    /// <summary>Root mean square √(Σx²/N) of an unwindowed frame.</summary>
    /// <param name="frame">Frame samples.</param>
    public static float RmsEnergy(ReadOnlySpan<float> frame)
    {
        double acc = 0.0;
        foreach (float x in frame)
        {
            acc += (double)x * x;
        }

        return frame.Length == 0 ? 0f : (float)Math.Sqrt(acc / frame.Length);
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
