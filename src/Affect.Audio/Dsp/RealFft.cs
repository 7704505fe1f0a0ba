using System.Numerics;

namespace Affect.Audio.Dsp;

/// <summary>
/// Radix-2 real FFT of a fixed power-of-two size N, computed as an N/2-point complex FFT plus one split step.
/// Forward transform X[k] = Σ x[n]·e^(−2πikn/N) for k = 0..N/2 (unnormalised, like openSMILE's cTransformFFT).
/// </summary>
/// <remarks>
/// Instances hold only precomputed tables and are safe to share between threads; all work buffers are caller spans.
/// The butterflies of every stage read their twiddles from one contiguous per-stage table and run
/// <see cref="Vector{T}"/>-wide where a stage has at least that many butterflies per group (same arithmetic per lane as
/// the scalar loop, so results do not depend on the vector width).
/// </remarks>
public sealed class RealFft
{
    private readonly int half;
    private readonly double[] stageCos; // twiddles of stage len = 2^s at [len/2 − 1 + j], j < len/2
    private readonly double[] stageSin;
    private readonly int[] bitReverse;
    private readonly double[] cosTable; // twiddles of the half-size complex FFT
    private readonly double[] sinTable;
    private readonly double[] splitCos; // twiddles of the real split step
    private readonly double[] splitSin;

    /// <summary>Creates the tables for a transform of <paramref name="size"/> real samples.</summary>
    /// <param name="size">Transform length; a power of two, at least 4.</param>
    public RealFft(int size)
    {
        if (size < 4 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two ≥ 4");
        }

        Size = size;
        half = size / 2;
        bitReverse = new int[half];
        int bits = System.Numerics.BitOperations.Log2((uint)half);
        for (int i = 0; i < half; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            bitReverse[i] = r;
        }

        cosTable = new double[Math.Max(1, half / 2)];
        sinTable = new double[Math.Max(1, half / 2)];
        for (int i = 0; i < half / 2; i++)
        {
            cosTable[i] = Math.Cos(2.0 * Math.PI * i / half);
            sinTable[i] = -Math.Sin(2.0 * Math.PI * i / half);
        }

        // Per-stage contiguous copies of the same table entries (bit-identical to indexing cosTable[j·half/len]).
        stageCos = new double[Math.Max(1, half)];
        stageSin = new double[Math.Max(1, half)];
        for (int len = 2; len <= half; len <<= 1)
        {
            int halfLen = len >> 1;
            int step = half / len;
            for (int j = 0; j < halfLen; j++)
            {
                stageCos[halfLen - 1 + j] = cosTable[j * step];
                stageSin[halfLen - 1 + j] = sinTable[j * step];
            }
        }

        splitCos = new double[half];
        splitSin = new double[half];
        for (int k = 0; k < half; k++)
        {
            splitCos[k] = Math.Cos(2.0 * Math.PI * k / size);
            splitSin[k] = -Math.Sin(2.0 * Math.PI * k / size);
        }
    }

    /// <summary>Transform length N.</summary>
    public int Size { get; }

    /// <summary>Number of non-negative frequency bins, N/2 + 1.</summary>
    public int BinCount => half + 1;

    /// <summary>Smallest power of two that is ≥ <paramref name="n"/> (and ≥ 4): the FFT size openSMILE zero-pads a frame to.</summary>
    /// <param name="n">Frame length in samples.</param>
    public static int NextPowerOfTwo(int n)
    {
        int size = 4;
        while (size < n)
        {
            size <<= 1;
        }

        return size;
    }

    /// <summary>
    /// Forward transform of <paramref name="input"/> (exactly N samples). Writes the N/2+1 complex bins to
    /// <paramref name="real"/> and <paramref name="imag"/> (each at least N/2+1 long).
    /// </summary>
    /// <param name="input">N real samples.</param>
    /// <param name="real">Real parts of X[0..N/2].</param>
    /// <param name="imag">Imaginary parts of X[0..N/2].</param>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imag)
    {
        if (input.Length != Size)
        {
            throw new ArgumentException($"input has {input.Length} samples, expected {Size}", nameof(input));
        }

        if (real.Length < BinCount || imag.Length < BinCount)
        {
            throw new ArgumentException($"output spans need {BinCount} bins");
        }

        // Pack even/odd samples as one complex sequence z[n] = x[2n] + i·x[2n+1], bit-reversed.
        for (int n = 0; n < half; n++)
        {
            int r = bitReverse[n];
            real[r] = input[2 * n];
            imag[r] = input[(2 * n) + 1];
        }

        // Iterative radix-2 decimation-in-time butterflies on z.
        int lanes = Vector<double>.Count;
        for (int len = 2; len <= half; len <<= 1)
        {
            int halfLen = len >> 1;
            ReadOnlySpan<double> wCos = stageCos.AsSpan(halfLen - 1, halfLen);
            ReadOnlySpan<double> wSin = stageSin.AsSpan(halfLen - 1, halfLen);
            if (halfLen >= lanes && halfLen % lanes == 0)
            {
                for (int start = 0; start < half; start += len)
                {
                    Span<double> ar = real.Slice(start, halfLen), ai = imag.Slice(start, halfLen);
                    Span<double> br = real.Slice(start + halfLen, halfLen), bi = imag.Slice(start + halfLen, halfLen);
                    for (int j = 0; j < halfLen; j += lanes)
                    {
                        var wr = new Vector<double>(wCos[j..]);
                        var wi = new Vector<double>(wSin[j..]);
                        var xr = new Vector<double>(br[j..]);
                        var xi = new Vector<double>(bi[j..]);
                        var yr = new Vector<double>(ar[j..]);
                        var yi = new Vector<double>(ai[j..]);
                        var tr = (xr * wr) - (xi * wi);
                        var ti = (xr * wi) + (xi * wr);
                        (yr - tr).CopyTo(br[j..]);
                        (yi - ti).CopyTo(bi[j..]);
                        (yr + tr).CopyTo(ar[j..]);
                        (yi + ti).CopyTo(ai[j..]);
                    }
                }

                continue;
            }

            for (int start = 0; start < half; start += len)
            {
                for (int j = 0; j < halfLen; j++)
                {
                    double wr = wCos[j];
                    double wi = wSin[j];
                    int a = start + j;
                    int b = a + halfLen;
                    double tr = (real[b] * wr) - (imag[b] * wi);
                    double ti = (real[b] * wi) + (imag[b] * wr);
                    real[b] = real[a] - tr;
                    imag[b] = imag[a] - ti;
                    real[a] += tr;
                    imag[a] += ti;
                }
            }
        }

        // Split: X[k] = E[k] + W^k·O[k] with E[k] = (Z[k]+conj Z[M−k])/2, O[k] = (Z[k]−conj Z[M−k])/(2i), M = N/2;
        // and X[M−k] = conj(E[k] − W^k·O[k]), so each pair (k, M−k) is computed from the same two inputs in place.
        double z0r = real[0];
        double z0i = imag[0];
        for (int k = 1; k <= half / 2; k++)
        {
            int m = half - k;
            double ar = real[k], ai = imag[k];
            double br = real[m], bi = imag[m];
            double er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
            double or = 0.5 * (ai + bi), oi = -0.5 * (ar - br);
            double wr = splitCos[k], wi = splitSin[k];
            double tr = (or * wr) - (oi * wi);
            double ti = (or * wi) + (oi * wr);
            real[k] = er + tr;
            imag[k] = ei + ti;
            if (m != k)
            {
                real[m] = er - tr;
                imag[m] = ti - ei;
            }
        }

        real[0] = z0r + z0i;
        imag[0] = 0;
        real[half] = z0r - z0i;
        imag[half] = 0;
    }
}
