using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Affect.Audio;

/// <summary>
/// Band-limited rational sample-rate conversion by L/M = toRate/fromRate (reduced by their gcd), evaluated as a
/// polyphase windowed-sinc filter: y[n] = Σ_k x[k]·h(n·M/L − k), with h(τ) = r·sinc(r·τ)·w(τ/W), r = 2·f_c/fromRate.
/// The cutoff f_c = 0.95 × (lower Nyquist) puts the passband edge at 0.90 and the stopband edge at 1.00 of the lower
/// Nyquist frequency; the Kaiser window w (β = 0.1102·(A − 8.7), length (A − 7.95)/(2.285·Δω), Kaiser 1974) is designed for
/// A = <see cref="DesignAttenuationDb"/> dB, so the stopband attenuation is at least <see cref="MinStopbandAttenuationDb"/> dB
/// and passband ripple under 0.001 dB. Samples outside the input are zero. Deterministic: the same input gives
/// bit-identical output on every machine (fixed-width vectors, fixed summation order, no fused multiply-add).
/// </summary>
public static class Resampler
{
    /// <summary>Attenuation in dB the Kaiser window is designed for.</summary>
    public const double DesignAttenuationDb = 90.0;

    /// <summary>Guaranteed stopband attenuation in dB (above the lower Nyquist frequency).</summary>
    public const double MinStopbandAttenuationDb = 80.0;

    /// <summary>Passband edge as a fraction of the lower Nyquist frequency; the transition band ends at 1.0.</summary>
    public const double PassbandFraction = 0.90;

    /// <summary>Polyphase tables above this many coefficients are not stored; phases are computed per output sample instead.</summary>
    private const long MaxTableCoefficients = 1 << 22;

    /// <summary>Converts <paramref name="input"/> from <paramref name="fromRate"/> to <paramref name="toRate"/> Hz; the output has round(n·toRate/fromRate) samples.</summary>
    /// <param name="input">Samples at <paramref name="fromRate"/>.</param>
    /// <param name="fromRate">Input sample rate in Hz.</param>
    /// <param name="toRate">Output sample rate in Hz.</param>
    /// <returns>A new array; a copy of the input when the rates are equal.</returns>
    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input.ToArray();
        }

        int g = Gcd(fromRate, toRate);
        long up = toRate / g;   // L
        long down = fromRate / g; // M
        long outLong = ((2 * (long)input.Length * up) + down) / (2 * down);
        if (outLong > Array.MaxLength)
        {
            throw new ArgumentException($"Resampling {input.Length} samples from {fromRate} to {toRate} Hz gives more than {Array.MaxLength} samples.", nameof(input));
        }

        var output = new float[outLong];
        if (output.Length == 0)
        {
            return output;
        }

        var kernel = new Kernel(fromRate, toRate);
        int taps = kernel.Taps;
        int half = kernel.HalfTaps;
        bool tabled = up * taps <= MaxTableCoefficients;
        float[] coefficients = ArrayPool<float>.Shared.Rent((int)(tabled ? up * taps : taps));
        try
        {
            if (tabled)
            {
                for (int p = 0; p < up; p++)
                {
                    kernel.Fill((double)p / up, coefficients.AsSpan(p * taps, taps));
                }
            }

            int lastPhase = -1;
            for (int n = 0; n < output.Length; n++)
            {
                long num = n * down;
                long center = num / up;
                int phase = (int)(num % up);
                ReadOnlySpan<float> h;
                if (tabled)
                {
                    h = coefficients.AsSpan(phase * taps, taps);
                }
                else
                {
                    if (phase != lastPhase)
                    {
                        kernel.Fill((double)phase / up, coefficients.AsSpan(0, taps));
                        lastPhase = phase;
                    }

                    h = coefficients.AsSpan(0, taps);
                }

                long first = center - half;
                if (first >= 0 && first + taps <= input.Length)
                {
                    output[n] = Dot(input.Slice((int)first, taps), h);
                }
                else
                {
                    float acc = 0f;
                    for (int j = 0; j < taps; j++)
                    {
                        long k = first + j;
                        if (k >= 0 && k < input.Length)
                        {
                            acc += input[(int)k] * h[j];
                        }
                    }

                    output[n] = acc;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(coefficients);
        }

        return output;
    }

    /// <summary>Output length for <paramref name="inputLength"/> samples: round(n·toRate/fromRate), halves rounded up.</summary>
    public static long OutputLength(long inputLength, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return inputLength;
        }

        int g = Gcd(fromRate, toRate);
        long up = toRate / g;
        long down = fromRate / g;
        return ((2 * inputLength * up) + down) / (2 * down);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>Dot product in a fixed order: eight lanes accumulated separately, then summed lane by lane, then the tail.</summary>
    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float hr = ref MemoryMarshal.GetReference(h);
        int i = 0;
        var acc = Vector256<float>.Zero;
        for (; i <= x.Length - 8; i += 8)
        {
            acc += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref hr, (nuint)i);
        }

        float sum = acc.GetElement(0) + acc.GetElement(1) + acc.GetElement(2) + acc.GetElement(3)
            + acc.GetElement(4) + acc.GetElement(5) + acc.GetElement(6) + acc.GetElement(7);
        for (; i < x.Length; i++)
        {
            sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref hr, i);
        }

        return sum;
    }

    /// <summary>The Kaiser-windowed sinc kernel for one rate pair, sampled at the input rate.</summary>
    private readonly struct Kernel
    {
        private readonly double _r;
        private readonly double _halfWidth;
        private readonly double _beta;
        private readonly double _i0Beta;

        public Kernel(int fromRate, int toRate)
        {
            double lower = Math.Min(fromRate, toRate);
            double cutoff = 0.5 * (1.0 + PassbandFraction) * (lower / 2.0); // midway through the transition band
            double transition = (1.0 - PassbandFraction) * (lower / 2.0);
            _r = 2.0 * cutoff / fromRate;
            double deltaOmega = 2.0 * Math.PI * transition / fromRate;
            double length = (DesignAttenuationDb - 7.95) / (2.285 * deltaOmega);
            _halfWidth = length / 2.0;
            _beta = 0.1102 * (DesignAttenuationDb - 8.7);
            _i0Beta = BesselI0(_beta);
            HalfTaps = (int)Math.Ceiling(_halfWidth);
            Taps = (2 * HalfTaps) + 1;
        }

        /// <summary>Taps per phase = 2·HalfTaps + 1, covering input samples center − HalfTaps … center + HalfTaps.</summary>
        public int Taps { get; }

        /// <summary>Input samples on each side of the centre sample.</summary>
        public int HalfTaps { get; }

        /// <summary>Fills h[j] = h(frac + HalfTaps − j), normalised so the phase has unit DC gain.</summary>
        public void Fill(double frac, Span<float> h)
        {
            double sum = 0;
            for (int j = 0; j < h.Length; j++)
            {
                double v = Evaluate(frac + HalfTaps - j);
                h[j] = (float)v;
                sum += v;
            }

            float norm = sum != 0 ? (float)(1.0 / sum) : 0f;
            for (int j = 0; j < h.Length; j++)
            {
                h[j] *= norm;
            }
        }

        private double Evaluate(double tau)
        {
            double u = tau / _halfWidth;
            if (Math.Abs(u) >= 1.0)
            {
                return 0.0;
            }

            double x = _r * tau;
            double sinc = x == 0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
            return _r * sinc * BesselI0(_beta * Math.Sqrt(1.0 - (u * u))) / _i0Beta;
        }

        /// <summary>Modified Bessel function of the first kind, order 0, by its power series Σ ((x/2)^k / k!)².</summary>
        private static double BesselI0(double x)
        {
            double sum = 1.0;
            double term = 1.0;
            double half = x / 2.0;
            for (int k = 1; k < 200; k++)
            {
                term *= half / k;
                double t2 = term * term;
                sum += t2;
                if (t2 < sum * 1e-17)
                {
                    break;
                }
            }

            return sum;
        }
    }
}
