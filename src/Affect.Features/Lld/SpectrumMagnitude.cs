namespace Affect.Features.Lld;

/// <summary>
/// Magnitude spectrum as openSMILE's cFFTmagphase and cMelspec compute it, in float32: |X[k]| = √(Re² + Im²) and
/// P[k] = |X[k]|·|X[k]|, each rounded to float (IEEE square root and products are exact per operation).
/// </summary>
internal static class SpectrumMagnitude
{
    /// <summary>
    /// Magnitude and power from a packed real FFT (<c>a[0]</c> = X[0], <c>a[1]</c> = X[N/2], <c>a[2k]</c>/<c>a[2k+1]</c> = Re/Im X[k])
    /// in float32 as cFFTmagphase and cMelspec compute them: |X[k]| = √(Re² + Im²), P[k] = |X[k]|·|X[k]|.
    /// </summary>
    /// <param name="packed">N packed FFT values.</param>
    /// <param name="magnitude">Destination |X[k]|, N/2 + 1 bins.</param>
    /// <param name="power">Destination P[k], N/2 + 1 bins; empty when only the magnitudes are needed.</param>
    public static void Compute(ReadOnlySpan<float> packed, Span<float> magnitude, Span<float> power)
    {
        int half = packed.Length / 2;
        magnitude[0] = MathF.Abs(packed[0]);
        for (int k = 1; k < half; k++)
        {
            float re = packed[2 * k];
            float im = packed[(2 * k) + 1];
            magnitude[k] = MathF.Sqrt((re * re) + (im * im));
        }

        magnitude[half] = MathF.Abs(packed[1]);
        if (power.IsEmpty)
        {
            return;
        }

        for (int k = 0; k <= half; k++)
        {
            power[k] = magnitude[k] * magnitude[k];
        }
    }
}
