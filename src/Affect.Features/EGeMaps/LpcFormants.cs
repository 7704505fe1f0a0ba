using System.Numerics;

namespace Affect.Features.EGeMaps;

/// <summary>
/// Formant frequencies and bandwidths as eGeMAPS computes them (openSMILE cSpecResample → cLpc → cFormantLpc): the
/// 20 ms Hamming frame's packed FFT (512 points) is resampled to 11 kHz by an inverse DFT that keeps the first 220
/// output samples (the original frame length) and the bins below min(K, I); an order-11 autocorrelation LPC
/// (Levinson–Durbin) follows, the roots of openSMILE's coefficient polynomial z¹¹ − Σ a_k z^(11−k) are moved inside
/// the unit circle, and every root with Im ≥ 0 whose frequency f = |arg z|/(2πT) lies in 50–5450 Hz is a formant with
/// bandwidth −ln|z|/(πT); up to five, sorted by frequency.
/// </summary>
internal sealed class LpcFormants
{
    /// <summary>Number of formants reported (F1..F5; eGeMAPS uses the first three).</summary>
    public const int Count = 5;

    private const int Order = 11;
    private const double TargetRate = 11000.0;
    private const double MinHz = 50.0;
    private const double MaxHz = 5450.0;

    private readonly int inputSize;
    private readonly int outputSize;
    private readonly int kMax;
    private readonly float[] cosTable;
    private readonly float[] sinTable;
    private readonly float[] resampled;
    private readonly float[] acf = new float[Order + 1];
    private readonly float[] lpc = new float[Order];
    private readonly double samplePeriod;

    /// <param name="fftSize">Packed FFT length K (512).</param>
    /// <param name="frameSize">Original frame length in samples (320).</param>
    /// <param name="sampleRate">Input sample rate (16000).</param>
    public LpcFormants(int fftSize, int frameSize, double sampleRate)
    {
        inputSize = fftSize;
        double ratio = TargetRate / sampleRate;
        double lastToPadded = frameSize / (double)fftSize;
        double nOut0 = Math.Round(fftSize * ratio * lastToPadded);
        double newRatio = nOut0 / (fftSize * lastToPadded);
        outputSize = (int)nOut0;
        double nd = fftSize * newRatio; // the period of the inverse DFT
        samplePeriod = 1.0 / (sampleRate * newRatio);
        int k = Math.Min(fftSize, outputSize);
        kMax = (k & 1) == 1 ? k - 1 : k;
        int half = kMax / 2;
        cosTable = new float[half * outputSize];
        sinTable = new float[half * outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            for (int kk = 2; kk < kMax; kk += 2)
            {
                double kn = 2.0 * Math.PI * ((kk / 2) * i) / nd;
                cosTable[(i * half) + (kk / 2)] = (float)Math.Cos(kn);
                sinTable[(i * half) + (kk / 2)] = (float)Math.Sin(kn);
            }
        }

        resampled = new float[outputSize];
    }

    /// <summary>Formant frequencies (Hz) and bandwidths (Hz) of one frame; zeros where fewer than five are found.</summary>
    /// <param name="packedFft">The frame's packed real FFT (Ooura layout, <see cref="Affect.Audio.Dsp.OpenSmileRealFft"/>).</param>
    /// <param name="frequencies">Destination, <see cref="Count"/> values.</param>
    /// <param name="bandwidths">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<float> packedFft, Span<float> frequencies, Span<float> bandwidths)
    {
        int half = kMax / 2;
        float scale = inputSize / 2;
        for (int i = 0; i < outputSize; i++)
        {
            float o = packedFft[0];
            int row = i * half;
            for (int kk = 2; kk < kMax; kk += 2)
            {
                o += packedFft[kk] * cosTable[row + (kk / 2)];
                o += packedFft[kk + 1] * sinTable[row + (kk / 2)];
            }

            resampled[i] = o / scale;
        }

        for (int lag = Order; lag >= 0; lag--)
        {
            float s = 0f;
            for (int i = lag; i < outputSize; i++)
            {
                s += resampled[i] * resampled[i - lag];
            }

            acf[lag] = s;
        }

        Levinson(acf, lpc);

        // cFormantLpc: polynomial coefficients (ascending powers) −a_p, …, −a_1, 1.
        Span<double> poly = stackalloc double[Order + 1];
        for (int i = 0; i < Order; i++)
        {
            poly[i] = -lpc[Order - i - 1];
        }

        poly[Order] = 1.0;
        Span<Complex> roots = stackalloc Complex[Order];
        PolynomialRoots(poly, roots);
        Span<double> f = stackalloc double[Count];
        Span<double> b = stackalloc double[Count];
        f.Clear();
        b.Clear();
        int n = 0;
        double spPi = samplePeriod * Math.PI;
        for (int i = 0; i < Order && n < Count; i++)
        {
            Complex z = roots[i];
            if (z.Magnitude > 1.0)
            {
                z = 1.0 / Complex.Conjugate(z);
            }

            if (z.Imaginary < 0)
            {
                continue;
            }

            double hz = Math.Abs(Math.Atan2(z.Imaginary, z.Real)) / (2.0 * spPi);
            if (hz >= MinHz && hz <= MaxHz)
            {
                b[n] = -Math.Log(z.Magnitude) / spPi;
                f[n] = hz;
                n++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (f[j] < f[i])
                {
                    (f[i], f[j]) = (f[j], f[i]);
                    (b[i], b[j]) = (b[j], b[i]);
                }
            }
        }

        for (int i = 0; i < Count; i++)
        {
            frequencies[i] = (float)f[i];
            bandwidths[i] = (float)b[i];
        }
    }

    // smileDsp_calcLpcAcf: Levinson–Durbin in float32, A(z) = 1 + Σ a_i z^−i.
    private static void Levinson(ReadOnlySpan<float> r, Span<float> a)
    {
        int p = a.Length;
        a.Clear();
        if (r[0] == 0f)
        {
            return;
        }

        float e = r[0];
        for (int m = 1; m <= p; m++)
        {
            float sum = r[m];
            for (int i = 1; i < m; i++)
            {
                sum += a[i - 1] * r[m - i];
            }

            float k = -1f / e * sum;
            a[m - 1] = k;
            for (int i = 1; i <= m / 2; i++)
            {
                float x = a[i - 1];
                a[i - 1] += k * a[m - i - 1];
                if (i < m / 2 || (m & 1) == 1)
                {
                    a[m - i - 1] += k * x;
                }
            }

            e *= 1f - (k * k);
            if (e == 0f)
            {
                for (int i = m; i < p; i++)
                {
                    a[i] = 0f;
                }

                break;
            }
        }
    }

    // Roots of a monic polynomial (ascending coefficients) by Aberth–Ehrlich iteration, then Newton polishing.
    private static void PolynomialRoots(ReadOnlySpan<double> c, Span<Complex> roots)
    {
        int n = c.Length - 1;
        double bound = 0;
        for (int i = 0; i < n; i++)
        {
            bound = Math.Max(bound, Math.Abs(c[i]));
        }

        double radius = Math.Min(1 + bound, 2.0);
        for (int i = 0; i < n; i++)
        {
            roots[i] = Complex.FromPolarCoordinates(radius * 0.9, (2 * Math.PI * i / n) + 0.4);
        }

        for (int iter = 0; iter < 500; iter++)
        {
            double maxStep = 0;
            for (int i = 0; i < n; i++)
            {
                Complex z = roots[i];
                Complex p = c[n], dp = Complex.Zero;
                for (int k = n - 1; k >= 0; k--)
                {
                    dp = (dp * z) + p;
                    p = (p * z) + c[k];
                }

                if (p == Complex.Zero)
                {
                    continue;
                }

                Complex ratio = p / dp;
                Complex sum = Complex.Zero;
                for (int j = 0; j < n; j++)
                {
                    if (j != i)
                    {
                        sum += 1.0 / (z - roots[j]);
                    }
                }

                Complex step = ratio / (1.0 - (ratio * sum));
                if (double.IsFinite(step.Real) && double.IsFinite(step.Imaginary))
                {
                    roots[i] = z - step;
                    maxStep = Math.Max(maxStep, step.Magnitude);
                }
            }

            if (maxStep < 1e-14)
            {
                break;
            }
        }

        // Real roots come out with a rounding-level imaginary part; make them real as a QR solver would.
        for (int i = 0; i < n; i++)
        {
            if (Math.Abs(roots[i].Imaginary) < 1e-12 * Math.Max(1.0, roots[i].Magnitude))
            {
                roots[i] = new Complex(roots[i].Real, 0.0);
            }
        }
    }
}
