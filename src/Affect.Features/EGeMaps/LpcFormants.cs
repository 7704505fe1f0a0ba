using System.Numerics;
using Affect.Features.Lld;

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
    private readonly Complex[] roots; // the previous frame's roots: the starting point of the next frame's iteration

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
                cosTable[((kk / 2) * outputSize) + i] = (float)Math.Cos(kn);
                sinTable[((kk / 2) * outputSize) + i] = (float)Math.Sin(kn);
            }
        }

        resampled = new float[outputSize];
        roots = new Complex[Order];
        for (int i = 0; i < Order; i++)
        {
            roots[i] = Complex.FromPolarCoordinates(0.9, (2 * Math.PI * i / Order) + 0.4);
        }
    }

    /// <summary>Formant frequencies (Hz) and bandwidths (Hz) of one frame; zeros where fewer than five are found.</summary>
    /// <param name="packedFft">The frame's packed real FFT (Ooura layout, <see cref="Affect.Audio.Dsp.OpenSmileRealFft"/>).</param>
    /// <param name="frequencies">Destination, <see cref="Count"/> values.</param>
    /// <param name="bandwidths">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<float> packedFft, Span<float> frequencies, Span<float> bandwidths)
    {
        // Inverse DFT (smileDsp_irdft): out[i] = (X0 + Σ_k Re_k·cos(2πki/nd) + Im_k·sin(2πki/nd)) / (K/2), accumulated in
        // float in openSMILE's order (k ascending, cosine term then sine term) — the LPC of low-level frames is ill-conditioned
        // enough for the summation order to matter — with several output samples per vector lane.
        int half = kMax / 2;
        float scale = inputSize / 2;
        Span<float> o = resampled;
        o.Fill(packedFft[0]);
        int width = Vector<float>.Count;
        for (int kk = 1; kk < half; kk++)
        {
            float re = packedFft[2 * kk];
            float im = packedFft[(2 * kk) + 1];
            ReadOnlySpan<float> cos = cosTable.AsSpan(kk * outputSize, outputSize);
            ReadOnlySpan<float> sin = sinTable.AsSpan(kk * outputSize, outputSize);
            var vre = new Vector<float>(re);
            var vim = new Vector<float>(im);
            int i = 0;
            for (; i <= outputSize - width; i += width)
            {
                var acc = new Vector<float>(o[i..]);
                acc += vre * new Vector<float>(cos[i..]);
                acc += vim * new Vector<float>(sin[i..]);
                acc.CopyTo(o[i..]);
            }

            for (; i < outputSize; i++)
            {
                float v = o[i];
                v += re * cos[i];
                v += im * sin[i];
                o[i] = v;
            }
        }

        for (int i = 0; i < outputSize; i++)
        {
            o[i] /= scale;
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

        LinearPrediction.Levinson(acf, lpc);

        // cFormantLpc: polynomial coefficients (ascending powers) −a_p, …, −a_1, 1.
        Span<double> poly = stackalloc double[Order + 1];
        for (int i = 0; i < Order; i++)
        {
            poly[i] = -lpc[Order - i - 1];
        }

        poly[Order] = 1.0;
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

    // Roots of a monic polynomial (ascending coefficients) by Aberth–Ehrlich iteration from the given starting points
    // (the previous frame's roots: consecutive LPC polynomials are close, so a few iterations suffice).
    private static void PolynomialRoots(ReadOnlySpan<double> c, Span<Complex> roots)
    {
        int n = c.Length - 1;
        for (int i = 0; i < n; i++)
        {
            // Coincident or non-finite starting points would stall the iteration: spread them on a circle.
            bool bad = !double.IsFinite(roots[i].Real) || !double.IsFinite(roots[i].Imaginary);
            for (int j = 0; j < i && !bad; j++)
            {
                bad = (roots[i] - roots[j]).Magnitude < 1e-6;
            }

            if (bad)
            {
                roots[i] = Complex.FromPolarCoordinates(0.9, (2 * Math.PI * i / n) + 0.4);
            }
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
