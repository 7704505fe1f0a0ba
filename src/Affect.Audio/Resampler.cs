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

    /// <summary>
    /// Largest exact polyphase table in coefficients (L phases × taps). Rate pairs within it (every common rate to
    /// 16 kHz) use the exact phase of each output sample; larger ones use an interpolated table.
    /// </summary>
    internal const long MaxTableCoefficients = 1 << 22;

    /// <summary>Most phases of an interpolated table: linear interpolation between 2048 phases keeps the kernel error far below the 90 dB design.</summary>
    internal const int MaxInterpolatedPhases = 2048;

    /// <summary>Fewest phases of an interpolated table, for kernels so long that even this many exceed the table budget.</summary>
    internal const int MinInterpolatedPhases = 16;

    /// <summary>Converts <paramref name="input"/> from <paramref name="fromRate"/> to <paramref name="toRate"/> Hz; the output has round(n·toRate/fromRate) samples.</summary>
    /// <remarks>
    /// When the exact table (L = toRate/gcd phases) would exceed <see cref="MaxTableCoefficients"/> — odd rates such
    /// as 44 101 or 767 999 Hz, where L = 16 000 — the kernel is tabulated at P ≤ <see cref="MaxInterpolatedPhases"/>
    /// equally spaced fractional offsets instead, and each output blends the two neighbouring phases linearly
    /// (y = (1 − a)·(h_p·x) + a·(h_{p+1}·x)). The cost is then bounded for any rational ratio: P + 1 kernel rows plus
    /// two dot products per output sample, instead of one kernel evaluation per tap and output sample.
    /// </remarks>
    /// <param name="input">Samples at <paramref name="fromRate"/>.</param>
    /// <param name="fromRate">Input sample rate in Hz.</param>
    /// <param name="toRate">Output sample rate in Hz.</param>
    /// <returns>A new array; a copy of the input when the rates are equal.</returns>
    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate) => Resample(input, fromRate, toRate, out _);

    /// <summary>Resamples as <see cref="Resample(ReadOnlySpan{float}, int, int)"/> and reports the work done, so tests can bound it.</summary>
    internal static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate, out ResamplerWork work)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        work = default;
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
        bool exact = up * taps <= MaxTableCoefficients;
        int rows = exact ? (int)up : InterpolatedPhases(taps, kernel.Bandwidth) + 1;
        float[] coefficients = ArrayPool<float>.Shared.Rent(rows * taps);
        try
        {
            for (int p = 0; p < rows; p++)
            {
                kernel.Fill(exact ? (double)p / up : (double)p / (rows - 1), coefficients.AsSpan(p * taps, taps));
            }

            work = new ResamplerWork(exact ? (int)up : rows - 1, !exact, (long)rows * taps, (long)output.Length * taps * (exact ? 1 : 2));
            if (exact)
            {
                ResampleExact(input, output, coefficients, taps, kernel.HalfTaps, up, down);
            }
            else
            {
                ResampleInterpolated(input, output, coefficients, taps, kernel.HalfTaps, up, down, rows - 1);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(coefficients);
        }

        return output;
    }

    /// <summary>
    /// Phases of an interpolated table. Linear interpolation with spacing 1/P errs by at most h''/(8P²) per tap; for
    /// h(τ) = r·sinc(rτ) that sums over the ≈108/r taps to about 45·r²/P², so P = 8192·r keeps the kernel error near
    /// 1e-6 (−120 dB), far below the 90 dB design. Clamped to [16, 2048] and to the table budget.
    /// </summary>
    private static int InterpolatedPhases(int taps, double bandwidth)
    {
        long wanted = (long)Math.Ceiling(8192 * bandwidth);
        long budget = (MaxTableCoefficients / taps) - 1;
        return (int)Math.Clamp(Math.Min(wanted, budget), MinInterpolatedPhases, MaxInterpolatedPhases);
    }

    /// <summary>y[n] = h_φ · x[c − half … c + half] with c = ⌊n·M/L⌋ and the exact phase φ = n·M mod L.</summary>
    private static void ResampleExact(ReadOnlySpan<float> input, float[] output, float[] coefficients, int taps, int half, long up, long down)
    {
        for (int n = 0; n < output.Length; n++)
        {
            long num = n * down;
            long center = num / up;
            int phase = (int)(num % up);
            output[n] = Apply(input, coefficients.AsSpan(phase * taps, taps), center - half);
        }
    }

    /// <summary>y[n] = (1 − a)·(h_p · x) + a·(h_{p+1} · x), where p + a = P·(n·M mod L)/L locates the exact phase between table rows.</summary>
    private static void ResampleInterpolated(ReadOnlySpan<float> input, float[] output, float[] coefficients, int taps, int half, long up, long down, int phases)
    {
        for (int n = 0; n < output.Length; n++)
        {
            long num = n * down;
            long center = num / up;
            long scaled = (num % up) * phases;
            int p = (int)(scaled / up);
            double a = (double)(scaled % up) / up;
            long first = center - half;
            float lower = Apply(input, coefficients.AsSpan(p * taps, taps), first);
            float upper = Apply(input, coefficients.AsSpan((p + 1) * taps, taps), first);
            output[n] = (float)(lower + (a * ((double)upper - lower)));
        }
    }

    /// <summary>Σ_j x[first + j]·h[j], with samples outside the input taken as zero.</summary>
    private static float Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> h, long first)
    {
        int taps = h.Length;
        if (first >= 0 && first + taps <= input.Length)
        {
            return Dot(input.Slice((int)first, taps), h);
        }

        float acc = 0f;
        for (int j = 0; j < taps; j++)
        {
            long k = first + j;
            if (k >= 0 && k < input.Length)
            {
                acc += input[(int)k] * h[j];
            }
        }

        return acc;
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

        /// <summary>The kernel's normalised bandwidth r = 2·f_c/fromRate (the sinc's rate in input samples).</summary>
        public double Bandwidth => _r;

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

/// <summary>The work one resampling call did: table phases, whether phases were interpolated, kernel evaluations and multiply-adds.</summary>
/// <param name="Phases">Rows of the phase table (L when exact, P when interpolated; the interpolated table holds P + 1 rows).</param>
/// <param name="Interpolated">True when outputs blend two tabulated phases.</param>
/// <param name="KernelEvaluations">Windowed-sinc evaluations (each a Bessel series and a sine) to build the table.</param>
/// <param name="MultiplyAdds">Multiply-adds of the dot products, taps per output sample (twice that when interpolated).</param>
internal readonly record struct ResamplerWork(int Phases, bool Interpolated, long KernelEvaluations, long MultiplyAdds);
