using Affect.Audio.Dsp;

namespace Affect.Features.EGeMaps;

/// <summary>
/// openSMILE cHarmonics as eGeMAPS configures it, on the 60 ms Gaussian-window |FFT| (1024 points) with F0final and the
/// LPC formants of the same frame: the harmonic-to-noise ratio from the autocorrelation (inverse FFT of |X|²),
/// HNR = 10·log10(r[T0]/(r[0] − r[T0])) at the ACF peak nearest to fs/F0; up to 100 harmonic peaks near h·F0 with
/// magnitudes relative to the F0 peak, 20·log10(A_h/A_0) (parabolic interpolation); the differences H1−H2 and H1−A3
/// (openSMILE's harmonic indices 1 and 2, and the strongest harmonic within ±20 % of F3), and the formant amplitudes
/// A1..A3 relative to F0. Unvoiced frames (F0 = 0): HNR 0, differences 0, amplitudes −201.
/// </summary>
internal sealed class HarmonicAnalysis
{
    /// <summary>Values per frame: HNRdBACF, H1−H2, H1−A3, F1/F2/F3 amplitude (dB re F0).</summary>
    public const int Count = 6;

    private const int HarmonicCount = 100;
    private const float UnvoicedLogRel = -201f;

    private readonly int bins;
    private readonly double[] frequency;
    private readonly OpenSmileRealFft fft;
    private readonly float[] acfData;
    private readonly float[] acf;
    private readonly Harmonic[] harmonics = new Harmonic[HarmonicCount];

    /// <param name="binCount">Magnitude bins (513).</param>
    /// <param name="binHz">Bin spacing (15.625 Hz).</param>
    public HarmonicAnalysis(int binCount, double binHz)
    {
        bins = binCount;
        frequency = new double[binCount];
        for (int i = 0; i < binCount; i++)
        {
            frequency[i] = i * binHz;
        }

        fft = new OpenSmileRealFft((binCount - 1) * 2);
        acfData = new float[(binCount - 1) * 2];
        acf = new float[binCount];
    }

    private struct Harmonic
    {
        public int Bin;
        public float FreqInterpolated;
        public float Magnitude;
        public float MagnitudeInterpolated;
        public float LogRel;
    }

    /// <summary>Computes the six values of one frame.</summary>
    /// <param name="magnitude">|X[k]| of the 60 ms frame (513 bins).</param>
    /// <param name="f0">F0final in Hz (0 when unvoiced).</param>
    /// <param name="formantHz">Formant frequencies of the frame (at least three).</param>
    /// <param name="output">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<float> magnitude, float f0, ReadOnlySpan<float> formantHz, Span<float> output)
    {
        output[0] = Hnr(magnitude, f0);
        if (!(f0 > 0f))
        {
            output[1] = 0f;
            output[2] = 0f;
            output[3] = UnvoicedLogRel;
            output[4] = UnvoicedLogRel;
            output[5] = UnvoicedLogRel;
            return;
        }

        FindHarmonicPeaks(f0, magnitude);
        PostProcess();
        Span<int> formantIdx = stackalloc int[3];
        for (int f = 0; f < 3; f++)
        {
            float left = 0.8f * formantHz[f];
            float right = 1.2f * formantHz[f];
            int maxIdx = -1;
            float maxMag = 0f;
            for (int h = 0; h < HarmonicCount; h++)
            {
                if (harmonics[h].FreqInterpolated >= left && harmonics[h].FreqInterpolated <= right && harmonics[h].Magnitude > maxMag)
                {
                    maxIdx = h;
                    maxMag = harmonics[h].Magnitude;
                }
            }

            formantIdx[f] = maxIdx;
        }

        output[1] = Difference(1, 2);
        output[2] = Difference(1, formantIdx[2]);
        for (int f = 0; f < 3; f++)
        {
            output[3 + f] = formantIdx[f] >= 0 ? harmonics[formantIdx[f]].LogRel : 0f;
        }
    }

    private float Difference(int h1, int h2)
    {
        float d;
        if (h1 >= 0 && h2 >= 0)
        {
            d = harmonics[h1].LogRel - harmonics[h2].LogRel;
        }
        else if (h1 >= 0)
        {
            d = harmonics[h1].LogRel - 201f;
        }
        else if (h2 >= 0)
        {
            d = -201f - harmonics[h2].LogRel;
        }
        else
        {
            return 0f;
        }

        return Math.Clamp(d, -201f, 201f);
    }

    private float Hnr(ReadOnlySpan<float> magnitude, float f0)
    {
        // ACF = inverse real FFT of |X|² (imaginary parts 0): the forward transform of the even extension gives twice
        // Ooura's rdft(−1) output; the factor cancels in the ratio below and in the peak search.
        int n = acfData.Length;
        for (int k = 0; k < bins; k++)
        {
            float p = magnitude[k] * magnitude[k];
            acfData[k] = p;
            if (k > 0 && k < bins - 1)
            {
                acfData[n - k] = p;
            }
        }

        fft.Forward(acfData);
        acf[0] = MathF.Abs(acfData[0]) / bins;
        acf[bins - 1] = MathF.Abs(acfData[1]) / bins;
        for (int i = 1; i < bins - 1; i++)
        {
            acf[i] = MathF.Abs(acfData[2 * i]) / bins;
        }

        double fs = frequency[bins - 1] * 2.0;
        int t0 = f0 > 0f ? (int)Math.Floor(fs / f0) : 0;
        if (t0 <= 0)
        {
            return 0f;
        }

        int peak = ClosestPeak(acf, bins, t0);
        if (peak <= 0)
        {
            return 0f;
        }

        double hnr = acf[0] - acf[peak];
        hnr = hnr == 0.0 ? 10e10 : acf[peak] / hnr;
        double db = hnr > 10e10 ? 10.0 * Math.Log10(10e10) : hnr < 10e-10 ? 10.0 * Math.Log10(10e-10) : 10.0 * Math.Log10(hnr);
        return (float)db;
    }

    private static bool IsPeak(ReadOnlySpan<float> x, int n, int i)
    {
        if (i >= n || i < 0)
        {
            return false;
        }

        if (i + 1 < n)
        {
            return i > 0 ? x[i] > x[i - 1] && x[i] > x[i + 1] : x[0] > x[1];
        }

        return i > 0 && x[i] > x[i - 1];
    }

    private static int ClosestPeak(ReadOnlySpan<float> x, int n, int idx)
    {
        if (IsPeak(x, n, idx))
        {
            return idx;
        }

        int o = 1;
        while (idx - o > 0 || idx + o < n - 1)
        {
            if (idx - o > 0 && IsPeak(x, n, idx - o))
            {
                return idx - o;
            }

            if (idx + o < n - 1 && IsPeak(x, n, idx + o))
            {
                return idx + o;
            }

            o++;
        }

        if (x[0] > x[idx] && x[n - 1] <= x[idx])
        {
            return 0;
        }

        if (x[0] <= x[idx] && x[n - 1] > x[idx])
        {
            return n - 1;
        }

        if (x[0] > x[idx] && x[n - 1] > x[idx])
        {
            return idx < n / 2 ? 0 : n - 1;
        }

        return idx;
    }

    private int FreqToBin(float freq, int startBin)
    {
        for (; startBin < bins; startBin++)
        {
            if (frequency[startBin] > freq)
            {
                return frequency[startBin] - freq > freq - frequency[startBin - 1] ? startBin - 1 : startBin;
            }
        }

        return 0;
    }

    private void FindHarmonicPeaks(float f0, ReadOnlySpan<float> mag)
    {
        int lastBin = FreqToBin(0.5f * f0, 1);
        int firstBin = FreqToBin(0.5f * f0, lastBin);
        for (int i = 0; i < HarmonicCount; i++)
        {
            ref Harmonic h = ref harmonics[i];
            int candBin = FreqToBin((i + 1) * f0, lastBin);
            int peakBin = -1;
            if (candBin >= bins)
            {
                h = new Harmonic { Bin = -1, LogRel = -201f };
                continue;
            }

            if (IsPeak(mag, bins, candBin))
            {
                peakBin = candBin;
            }
            else
            {
                int l = candBin - 1;
                int r = candBin + 1;
                int lower = FreqToBin((i + 0.5f) * f0, lastBin);
                int upper = FreqToBin((i + 1.5f) * f0, candBin);
                while ((l >= lower || r <= upper) && peakBin == -1)
                {
                    if (r <= upper)
                    {
                        if (IsPeak(mag, bins, r))
                        {
                            peakBin = r;
                            break;
                        }

                        r++;
                    }

                    if (l >= lower)
                    {
                        if (IsPeak(mag, bins, l))
                        {
                            peakBin = l;
                            break;
                        }

                        l--;
                    }
                }
            }

            h.LogRel = -201f;
            if (peakBin >= firstBin && peakBin < bins - 1)
            {
                h.Bin = peakBin;
                h.Magnitude = mag[peakBin];
                double x = Voicing.ShsPitchAnalyzer.ParabolicPeak(
                    frequency[peakBin - 1], mag[peakBin - 1], frequency[peakBin], mag[peakBin], frequency[peakBin + 1], mag[peakBin + 1], out double peak);
                h.FreqInterpolated = (float)x;
                h.MagnitudeInterpolated = (float)peak;
            }
            else
            {
                h.Bin = candBin;
                h.FreqInterpolated = 0f;
                h.Magnitude = 0f;
                h.MagnitudeInterpolated = 0f;
            }

            lastBin = candBin;
        }
    }

    private void PostProcess()
    {
        bool logRel = true;
        float magF0 = harmonics[0].Magnitude;
        if (magF0 == 0f)
        {
            logRel = false;
        }
        else
        {
            magF0 = MathF.Log10(magF0);
        }

        harmonics[0].LogRel = 0f;
        for (int i = 1; i < HarmonicCount; i++)
        {
            ref Harmonic h = ref harmonics[i];
            if (logRel)
            {
                if (h.MagnitudeInterpolated > 0f)
                {
                    double tmp = Math.Log10(h.MagnitudeInterpolated);
                    h.LogRel = (float)(20.0 * (tmp - magF0));
                    if (h.LogRel < -200f)
                    {
                        h.LogRel = -200f;
                    }
                }
                else
                {
                    h.LogRel = -200f;
                }
            }
            else
            {
                h.LogRel = -201f;
            }

            if (h.Bin == harmonics[i - 1].Bin)
            {
                h = new Harmonic { Bin = 0, LogRel = -201f };
            }
        }
    }
}
