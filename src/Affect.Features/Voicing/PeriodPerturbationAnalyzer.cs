using System.Numerics;

namespace Affect.Features.Voicing;

/// <summary>
/// openSMILE's cPitchJitter (ComParE 2016 settings: searchRangeRel 0.25, minCC 0.5, two periods minimum): waveform
/// period matching guided by F0final, streaming over the signal with its carry-over state. Per frame it yields
/// jitterLocal = mean|T_i − T_{i−1}| / mean T, jitterDDP = mean||ΔT_i| − |ΔT_{i−1}|| / mean T,
/// shimmerLocal = mean|A_i − A_{i+1}| / mean A (A = peak-to-peak amplitude) and logHNR = 20·log10(E_h/E_n) from the
/// average period waveform (−100 dB floor in unvoiced frames).
/// </summary>
internal sealed class PeriodPerturbationAnalyzer
{
    private const double SampleRate = 16000.0;
    private const double T = 1.0 / SampleRate;
    private const int Step = 160;
    private const int MinPeriods = 2;
    private const float MinCrossCorrelation = 0.5f;
    private const float HnrFloor = -100f;

    private readonly int frameLength;
    private double[] cc = new double[64];
    private long[] periodStarts = new long[64];
    private float[] averagePeriod = new float[64];
    private float[] window = new float[1024];
    private double[] prefixSum = new double[1025];    // Σ window[0..i) (double), for the cross-correlation means
    private double[] prefixSquares = new double[1025]; // Σ window[0..i)²

    private long lastIdx;
    private long lastMis;
    private float lastT0;
    private float lastDiff;
    private float lastJitterLocal;
    private float lastJitterDdp;
    private float lastShimmerLocal;

    /// <summary>Creates the analyser for 60 ms F0 frames.</summary>
    /// <param name="frameLength">F0 frame length in samples (960).</param>
    /// <param name="searchRangeRel">Relative period search range around T0 (cPitchJitter searchRangeRel: 0.25 in ComParE 2016, 0.1 in eGeMAPS).</param>
    public PeriodPerturbationAnalyzer(int frameLength, double searchRangeRel = 0.25)
    {
        this.frameLength = frameLength;
        SearchRangeRel = searchRangeRel;
    }

    private double SearchRangeRel { get; }

    /// <summary>Absolute index of the first sample the next frame may read (samples before it are no longer needed).</summary>
    public long LastIndex => lastIdx;

    /// <summary>Processes pitch frame <paramref name="frame"/> with its final F0; writes jitterLocal, jitterDDP, shimmerLocal, logHNR.</summary>
    public void Process(ReadOnlySpan<float> signal, int frame, float f0, Span<float> output) => Process(signal, 0, signal.Length, frame, f0, output);

    /// <summary>
    /// Streaming form: <paramref name="held"/> holds the signal from absolute index <paramref name="origin"/> (at least from
    /// <see cref="LastIndex"/>) up to <paramref name="signalEnd"/>. A frame reads at most up to its 60 ms frame's end, so
    /// calling it once that frame's samples are held gives the same values as the whole-signal form.
    /// </summary>
    public void Process(ReadOnlySpan<float> held, long origin, long signalEnd, long frame, float f0, Span<float> output)
    {
        long lenF = frameLength;
        long startVidx = frame * Step;
        long ppLen = Step;
        long toRead0 = ppLen + lastMis;
        long toRead = toRead0;
        long t0f = 0, t0minF = 0, t0maxF = 0;
        if (f0 > 0f)
        {
            double tf = 1.0 / f0 / T;
            t0f = (long)Math.Round(tf, MidpointRounding.AwayFromZero);
            t0minF = (long)Math.Floor((1.0 - SearchRangeRel) * tf);
            t0maxF = (long)Math.Ceiling((1.0 + SearchRangeRel) * tf);
            long twoPp = (MinPeriods * t0maxF) + MinPeriods;
            if (toRead < twoPp)
            {
                toRead = twoPp;
            }
        }

        long maxRead = lastMis + lenF;
        if (toRead > maxRead)
        {
            toRead = maxRead;
        }

        if (startVidx - lastMis != lastIdx)
        {
            lastIdx = startVidx;
            toRead = Math.Min(toRead, lenF);
            maxRead = Math.Min(maxRead, lenF);
        }

        long available = Math.Max(0, Math.Min(toRead, signalEnd - lastIdx));
        int nT = (int)available;
        if (window.Length < nT + 8)
        {
            window = new float[nT + 1024];
        }

        // The matrix openSMILE reads: nT samples from lastIdx (reads past nT see the following signal samples here).
        int copyable = (int)Math.Max(0, Math.Min(window.Length, Math.Min(signalEnd, origin + held.Length) - lastIdx));
        if (copyable > 0)
        {
            held.Slice((int)(lastIdx - origin), copyable).CopyTo(window);
        }

        if (copyable < window.Length)
        {
            Array.Clear(window, copyable, window.Length - copyable);
        }

        float nPeriodsLocal = 0, nPeriodsDdp = 0, nPeriods = 0, avgPeriod = 0;
        float jitterDdp = 0, jitterLocal = 0, avgAmp = 0, avgAmpDiff = 0;
        float lgHnr = 0;
        long start = 0;
        long lastPeriod = 0;
        if (f0 > 0f)
        {
            int numPeriods = 0;
            int maxPeriods = (int)((t0minF > 0 ? (maxRead / t0minF) : maxRead) + 4);
            if (periodStarts.Length < maxPeriods)
            {
                periodStarts = new long[maxPeriods * 2];
            }

            Array.Clear(periodStarts, 0, maxPeriods);
            if (averagePeriod.Length < t0f + 1)
            {
                averagePeriod = new float[(t0f * 2) + 1];
            }

            Array.Clear(averagePeriod, 0, (int)t0f + 1);
            int ccLen = (int)(t0maxF - t0minF) + 1;
            if (cc.Length < ccLen)
            {
                cc = new double[ccLen * 2];
            }

            long pp = 0;
            float minCc = -2f;
            if (start < nT - (2 * t0maxF) - 1)
            {
                BuildPrefixSums(nT);
            }

            while (start < nT - (2 * t0maxF) - 1)
            {
                for (long tf = t0minF; tf <= t0maxF; tf++)
                {
                    cc[tf - t0minF] = CrossCorrelation((int)start, (int)tf);
                }

                double max = cc[t0f - t0minF];
                long maxI = -1;
                for (long i = 1; i < t0maxF - t0minF - 1; i++)
                {
                    if (cc[i - 1] < cc[i] && cc[i] > cc[i + 1])
                    {
                        if (maxI == -1 || cc[i] > max)
                        {
                            maxI = i;
                            max = cc[i];
                        }
                    }
                }

                pp = maxI == -1 ? t0f : t0minF + maxI;
                long os = start;
                if (maxI >= 0)
                {
                    start += pp;
                    float ad = AmplitudeDifference(window.AsSpan((int)os, (int)pp), window.AsSpan((int)start, (int)pp), out float a0, out float a1);
                    periodStarts[numPeriods++] = os;
                    for (long i = 0; i < t0f; i++)
                    {
                        averagePeriod[i] += window[os + i];
                    }

                    double xi = ShsPitchAnalyzer.ParabolicPeak(maxI - 1, cc[maxI - 1], maxI, cc[maxI], maxI + 1, cc[maxI + 1], out double ccI);
                    double maxId = Math.Abs(t0minF + xi) * T;
                    if (minCc == -2f || minCc > (float)ccI)
                    {
                        minCc = (float)ccI;
                    }

                    if (ccI > MinCrossCorrelation)
                    {
                        float period = (float)maxId;
                        avgPeriod += period;
                        nPeriods += 1f;
                        if (lastT0 > 0f)
                        {
                            float diff = MathF.Abs(lastT0 - period);
                            jitterLocal += diff;
                            nPeriodsLocal += 1f;
                            if (lastDiff > 0f)
                            {
                                jitterDdp += MathF.Abs(lastDiff - diff);
                                nPeriodsDdp += 1f;
                            }

                            lastDiff = diff;
                        }

                        lastT0 = period;
                        avgAmp += (a0 + a1) / 2f;
                        avgAmpDiff += ad;
                    }
                }
                else
                {
                    start += t0f;
                }

                if (start < toRead0 - 1)
                {
                    lastPeriod = start;
                }
            }

            periodStarts[numPeriods++] = start;
            float eh = 0f;
            for (long i = 0; i < t0f && start + i < nT; i++)
            {
                averagePeriod[i] += window[start + i];
                averagePeriod[i] /= numPeriods;
                if (i > 2 && i < t0f - 2)
                {
                    eh += averagePeriod[i] * averagePeriod[i];
                }
            }

            if (t0f - 4 > 0)
            {
                eh /= t0f - 4;
            }

            eh = MathF.Sqrt(eh);
            float en = 0f;
            long nEn = 0;
            if (pp > 0)
            {
                periodStarts[numPeriods] = start + pp;
            }

            for (int i = 0; i < numPeriods; i++)
            {
                long n = 2;
                long end = Math.Min(periodStarts[i + 1], periodStarts[i] + t0f) - 2;
                for (long j = periodStarts[i] + 2; j < end; j++)
                {
                    float delta = Sample(window, j) - averagePeriod[n++];
                    en += delta * delta;
                    nEn++;
                }
            }

            if (nEn > 0)
            {
                en /= nEn;
            }

            en = MathF.Sqrt(en);
            if (en > 0f)
            {
                float hnr = eh / en;
                lgHnr = hnr > 0f ? (float)(20.0 * Math.Log(hnr) / Math.Log(10.0)) : HnrFloor;
            }

            lastMis = toRead0 - lastPeriod;
        }
        else
        {
            lastPeriod = toRead0;
            lastMis = 0;
            lastT0 = 0f;
            lastDiff = 0f;
            lastJitterDdp = 0f;
            lastJitterLocal = 0f;
            lastShimmerLocal = 0f;
            lgHnr = HnrFloor;
        }

        lastIdx += lastPeriod;

        bool voiced = f0 > 0f;
        if (nPeriods > 0f && nPeriodsLocal > 0f && voiced)
        {
            jitterLocal /= nPeriodsLocal;
            lastJitterLocal = jitterLocal / (avgPeriod / nPeriods);
        }

        output[0] = PerturbationOutput(ref lastJitterLocal, nPeriods > 0f && nPeriodsLocal > 0f && voiced, nPeriods == 0f && voiced);
        if (nPeriods > 0f && nPeriodsDdp > 0f && voiced)
        {
            jitterDdp /= nPeriodsDdp;
            lastJitterDdp = jitterDdp / (avgPeriod / nPeriods);
        }

        output[1] = PerturbationOutput(ref lastJitterDdp, nPeriods > 0f && nPeriodsDdp > 0f && voiced, nPeriods == 0f && voiced);
        if (nPeriods > 0f && voiced)
        {
            lastShimmerLocal = avgAmp > 0f ? avgAmpDiff / avgAmp : 0f;
        }

        output[2] = PerturbationOutput(ref lastShimmerLocal, nPeriods > 0f && voiced, nPeriods == 0f && voiced);
        output[3] = lgHnr < HnrFloor ? HnrFloor : lgHnr;
    }

    private static float PerturbationOutput(ref float last, bool current, bool hold)
    {
        if (current || hold)
        {
            if (last > 1f)
            {
                last = 1f;
            }

            return last;
        }

        return 0f;
    }

    private static float Sample(float[] w, long j) => j >= 0 && j < w.Length ? w[j] : 0f;

    // Running sums Σw and Σw² over the first n window samples (the cross-correlation reads at most nT samples).
    private void BuildPrefixSums(int n)
    {
        if (prefixSum.Length < n + 1)
        {
            prefixSum = new double[n + 1025];
            prefixSquares = new double[n + 1025];
        }

        double s = 0, q = 0;
        for (int i = 0; i < n; i++)
        {
            double a = window[i];
            s += a;
            q += a * a;
            prefixSum[i + 1] = s;
            prefixSquares[i + 1] = q;
        }
    }

    // Pearson correlation of x = w[start, start + n) and y = w[start + n, start + 2n):
    // (Σxy − Σx·Σy/n) / sqrt((Σx² − (Σx)²/n)(Σy² − (Σy)²/n)); Σx, Σx², Σy, Σy² from the prefix sums, Σxy vectorised.
    private double CrossCorrelation(int start, int n)
    {
        double sx = prefixSum[start + n] - prefixSum[start];
        double sy = prefixSum[start + n + n] - prefixSum[start + n];
        double sxx = prefixSquares[start + n] - prefixSquares[start];
        double syy = prefixSquares[start + n + n] - prefixSquares[start + n];
        double sxy = DotProduct(window.AsSpan(start, n), window.AsSpan(start + n, n));
        double c = sxy - (sx * sy / n);
        double nx = sxx - (sx * sx / n);
        double ny = syy - (sy * sy / n);
        return c / (Math.Sqrt(nx) * Math.Sqrt(ny));
    }

    // Σ x[i]·y[i] accumulated in double (each float product is exact in double).
    private static double DotProduct(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        int i = 0;
        double sum = 0;
        int lanes = Vector<float>.Count;
        if (n >= lanes)
        {
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
            for (; i <= n - lanes; i += lanes)
            {
                Vector.Widen(new Vector<float>(x[i..]), out Vector<double> xl, out Vector<double> xh);
                Vector.Widen(new Vector<float>(y[i..]), out Vector<double> yl, out Vector<double> yh);
                acc0 += xl * yl;
                acc1 += xh * yh;
            }

            sum = Vector.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum += (double)x[i] * y[i];
        }

        return sum;
    }

    private static float AmplitudeDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> y, out float a0, out float a1)
    {
        a0 = PeakToPeak(x);
        a1 = PeakToPeak(y);
        return MathF.Abs(a0 - a1);
    }

    private static float PeakToPeak(ReadOnlySpan<float> x)
    {
        float max = x[1], min = x[1];
        for (int i = 1; i < x.Length - 1; i++)
        {
            if (x[i] > max)
            {
                max = x[i];
            }

            if (x[i] < min)
            {
                min = x[i];
            }
        }

        return max - min;
    }
}
