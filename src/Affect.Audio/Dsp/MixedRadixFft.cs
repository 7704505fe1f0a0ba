namespace Affect.Audio.Dsp;

/// <summary>
/// Power spectrum |X[k]|² (k = 0..N/2) of N real samples for any N, by recursive mixed-radix Cooley–Tukey over N's prime
/// factors, X[k] = Σ x[n]·e^(−2πikn/N). auDeep uses the window length (e.g. 1280 samples = 80 ms at 16 kHz) as the FFT
/// size, which is not a power of two, so <see cref="OpenSmileRealFft"/> does not apply.
/// </summary>
/// <remarks>Instances hold only the twiddle table and are safe to share between threads.</remarks>
public sealed class MixedRadixFft
{
    private readonly double[] cos;
    private readonly double[] sin;

    /// <summary>Creates the twiddle table for transforms of <paramref name="size"/> samples.</summary>
    /// <param name="size">Transform length, at least 1.</param>
    public MixedRadixFft(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        cos = new double[size];
        sin = new double[size];
        for (int i = 0; i < size; i++)
        {
            cos[i] = Math.Cos(2.0 * Math.PI * i / size);
            sin[i] = -Math.Sin(2.0 * Math.PI * i / size);
        }
    }

    /// <summary>Transform length N.</summary>
    public int Size { get; }

    /// <summary>Number of non-negative frequency bins, ⌊N/2⌋ + 1.</summary>
    public int BinCount => (Size / 2) + 1;

    /// <summary>Writes |X[k]|² for k = 0..⌊N/2⌋ of <paramref name="input"/> (exactly N samples) to <paramref name="power"/>.</summary>
    /// <param name="input">N real samples.</param>
    /// <param name="power">At least <see cref="BinCount"/> values.</param>
    public void Power(ReadOnlySpan<double> input, Span<double> power)
    {
        if (input.Length != Size)
        {
            throw new ArgumentException($"input has {input.Length} samples, expected {Size}", nameof(input));
        }

        if (power.Length < BinCount)
        {
            throw new ArgumentException($"power span needs {BinCount} bins", nameof(power));
        }

        var re = new double[Size];
        var im = new double[Size];
        var scratchRe = new double[Size];
        var scratchIm = new double[Size];
        var inRe = input.ToArray();
        Transform(inRe, new double[Size], 0, 1, Size, re, im, 0, scratchRe, scratchIm);
        for (int k = 0; k < BinCount; k++)
        {
            power[k] = (re[k] * re[k]) + (im[k] * im[k]);
        }
    }

    // DFT of the n samples x[offset + j·stride] (j < n) into outRe/outIm[outOffset .. outOffset + n).
    private void Transform(double[] xRe, double[] xIm, int offset, int stride, int n, double[] outRe, double[] outIm, int outOffset, double[] tmpRe, double[] tmpIm)
    {
        if (n == 1)
        {
            outRe[outOffset] = xRe[offset];
            outIm[outOffset] = xIm[offset];
            return;
        }

        int p = SmallestFactor(n);
        int m = n / p;
        int twiddleStep = Size / n;
        if (p == n)
        {
            // Direct DFT of a prime length.
            for (int k = 0; k < n; k++)
            {
                double sr = 0, si = 0;
                for (int j = 0; j < n; j++)
                {
                    int t = (int)((long)j * k % n) * twiddleStep;
                    double vr = xRe[offset + (j * stride)], vi = xIm[offset + (j * stride)];
                    sr += (vr * cos[t]) - (vi * sin[t]);
                    si += (vr * sin[t]) + (vi * cos[t]);
                }

                tmpRe[outOffset + k] = sr;
                tmpIm[outOffset + k] = si;
            }

            Array.Copy(tmpRe, outOffset, outRe, outOffset, n);
            Array.Copy(tmpIm, outOffset, outIm, outOffset, n);
            return;
        }

        // p sub-transforms of length m over the decimated sequences x[r + p·j], stored at outOffset + r·m.
        for (int r = 0; r < p; r++)
        {
            Transform(xRe, xIm, offset + (r * stride), stride * p, m, outRe, outIm, outOffset + (r * m), tmpRe, tmpIm);
        }

        // X[k] = Σ_r W_n^{r·k} Y_r[k mod m].
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            int km = k % m;
            for (int r = 0; r < p; r++)
            {
                int t = (int)((long)r * k % n) * twiddleStep;
                double vr = outRe[outOffset + (r * m) + km], vi = outIm[outOffset + (r * m) + km];
                sr += (vr * cos[t]) - (vi * sin[t]);
                si += (vr * sin[t]) + (vi * cos[t]);
            }

            tmpRe[outOffset + k] = sr;
            tmpIm[outOffset + k] = si;
        }

        Array.Copy(tmpRe, outOffset, outRe, outOffset, n);
        Array.Copy(tmpIm, outOffset, outIm, outOffset, n);
    }

    private static int SmallestFactor(int n)
    {
        if (n % 2 == 0)
        {
            return 2;
        }

        for (int f = 3; (long)f * f <= n; f += 2)
        {
            if (n % f == 0)
            {
                return f;
            }
        }

        return n;
    }
}
