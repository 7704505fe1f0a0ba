using System.Numerics;
using Affect.Audio.Dsp;
using Affect.Features.Lld;

namespace Affect.Features.Voicing;

/// <summary>
/// Per-frame pitch candidates by sub-harmonic summation (Hermes 1988) as in openSMILE's cSpecScale + cPitchShs chain:
/// Gaussian-windowed 60 ms frame → |FFT| (1024) → peak enhancement and smoothing → natural cubic spline onto an
/// octave (log2) axis from 25 Hz → auditory weighting → SHS over 15 harmonics (compression 0.85) → up to six
/// candidates with voicing 1 − mean(SS)/peak(SS), restricted to 52–620 Hz.
/// </summary>
internal sealed class ShsPitchAnalyzer
{
    internal const int FrameSize = 960;
    internal const int FftSize = 1024;
    internal const int BinCount = (FftSize / 2) + 1;
    internal const int CandidateCount = 6;
    private const int Harmonics = 15;
    private const float Compression = 0.85f;
    private readonly double minPitch;
    private readonly double maxPitch;

    private static readonly Tables Shared = new();

    private readonly float[] fftIn = new float[FftSize];
    private readonly float[] magnitude = new float[BinCount];
    private readonly double[] y = new double[BinCount];
    private readonly double[] y2 = new double[BinCount];
    private readonly double[] u = new double[BinCount];
    private readonly int[] peaks = new int[BinCount];
    private readonly float[] scaled = new float[BinCount];
    private readonly float[] ss = new float[BinCount];

    /// <summary>Creates an analyser whose candidates are restricted to [<paramref name="minPitch"/>, <paramref name="maxPitch"/>] Hz
    /// (cPitchShs minPitch/maxPitch: 52–620 Hz in ComParE 2016, 55–1000 Hz in eGeMAPS).</summary>
    public ShsPitchAnalyzer(double minPitch = 52.0, double maxPitch = 620.0)
    {
        this.minPitch = minPitch;
        this.maxPitch = maxPitch;
    }

    /// <summary>The |FFT| (1024 points, 513 bins) of the last analysed Gaussian-windowed frame (openSMILE's fftmagG60 level).</summary>
    public ReadOnlySpan<float> Magnitude => magnitude;

    /// <summary>Analyses one frame (exactly 960 samples); fills six candidate F0s, voicings and scores; returns the Gaussian-windowed frame RMS.</summary>
    public double Analyze(ReadOnlySpan<float> frame, Span<float> f0, Span<float> voicing, Span<float> score)
    {
        Tables t = Shared;
        double energy = 0;
        const int pad = (FftSize - FrameSize) / 2; // zeroPadSymmetric = 1
        for (int i = 0; i < FrameSize; i++)
        {
            float w = frame[i] * (float)t.Window[i]; // cWindower: sample · (float)w[i]
            energy += (double)(w * w); // cEnergy: float squares summed in double
            fftIn[pad + i] = w;
        }

        Array.Clear(fftIn, 0, pad);
        Array.Clear(fftIn, pad + FrameSize, FftSize - FrameSize - pad);
        t.Fft.Forward(fftIn);
        SpectrumMagnitude.Compute(fftIn, magnitude, Span<float>.Empty);
        for (int k = 0; k < BinCount; k++)
        {
            y[k] = magnitude[k];
        }

        EnhancePeaks(y);
        SmoothSpectrum(y);
        SplineToOctaveScale(t);
        int n = SubharmonicCandidates(t, f0, voicing, score);
        PostProcess(n, f0, voicing, score);
        return Math.Sqrt(energy / FrameSize);
    }

    // Spectral peak enhancement: zero everything further than 2 bins from a local maximum.
    private void EnhancePeaks(double[] a)
    {
        int n = a.Length;
        int nmax = 0;
        if (a[0] > a[1])
        {
            peaks[nmax++] = 0;
        }

        // Branch-free: on a noisy spectrum the peak test is unpredictable. peaks[nmax] is written for every bin and
        // kept only when bin i is a peak (nmax ≤ i, so the write stays inside the array).
        for (int i = 1; i < n - 1; i++)
        {
            peaks[nmax] = i;
            nmax += (a[i] > a[i - 1] ? 1 : 0) & (a[i] >= a[i + 1] ? 1 : 0);
        }

        if (a[n - 1] > a[n - 2])
        {
            peaks[nmax++] = n - 1;
        }

        if (nmax == 1)
        {
            // openSMILE reads the (zero-initialised) second slot here; reproduce that.
            int p = 0;
            for (int j = 0; j <= p - 3; j++)
            {
                a[j] = 0;
            }

            for (int j = p + 3; j < n; j++)
            {
                a[j] = 0;
            }
        }
        else
        {
            for (int i = 1; i < nmax; i++)
            {
                for (int j = peaks[i - 1] + 3; j <= peaks[i] - 3; j++)
                {
                    a[j] = 0;
                }
            }
        }
    }

    // [1 2 1]/4 smoothing; the last bin is left unchanged.
    private static void SmoothSpectrum(double[] a)
    {
        double prev = 0;
        for (int i = 0; i < a.Length - 1; i++)
        {
            double ai = a[i];
            a[i] = (prev + (2.0 * ai) + a[i + 1]) / 4.0;
            prev = ai;
        }
    }

    private void SplineToOctaveScale(Tables t)
    {
        // Natural cubic spline second derivatives (Numerical Recipes "spline"). The source axis is fixed, so the
        // tridiagonal elimination factors (sig, 1/p and the first-pass y2) and the interpolation weights are tabulated:
        // only the right-hand side u depends on the spectrum.
        int n = BinCount;
        double[] invH = t.InvStep;
        double[] sig = t.SplineSig;
        double[] invP = t.SplineInvP;
        double[] six = t.SplineSixOverSpan;
        // Both passes are recurrences: the previous value is carried in a local, so the dependency chain is the
        // arithmetic alone, not a store and a reload of the array element as well.
        u[0] = 0;
        double uPrevious = 0;
        for (int i = 1; i < n - 1; i++)
        {
            double d = ((y[i + 1] - y[i]) * invH[i]) - ((y[i] - y[i - 1]) * invH[i - 1]);
            uPrevious = ((six[i] * d) - (sig[i] * uPrevious)) * invP[i];
            u[i] = uPrevious;
        }

        double[] a2 = t.SplineY2;
        y2[n - 1] = 0;
        double y2Next = 0;
        for (int k = n - 2; k >= 0; k--)
        {
            y2Next = (a2[k] * y2Next) + u[k];
            y2[k] = y2Next;
        }

        int[] lo = t.TargetLo;
        double[] wa = t.WeightA, wb = t.WeightB, wc = t.WeightC, wd = t.WeightD;
        double[] aud = t.AuditoryWeight;
        for (int i = 0; i < n; i++)
        {
            int l = lo[i];
            double v = (wa[i] * y[l]) + (wb[i] * y[l + 1]) + ((wc[i] * y2[l]) + (wd[i] * y2[l + 1]));
            float f = (float)v;
            scaled[i] = f > 0f ? (float)(f * aud[i]) : 0f;
        }
    }

    private int SubharmonicCandidates(Tables t, Span<float> f0, Span<float> voicing, Span<float> score)
    {
        int n = BinCount;
        Array.Copy(scaled, ss, n);
        float scale = Compression;
        int lanes = Vector<float>.Count;
        for (int h = 2; h <= Harmonics; h++)
        {
            int shift = t.HarmonicShift[h];
            int width = n - shift;
            Span<float> dst = ss.AsSpan(0, width);
            ReadOnlySpan<float> src = scaled.AsSpan(shift, width);
            int j = 0;
            var vs = new Vector<float>(scale);
            for (; j <= width - lanes; j += lanes)
            {
                (new Vector<float>(dst[j..]) + (new Vector<float>(src[j..]) * vs)).CopyTo(dst[j..]);
            }

            for (; j < width; j++)
            {
                dst[j] += src[j] * scale;
            }

            scale *= Compression;
        }

        int m = 0;
        var vh = new Vector<float>(Harmonics);
        for (; m <= n - lanes; m += lanes)
        {
            Vector.Max(new Vector<float>(ss.AsSpan(m)) / vh, Vector<float>.Zero).CopyTo(ss.AsSpan(m));
        }

        for (; m < n; m++)
        {
            float v = ss[m] / Harmonics;
            ss[m] = v < 0 ? 0 : v;
        }

        f0.Clear();
        voicing.Clear();
        score.Clear();
        int count = 0;
        double mean = ss[0];
        int i;
        for (i = 1; i < n - 1; i++)
        {
            if (ss[i - 1] < ss[i] && ss[i] > ss[i + 1])
            {
                for (int j = 0; j < CandidateCount; j++)
                {
                    if (score[j] == 0f || score[j] < ss[i])
                    {
                        for (int jj = CandidateCount - 1; jj > j; jj--)
                        {
                            score[jj] = score[jj - 1];
                            f0[jj] = f0[jj - 1];
                        }

                        f0[j] = i;
                        score[j] = ss[i];
                        if (count < CandidateCount)
                        {
                            count++;
                        }

                        break;
                    }
                }
            }

            mean += ss[i];
        }

        mean = (mean + ss[i]) / n;

        for (int c = 0; c < count; c++)
        {
            int j = (int)f0[c];
            float fc = (f0[c] * t.StepT) + t.MinT;
            float fu = ((f0[c] + 1f) * t.StepT) + t.MinT;
            float fl = ((f0[c] - 1f) * t.StepT) + t.MinT;
            double fx = ParabolicPeak(fl, ss[j - 1], fc, ss[j], fu, ss[j + 1], out double sc);
            f0[c] = (float)Math.Exp(fx * Math.Log(2.0));
            score[c] = (float)sc;
            voicing[c] = (sc > 0.0 && sc > mean) ? (float)(1.0 - (mean / sc)) : 0f;
        }

        return count;
    }

    // cPitchBase: drop out-of-range candidates, then move the best-scored candidate to slot 0.
    private void PostProcess(int count, Span<float> f0, Span<float> voicing, Span<float> score)
    {
        if (count > 0)
        {
            for (int i = 0; i < CandidateCount && count > 0; i++)
            {
                if (f0[i] > maxPitch || f0[i] < minPitch)
                {
                    float orig = f0[i];
                    int j;
                    for (j = i + 1; j < CandidateCount; j++)
                    {
                        f0[j - 1] = f0[j];
                        voicing[j - 1] = voicing[j];
                        score[j - 1] = score[j];
                    }

                    f0[j - 1] = 0;
                    voicing[j - 1] = 0;
                    score[j - 1] = 0;
                    if (orig > 0f)
                    {
                        count--;
                        i--;
                    }
                }
            }
        }

        int maxI = 0;
        float max = score[0];
        for (int i = 1; i < CandidateCount; i++)
        {
            if (score[i] > max)
            {
                max = score[i];
                maxI = i;
            }
        }

        if (maxI > 0)
        {
            (f0[0], f0[maxI]) = (f0[maxI], f0[0]);
            (voicing[0], voicing[maxI]) = (voicing[maxI], voicing[0]);
            (score[0], score[maxI]) = (score[maxI], score[0]);
        }
    }

    /// <summary>Vertex of the parabola through three points (x of the peak; <paramref name="peak"/> its height), falling back to the largest point.</summary>
    internal static double ParabolicPeak(double x1, double y1, double x2, double y2, double x3, double y3, out double peak)
    {
        double den = (x1 * x1 * x2) + (x2 * x2 * x3) + (x3 * x3 * x1) - (x3 * x3 * x2) - (x2 * x2 * x1) - (x1 * x1 * x3);
        if (den != 0.0)
        {
            double a = ((y1 * x2) + (y2 * x3) + (y3 * x1) - (y3 * x2) - (y2 * x1) - (y1 * x3)) / den;
            double b = ((x1 * x1 * y2) + (x2 * x2 * y3) + (x3 * x3 * y1) - (x3 * x3 * y2) - (x2 * x2 * y1) - (x1 * x1 * y3)) / den;
            double c = ((x1 * x1 * x2 * y3) + (x2 * x2 * x3 * y1) + (x3 * x3 * x1 * y2) - (x3 * x3 * x2 * y1) - (x2 * x2 * x1 * y3) - (x1 * x1 * x3 * y2)) / den;
            if (a != 0.0)
            {
                double x = -b / (2.0 * a);
                peak = c - (a * x * x);
                return x;
            }
        }

        if (y1 > y2 && y1 > y3)
        {
            peak = y1;
            return x1;
        }

        if (y2 > y1 && y2 > y3)
        {
            peak = y2;
            return x2;
        }

        if (y3 > y1 && y3 > y2)
        {
            peak = y3;
            return x3;
        }

        peak = y1;
        return x1;
    }

    private sealed class Tables
    {
        public readonly double[] Window = new double[FrameSize];
        public readonly OpenSmileRealFft Fft = new(FftSize);
        public readonly double[] SourceAxis = new double[BinCount];
        public readonly double[] TargetAxis = new double[BinCount];
        public readonly int[] TargetLo = new int[BinCount];
        public readonly double[] SplineSig = new double[BinCount];
        public readonly double[] SplineInvP = new double[BinCount];
        public readonly double[] SplineY2 = new double[BinCount];
        public readonly double[] SplineSixOverSpan = new double[BinCount];
        public readonly double[] InvStep = new double[BinCount];
        public readonly double[] WeightA = new double[BinCount];
        public readonly double[] WeightB = new double[BinCount];
        public readonly double[] WeightC = new double[BinCount];
        public readonly double[] WeightD = new double[BinCount];
        public readonly double[] AuditoryWeight = new double[BinCount];
        public readonly int[] HarmonicShift = new int[Harmonics + 1];
        public readonly float MinT;
        public readonly float StepT;

        public Tables()
        {
            const double sigma = 0.4;
            double nn = FrameSize;
            for (int i = 0; i < FrameSize; i++)
            {
                double tmp = (i - ((nn - 1.0) / 2.0)) / (sigma * (nn - 1.0) / 2.0);
                Window[i] = Math.Exp(-0.5 * tmp * tmp);
            }

            double deltaF = 1.0 / (double)0.064f; // frame length of the zero-padded FFT level, stored as float
            double minF = 25.0;
            double maxF = deltaF * (BinCount - 1);
            double fminT = Math.Log(minF) / Math.Log(2.0);
            double fmaxT = Math.Log(maxF) / Math.Log(2.0);
            double deltaT = (fmaxT - fminT) / (BinCount - 1);
            for (int i = 1; i < BinCount; i++)
            {
                SourceAxis[i] = Math.Log(i * deltaF) / Math.Log(2.0);
            }

            SourceAxis[0] = (2.0 * SourceAxis[1]) - SourceAxis[2];
            for (int i = 1; i < BinCount - 1; i++)
            {
                SplineSig[i] = (SourceAxis[i] - SourceAxis[i - 1]) / (SourceAxis[i + 1] - SourceAxis[i - 1]);
            }

            for (int i = 0; i < BinCount; i++)
            {
                double xt = fminT + (i * deltaT);
                TargetAxis[i] = xt;
                int klo = 1, khi = BinCount;
                while (khi - klo > 1)
                {
                    int k = (khi + klo) >> 1;
                    if (SourceAxis[k - 1] > xt)
                    {
                        khi = k;
                    }
                    else
                    {
                        klo = k;
                    }
                }

                TargetLo[i] = klo - 1;
            }

            // Spline tables: 1/(x[i+1] − x[i]); the y-independent part of the tridiagonal sweep; interpolation weights
            // v = A·y[lo] + B·y[lo+1] + C·y2[lo] + D·y2[lo+1] with A = (x[hi] − t)/h, B = (t − x[lo])/h, C = (A³ − A)h²/6, D = (B³ − B)h²/6.
            for (int i = 0; i < BinCount - 1; i++)
            {
                InvStep[i] = 1.0 / (SourceAxis[i + 1] - SourceAxis[i]);
            }

            for (int i = 1; i < BinCount - 1; i++)
            {
                double p = (SplineSig[i] * SplineY2[i - 1]) + 2.0;
                SplineY2[i] = (SplineSig[i] - 1.0) / p;
                SplineInvP[i] = 1.0 / p;
                SplineSixOverSpan[i] = 6.0 / (SourceAxis[i + 1] - SourceAxis[i - 1]);
            }

            for (int i = 0; i < BinCount; i++)
            {
                int lo = TargetLo[i];
                double h = SourceAxis[lo + 1] - SourceAxis[lo];
                double a = (SourceAxis[lo + 1] - TargetAxis[i]) / h;
                double b = (TargetAxis[i] - SourceAxis[lo]) / h;
                WeightA[i] = a;
                WeightB[i] = b;
                WeightC[i] = ((a * a * a) - a) * (h * h) / 6.0;
                WeightD[i] = ((b * b * b) - b) * (h * h) / 6.0;
            }

            double nOctaves = Math.Log(maxF / minF) / Math.Log(2.0);
            double pointsPerOctave = BinCount / nOctaves;
            double atanS = (pointsPerOctave * Math.Log2(65.0 / 50.0)) - 1.0;
            for (int i = 0; i < BinCount; i++)
            {
                AuditoryWeight[i] = 0.5 + (Math.Atan(3.0 * (i + 1 - atanS) / pointsPerOctave) / Math.PI);
            }

            float ppoF = (float)pointsPerOctave;
            for (int h = 2; h <= Harmonics; h++)
            {
                HarmonicShift[h] = (int)Math.Floor(ppoF * (Math.Log(h) / Math.Log(2.0)));
            }

            MinT = (float)fminT;
            float maxTf = (float)fmaxT;
            StepT = (maxTf - MinT) / (BinCount - 1);
        }
    }
}
