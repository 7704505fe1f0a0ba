using System.Numerics;

namespace Affect.Features.Lld;

/// <summary>
/// Magnitude spectrum as openSMILE stores it (float data memory): |X[k]| = (float)√(Re² + Im²), optionally the power
/// (float)(|X|²) too, both widened back to double. Vectorised; IEEE square root and float rounding are exact per lane,
/// so the result is identical to the scalar formula.
/// </summary>
internal static class SpectrumMagnitude
{
    /// <summary>Fills <paramref name="magnitude"/> (and <paramref name="power"/> when not null) for the first magnitude.Length bins.</summary>
    /// <param name="re">Real parts.</param>
    /// <param name="im">Imaginary parts.</param>
    /// <param name="magnitude">Destination |X| (float-rounded).</param>
    /// <param name="power">Destination |X|² (float-rounded) or null.</param>
    public static void Compute(double[] re, double[] im, double[] magnitude, double[]? power)
    {
        int n = magnitude.Length;
        int lanes = Vector<double>.Count;
        int k = 0;
        for (; k <= n - (2 * lanes); k += 2 * lanes)
        {
            var r0 = new Vector<double>(re, k);
            var i0 = new Vector<double>(im, k);
            var r1 = new Vector<double>(re, k + lanes);
            var i1 = new Vector<double>(im, k + lanes);
            Vector<float> m = Vector.Narrow(Vector.SquareRoot((r0 * r0) + (i0 * i0)), Vector.SquareRoot((r1 * r1) + (i1 * i1)));
            Vector.Widen(m, out Vector<double> m0, out Vector<double> m1);
            m0.CopyTo(magnitude, k);
            m1.CopyTo(magnitude, k + lanes);
            if (power is not null)
            {
                Vector.Widen(Vector.Narrow(m0 * m0, m1 * m1), out Vector<double> p0, out Vector<double> p1);
                p0.CopyTo(power, k);
                p1.CopyTo(power, k + lanes);
            }
        }

        for (; k < n; k++)
        {
            double m = (float)Math.Sqrt((re[k] * re[k]) + (im[k] * im[k]));
            magnitude[k] = m;
            if (power is not null)
            {
                power[k] = (float)(m * m);
            }
        }
    }

    /// <summary>
    /// Magnitude and power from a packed real FFT (<c>a[0]</c> = X[0], <c>a[1]</c> = X[N/2], <c>a[2k]</c>/<c>a[2k+1]</c> = Re/Im X[k])
    /// in float32 as cFFTmagphase and cMelspec compute them: |X[k]| = √(Re² + Im²), P[k] = |X[k]|·|X[k]|.
    /// </summary>
    /// <param name="packed">N packed FFT values.</param>
    /// <param name="magnitude">Destination |X[k]|, N/2 + 1 bins.</param>
    /// <param name="power">Destination P[k], N/2 + 1 bins.</param>
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
        for (int k = 0; k <= half; k++)
        {
            power[k] = magnitude[k] * magnitude[k];
        }
    }
}
