namespace Affect.Features.Functionals;

/// <summary>
/// The statistics ("functionals") openSMILE's cFunctional* components compute over one LLD contour, re-derived from
/// their documented definitions with the same single/double precision split (contour values and most intermediates
/// are float32 as in openSMILE's FLOAT_DMEM; sums marked below are double), so results match openSMILE to float
/// rounding. Every method writes its values in openSMILE's output order and returns how many it wrote.
/// </summary>
internal static class ContourStatistics
{
    /// <summary>
    /// openSMILE's soft ratio limiter: identity on [-l1, l1], beyond that a tanh-shaped approach to ±(l1 + l2):
    /// y = l1 + l2·tanh((√(x − l1 + 1) − 1)/(l2/2)).
    /// </summary>
    public static float RatioLimit(float x, float limit1, float excess)
    {
        if (x > limit1)
        {
            float arg = (float)((Math.Sqrt(x - limit1 + 1.0) - 1.0) / (excess * 0.5));
            return (Tanh(arg) * excess) + limit1;
        }

        if (x < -limit1)
        {
            float arg = (float)(-(Math.Sqrt((-1.0 * (x + limit1)) + 1.0) - 1.0) / (excess * 0.5));
            return (Tanh(arg) * excess) - limit1;
        }

        return x;
    }

    private static float Tanh(float x) => (2.0f * Logistic(2.0f * x)) - 1.0f;

    private static float Logistic(float x)
    {
        double lim = Math.Log(float.MaxValue);
        if (x > lim)
        {
            return 1.0f;
        }

        if (x < -lim)
        {
            return 0.0f;
        }

        return (float)(1.0 / (1.0 + Math.Exp(-x)));
    }

    /// <summary>Arithmetic mean in double, accumulated in order from the first value (as cFunctionals does).</summary>
    public static float Mean(ReadOnlySpan<float> x)
    {
        double mean = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            mean += x[i];
        }

        return (float)(mean / x.Length);
    }

    /// <summary>Means: arithmetic, flatness (geometric mean of |x|≠0 over mean |x|), mean of positives, RMS.</summary>
    public readonly record struct MeanValues(float AMean, float Flatness, float PosAMean, float RqMean, float NnzFraction);

    /// <summary>cFunctionalMeans (double accumulators).</summary>
    public static MeanValues Means(ReadOnlySpan<float> x, float mean)
    {
        double absSum = 0, sq = 0, logSum = 0, pos = 0;
        long nnz = 0, nPos = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double a = Math.Abs(v);
            absSum += a;
            if (v > 0)
            {
                pos += v;
                nPos++;
            }

            if (v != 0.0)
            {
                logSum += Math.Log(a);
                sq += v * v;
                nnz++;
            }
        }

        double n = x.Length;
        double absMean = absSum / n;
        double qMean = sq / n;
        double gMean = nnz > 0 ? Math.Exp(logSum / nnz) : 0.0;
        if (nPos > 0)
        {
            pos /= nPos;
        }

        float flatness = absMean != 0.0 ? (float)(gMean / absMean) : 1.0f;
        return new MeanValues(mean, flatness, (float)pos, (float)Math.Sqrt(qMean), nnz / (float)x.Length);
    }

    /// <summary>cFunctionalExtremes: range, position of the first maximum and minimum relative to the length.</summary>
    public static int Extremes(ReadOnlySpan<float> x, float min, float max, Span<float> o)
    {
        int maxPos = -1, minPos = -1;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == max && maxPos == -1)
            {
                maxPos = i;
            }

            if (x[i] == min && minPos == -1)
            {
                minPos = i;
            }
        }

        o[0] = max - min;
        o[1] = maxPos / (float)x.Length;
        o[2] = minPos / (float)x.Length;
        return 3;
    }

    /// <summary>cFunctionalPercentiles with interp = 1: linear interpolation between the two ranks around p·(N − 1).</summary>
    internal static float InterpolatedPercentile(double p, ReadOnlySpan<float> sorted)
    {
        int n = sorted.Length;
        double idx = p * (n - 1);
        long i1 = Math.Clamp((long)Math.Floor(idx), 0, n - 1);
        long i2 = Math.Clamp((long)Math.Ceiling(idx), 0, n - 1);
        if (i1 == i2)
        {
            return sorted[(int)i1];
        }

        double w1 = idx - i1;
        double w2 = i2 - idx;
        return (sorted[(int)i1] * (float)w2) + (sorted[(int)i2] * (float)w1);
    }

    /// <summary>cFunctionalPercentiles (linear interpolation): quartiles, IQRs, 1st/99th percentile and their range.</summary>
    public static int Percentiles(ReadOnlySpan<float> sorted, Span<float> o)
    {
        float q1 = InterpolatedPercentile(0.25, sorted);
        float q2 = InterpolatedPercentile(0.50, sorted);
        float q3 = InterpolatedPercentile(0.75, sorted);
        o[0] = q1;
        o[1] = q2;
        o[2] = q3;
        o[3] = q2 - q1;
        o[4] = q3 - q2;
        o[5] = q3 - q1;
        o[6] = InterpolatedPercentile(0.01, sorted);
        o[7] = InterpolatedPercentile(0.99, sorted);
        o[8] = Math.Abs(o[7] - o[6]);
        return 9;
    }

    /// <summary>cFunctionalMoments: standard deviation, skewness m3/σ³, kurtosis m4/σ⁴ (population moments, double).</summary>
    public static int Moments(ReadOnlySpan<float> x, float mean, Span<float> o)
    {
        double m2 = 0, m3 = 0, m4 = 0;
        double meanD = mean;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i] - meanD;
            double t2 = t * t;
            m2 += t2;
            t2 *= t;
            m3 += t2;
            m4 += t2 * t;
        }

        double n = x.Length;
        m2 /= n;
        double s = Math.Sqrt(m2);
        bool ok = m2 > 0.0;
        o[0] = ok ? (float)s : 0f;
        o[1] = ok ? (float)(m3 / (n * m2 * s)) : 0f;
        o[2] = ok ? (float)(m4 / (n * m2 * m2)) : 0f;
        return 3;
    }

    private struct SegmentStats
    {
        public long Count;
        public long Sum;
        public long Max;
        public long Min;
        public long[] Lengths;
    }

    private static void AddSegment(ref SegmentStats s, long length, int maxSegments)
    {
        if (s.Count < maxSegments)
        {
            s.Sum += length;
            s.Lengths[s.Count] = length;
            s.Count++;
            if (length > s.Max)
            {
                s.Max = length;
            }

            if (s.Min == 0 || length < s.Min)
            {
                s.Min = length;
            }
        }
    }

    private static int WriteSegments(ref SegmentStats s, float period, Span<float> o)
    {
        float mean = s.Count > 1 ? s.Sum / (float)s.Count : s.Sum;
        float dev = 0f;
        for (int i = 0; i < s.Count; i++)
        {
            dev += (s.Lengths[i] - mean) * (s.Lengths[i] - mean);
        }

        if (s.Count > 1)
        {
            dev /= s.Count;
            dev = MathF.Sqrt(dev);
        }
        else
        {
            dev = 0f;
        }

        o[0] = mean * period;
        o[1] = s.Max * period;
        o[2] = s.Min * period;
        o[3] = dev * period;
        return 4;
    }

    private const int MaxSegments = 100;

    /// <summary>
    /// cFunctionalSegments, relTh algorithm (thresholds 25 % and 75 % of the range, 3-frame running average):
    /// mean/max/min segment length and its standard deviation, in seconds.
    /// </summary>
    public static int SegmentsRelativeThreshold(ReadOnlySpan<float> x, float min, float max, float period, Span<float> o)
    {
        var s = new SegmentStats { Lengths = new long[MaxSegments + 1] };
        float range = max - min;
        Span<float> th = [min + (range * 0.25f), min + (range * 0.75f)];
        long segMinLng = (x.Length / MaxSegments) - 1;
        if (segMinLng < 2)
        {
            segMinLng = 2;
        }

        long lastSeg = -segMinLng / 2;
        float ravg = 0f, raLast = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            ravg += x[i];
            if (i >= 3)
            {
                ravg -= x[i - 3];
            }

            float ra = ravg / Math.Min(i + 1, 3);
            bool cross = false;
            foreach (float t in th)
            {
                if ((ra > t && raLast <= t) || (ra < t && raLast >= t))
                {
                    cross = true;
                }
            }

            raLast = ra;
            if (cross && i - lastSeg > segMinLng)
            {
                AddSegment(ref s, i - lastSeg, MaxSegments);
                lastSeg = i;
            }
        }

        return WriteSegments(ref s, period, o);
    }

    /// <summary>
    /// cFunctionalSegments, nonX algorithm with X = 0 (segments are runs of non-zero values of at least 3 frames,
    /// ended by at least 2 zero frames): mean/max/min segment length and its standard deviation, in seconds.
    /// </summary>
    public static int SegmentsNonZero(ReadOnlySpan<float> x, float period, Span<float> o)
    {
        var s = new SegmentStats { Lengths = new long[MaxSegments + 1] };
        foreach (long length in SegmentLengths(x, nonZero: true, MaxSegments))
        {
            AddSegment(ref s, length, MaxSegments);
        }

        return WriteSegments(ref s, period, o);
    }

    /// <summary>
    /// cFunctionalSegments' nonX / eqX segmentation with X = 0: runs of non-zero (<paramref name="nonZero"/>) or zero
    /// values of at least 3 frames, ended by at least 2 frames of the other kind; the first
    /// <paramref name="maxSegments"/> segment lengths, in frames, in order.
    /// </summary>
    internal static List<long> SegmentLengths(ReadOnlySpan<float> x, bool nonZero, int maxSegments)
    {
        const int segMinLng = 3, pauseMinLng = 2;
        var lengths = new List<long>();
        long segStartIndex = 0;
        int state = 0, segStart = 0, segEnd = 0;
        int i;
        for (i = 0; i < x.Length; i++)
        {
            if (nonZero ? x[i] != 0f : x[i] == 0f)
            {
                if (state == 1)
                {
                    segEnd = 0;
                    segStart++;
                    if (segStart >= segMinLng)
                    {
                        segStart = 0;
                        state = 2;
                    }
                }
                else if (state == 0)
                {
                    segStart++;
                    segStartIndex = i;
                    state = 1;
                }
                else
                {
                    segEnd = 0;
                }
            }
            else if (state == 2)
            {
                segStart = 0;
                segEnd++;
                if (segEnd >= pauseMinLng)
                {
                    state = 0;
                    if (lengths.Count < maxSegments)
                    {
                        lengths.Add(i - segEnd - segStartIndex);
                    }

                    segEnd = 0;
                }
            }
            else if (state == 1)
            {
                segEnd++;
                if (segEnd >= pauseMinLng)
                {
                    state = 0;
                    segEnd = 0;
                    segStart = 0;
                }
            }
        }

        if (state == 2 && lengths.Count < maxSegments)
        {
            segEnd++;
            lengths.Add(i - segEnd - segStartIndex);
        }

        return lengths;
    }

    /// <summary>
    /// cFunctionalTimes (segment norm): share of frames above 25/50/75/90 % of the range, share of rising frames
    /// (over N−1) and of left-curvature frames (over N−2).
    /// </summary>
    public static int Times(ReadOnlySpan<float> x, float min, float max, Span<float> o)
    {
        int n = x.Length;
        float nf = n, norm1 = nf - 1.0f, norm2 = nf - 2.0f;
        float range = max - min;
        float l25 = (0.25f * range) + min, l50 = (0.50f * range) + min, l75 = (0.75f * range) + min, l90 = (0.90f * range) + min;
        long n25 = 0, n50 = 0, n75 = 0, n90 = 0, nR = 0, nLC = 0;
        for (int i = 0; i < n; i++)
        {
            float v = x[i];
            if (v <= l25)
            {
                n25++;
            }

            if (v <= l50)
            {
                n50++;
            }

            if (v <= l75)
            {
                n75++;
            }

            if (v <= l90)
            {
                n90++;
            }
        }

        for (int i = 1; i < n; i++)
        {
            if (x[i - 1] < x[i])
            {
                nR++;
            }
        }

        for (int i = 1; i < n - 1; i++)
        {
            float a1 = x[i] - x[i - 1];
            float a2 = x[i + 1] - x[i];
            if (a1 < a2 && !(a2 < a1))
            {
                nLC++;
            }
        }

        o[0] = (n - n25) / nf;
        o[1] = (n - n50) / nf;
        o[2] = (n - n75) / nf;
        o[3] = (n - n90) / nf;
        o[4] = norm1 != 0f ? nR / norm1 : 0f;
        o[5] = norm2 != 0f ? nLC / norm2 : 0f;
        return 6;
    }

    /// <summary>
    /// cFunctionalLpc: order-5 linear prediction of the contour by autocorrelation + Levinson–Durbin (float32):
    /// prediction error gain / N, then a₀…a₄.
    /// </summary>
    public static int Lpc(ReadOnlySpan<float> x, Span<float> o)
    {
        const int order = 5;
        Span<float> r = stackalloc float[order + 1];
        for (int lag = 0; lag <= order; lag++)
        {
            float acc = 0f;
            for (int i = lag; i < x.Length; i++)
            {
                acc += x[i] * x[i - lag];
            }

            r[lag] = acc;
        }

        Span<float> a = stackalloc float[order + 1];
        a.Clear();
        float gain = 0f;
        if (r[0] != 0f)
        {
            float e = r[0];
            for (int m = 1; m <= order; m++)
            {
                float sum = 1.0f * r[m];
                for (int i = 1; i < m; i++)
                {
                    sum += a[i - 1] * r[m - i];
                }

                float k = (-1.0f / e) * sum;
                a[m - 1] = k;
                for (int i = 1; i <= m / 2; i++)
                {
                    float t = a[i - 1];
                    a[i - 1] += k * a[m - i - 1];
                    if (i < m / 2 || (m & 1) == 1)
                    {
                        a[m - i - 1] += k * t;
                    }
                }

                e *= 1.0f - (k * k);
                if (e == 0f)
                {
                    for (int i = m; i <= order; i++)
                    {
                        a[i] = 0f;
                    }

                    break;
                }
            }

            gain = e;
        }

        o[0] = gain / x.Length;
        for (int i = 0; i < order; i++)
        {
            o[1 + i] = a[i];
        }

        return 6;
    }

    /// <summary>
    /// cFunctionalRegression (double): linear fit y = m·t + c and quadratic fit y = a·t² + b·t + c on the contour
    /// normalised to its range, their mean squared errors, and the temporal centroid Σ t|y| / Σ |y| / N.
    /// <paramref name="perSecond"/> scales slopes to value/second (openSMILE normRegCoeff = 2).
    /// </summary>
    public static int Regression(ReadOnlySpan<float> x, float min, float max, float mean, bool perSecond, double period, Span<float> o)
    {
        double nd = x.Length;
        double range = max - min;
        double rangeInv;
        if (range <= 0.0)
        {
            range = 1.0;
            rangeInv = 0.0;
        }
        else
        {
            rangeInv = 1.0 / range;
        }

        double num = 0, num2 = 0, numAbs = 0, asumAbs = 0, ii = 0;
        double asum = mean * nd;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double av = Math.Abs(x[i]);
            asumAbs += av;
            numAbs += av * ii;
            double t = v * ii;
            num += t;
            t *= ii;
            ii += 1.0;
            num2 += t;
        }

        double centroid = asumAbs != 0.0 ? numAbs / asumAbs : 0.0;
        centroid = RatioLimit((float)centroid, (float)nd, (float)nd);
        centroid /= nd;

        double m, c0, a, b, c;
        if (x.Length > 1)
        {
            double nnm1 = nd * (nd - 1.0);
            double s1 = nnm1 / 2.0;
            double s2 = nnm1 * ((2.0 * nd) - 1.0) / 6.0;
            double s1ds2 = s1 / s2;
            double tmp = nd - (s1 * s1ds2);
            c0 = tmp == 0.0 ? 0.0 : (asum - (num * s1ds2)) / tmp;
            m = (num - (c0 * s1)) / s2;
            double s3 = s1 * s1;
            double nd1 = nd - 1.0;
            double s4 = s2 * ((3.0 * ((nd1 * nd1) + nd1)) - 1.0) / 5.0;
            double s3s3 = s3 * s3, s2s2 = s2 * s2, s1s2 = s1 * s2, s1s1 = s3;
            double det = (s4 * s2 * nd) + (2.0 * s3 * s1s2) - (s2s2 * s2) - (s3s3 * nd) - (s1s1 * s4);
            if (det != 0.0)
            {
                a = (((s2 * nd) - s1s1) * num2 + ((s1s2 - (s3 * nd)) * num) + (((s3 * s1) - s2s2) * asum)) / det;
                b = (((s1s2 - (s3 * nd)) * num2) + (((s4 * nd) - s2s2) * num) + (((s3 * s2) - (s4 * s1)) * asum)) / det;
                c = ((((s3 * s1) - s2s2) * num2) + (((s3 * s2) - (s4 * s1)) * num) + (((s4 * s2) - s3s3) * asum)) / det;
            }
            else
            {
                a = b = c = 0.0;
            }
        }
        else
        {
            m = 0;
            c0 = c = x[0];
            a = b = 0;
        }

        double leq = 0, qeq = 0;
        ii = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = (x[i] - ((m * ii) + c0)) * rangeInv;
            leq += e * e;
            double q = (x[i] - ((a * ii * ii) + (b * ii) + c)) * rangeInv;
            qeq += q * q;
            ii += 1.0;
        }

        m = RatioLimit((float)m, (float)(range / 10.0), (float)((range / 10.0) + 0.01));
        a = RatioLimit((float)a, (float)Math.Sqrt(range / 10.0), (float)(Math.Sqrt(range / 10.0) + 0.01));
        b = RatioLimit((float)b, (float)(range / 10.0), (float)((range / 10.0) + 0.01));
        if (perSecond)
        {
            double perSec = 1.0 / period;
            m *= perSec;
            a *= perSec * perSec;
            b *= perSec;
        }

        m *= rangeInv;
        c0 = (c0 - min) * rangeInv;
        a *= rangeInv;
        b *= rangeInv;
        c = (c - min) * rangeInv;

        o[0] = (float)Finite(m);
        o[1] = (float)Finite(c0);
        o[2] = (float)(double.IsFinite(leq / nd) ? leq / nd : 0.0);
        o[3] = (float)Finite(a);
        o[4] = (float)Finite(b);
        o[5] = (float)Finite(c);
        o[6] = (float)(double.IsFinite(qeq / nd) ? qeq / nd : 0.0);
        o[7] = (float)Finite(centroid);
        return 8;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0.0;

    private struct Extremum
    {
        public bool IsMax;
        public bool Alive;
        public int X;
        public float Y;
    }

    /// <summary>
    /// cFunctionalPeaks2 (relative threshold 0.1 of the range, times in seconds): detects alternating salient maxima
    /// and minima and writes meanPeakDist, peakDistStddev, peakRangeAbs, peakRangeRel, peakMeanAbs, peakMeanMeanDist,
    /// peakMeanRel, minRangeRel, mean/stddev of rising slopes and of falling slopes.
    /// </summary>
    public static int Peaks(ReadOnlySpan<float> x, float min, float max, float mean, float period, Span<float> o) =>
        Peaks(x, min, max, mean, period, o, out _);

    /// <summary>As <see cref="Peaks(ReadOnlySpan{float}, float, float, float, float, Span{float})"/>, also giving the number of salient maxima (cFunctionalPeaks2 numPeaks before time normalisation).</summary>
    public static int Peaks(ReadOnlySpan<float> x, float min, float max, float mean, float period, Span<float> o, out int peakCount)
    {
        int n = x.Length;
        float range = max - min;
        float absThresh = 0.1f * range;
        var list = new List<Extremum>();
        for (int i = 2; i < n - 2; i++)
        {
            if (x[i] > x[i - 1] && x[i] > x[i + 1])
            {
                list.Add(new Extremum { IsMax = true, Alive = true, X = i, Y = x[i] });
            }
            else if (x[i] < x[i - 1] && x[i] < x[i + 1])
            {
                list.Add(new Extremum { IsMax = false, Alive = true, X = i, Y = x[i] });
            }
        }

        var el = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

        // Step 2a: drop maxima that do not rise far enough above the last minimum; keep the highest of close maxima.
        float lastVal = x[0], lastMin = x[0], lastMax = x[0];
        bool minFlag = false;
        int lastMaxIdx = -1;
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (e.IsMax)
            {
                if (MathF.Abs(e.Y - lastVal) < absThresh)
                {
                    if (e.Y - lastMin < absThresh)
                    {
                        e.Alive = false;
                    }
                    else
                    {
                        if (e.Y > lastMax * 1.05)
                        {
                            if (lastMaxIdx >= 0)
                            {
                                el[lastMaxIdx].Alive = false;
                            }

                            lastMax = e.Y;
                            lastMaxIdx = k;
                        }
                        else if (minFlag)
                        {
                            lastMax = e.Y;
                            lastMaxIdx = k;
                        }
                        else
                        {
                            e.Alive = false;
                        }

                        minFlag = false;
                    }
                }
                else
                {
                    minFlag = false;
                    lastMax = e.Y;
                    lastMaxIdx = k;
                }
            }
            else if (!(MathF.Abs(e.Y - lastVal) < absThresh))
            {
                minFlag = true;
                lastMin = e.Y;
            }

            lastVal = e.Y;
        }

        // Step 2b: drop minima not deep enough below the last maximum.
        lastMax = x[0];
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                if (lastMax - e.Y < absThresh)
                {
                    e.Alive = false;
                }
            }
            else
            {
                lastMax = e.Y;
            }
        }

        // Step 3: enforce alternation, keeping the more extreme of consecutive same-type extrema.
        bool inMin = false, init = true;
        int lastMinIdx = -1;
        lastMaxIdx = -1;
        lastMin = x[0];
        lastMax = x[0];
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                if (!inMin || init)
                {
                    lastMin = e.Y;
                    lastMinIdx = k;
                    inMin = true;
                    init = false;
                }
                else if (e.Y >= lastMin)
                {
                    e.Alive = false;
                }
                else if (lastMinIdx != k)
                {
                    el[lastMinIdx].Alive = false;
                    lastMinIdx = k;
                    lastMin = e.Y;
                }
            }
            else
            {
                if (inMin || init)
                {
                    lastMax = e.Y;
                    lastMaxIdx = k;
                    inMin = false;
                    init = false;
                }
                else if (e.Y <= lastMax)
                {
                    e.Alive = false;
                }
                else if (lastMaxIdx != k)
                {
                    el[lastMaxIdx].Alive = false;
                    lastMaxIdx = k;
                    lastMax = e.Y;
                }
            }
        }

        // Statistics, first pass.
        float peakMax = 0f, peakMin = 0f, peakDist = 0f, peakMean = 0f, minMax = 0f, minMin = 0f;
        long nPeakDist = 0, nPeaks = 0;
        int prevMax = -1, prevMin = -1;
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                if (prevMin < 0)
                {
                    minMin = minMax = e.Y;
                }
                else
                {
                    if (minMin > e.Y)
                    {
                        minMin = e.Y;
                    }

                    if (minMax < e.Y)
                    {
                        minMax = e.Y;
                    }
                }

                prevMin = k;
            }
            else
            {
                if (prevMax < 0)
                {
                    peakMin = peakMax = e.Y;
                }
                else
                {
                    nPeakDist++;
                    peakDist += e.X - el[prevMax].X;
                    if (peakMin > e.Y)
                    {
                        peakMin = e.Y;
                    }

                    if (peakMax < e.Y)
                    {
                        peakMax = e.Y;
                    }
                }

                prevMax = k;
                peakMean += e.Y;
                nPeaks++;
            }
        }

        if (nPeaks > 1)
        {
            peakMean /= nPeaks;
            if (nPeakDist > 1)
            {
                peakDist /= nPeakDist;
            }
        }

        // Second pass: spread of peak distances (openSMILE measures each peak's distance to the preceding minimum here).
        float peakStddevDist = 0f;
        prevMax = -1;
        prevMin = -1;
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                prevMin = k;
            }
            else
            {
                if (prevMax >= 0)
                {
                    float d = (e.X - (prevMin >= 0 ? el[prevMin].X : 0)) - peakDist;
                    peakStddevDist += d * d;
                }

                prevMax = k;
            }
        }

        if (nPeakDist > 1)
        {
            peakStddevDist /= nPeakDist;
        }

        peakStddevDist = peakStddevDist > 0f ? MathF.Sqrt(peakStddevDist) : 0f;

        // Slopes between consecutive extrema (and from the last one to the end of the contour), per second.
        float meanRise = 0f, meanFall = 0f, sdRise = 0f, sdFall = 0f;
        int nRise = 0, nFall = 0, lastIsMax = -1;
        lastMax = x[0];
        lastMin = x[0];
        long lastMaxPos = 0, lastMinPos = 0;
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                lastMin = e.Y;
                lastMinPos = e.X;
                if (lastMinPos - lastMaxPos > 0)
                {
                    meanFall += (lastMax - lastMin) / ((lastMinPos - lastMaxPos) * period);
                    nFall++;
                    lastIsMax = 0;
                }
            }
            else
            {
                lastMax = e.Y;
                lastMaxPos = e.X;
                if (lastMaxPos - lastMinPos > 0)
                {
                    meanRise += (lastMax - lastMin) / ((lastMaxPos - lastMinPos) * period);
                    nRise++;
                    lastIsMax = 1;
                }
            }
        }

        if (lastIsMax == 1)
        {
            if (n - 1 - lastMaxPos > 0)
            {
                meanFall += (x[n - 1] - lastMax) / ((n - 1 - lastMaxPos) * period);
                nFall++;
            }
        }
        else if (lastIsMax == 0)
        {
            if (n - 1 - lastMinPos > 0)
            {
                meanRise += (x[n - 1] - lastMin) / ((n - 1 - lastMinPos) * period);
                nRise++;
            }
        }
        else
        {
            float slope = (x[n - 1] - x[0]) / n;
            if (slope > 0)
            {
                meanRise = slope;
                nRise = 1;
            }
            else if (slope < 0)
            {
                meanFall = slope;
                nFall = 1;
            }
        }

        if (nRise > 1)
        {
            meanRise /= nRise;
        }

        if (nFall > 1)
        {
            meanFall /= nFall;
        }

        lastMax = x[0];
        lastMin = x[0];
        lastMaxPos = 0;
        lastMinPos = 0;
        for (int k = 0; k < el.Length; k++)
        {
            ref var e = ref el[k];
            if (!e.Alive)
            {
                continue;
            }

            if (!e.IsMax)
            {
                lastMin = e.Y;
                lastMinPos = e.X;
                if (lastMinPos - lastMaxPos > 0)
                {
                    float s = (lastMax - lastMin) / ((lastMinPos - lastMaxPos) * period);
                    sdFall += (s - meanFall) * (s - meanFall);
                }
            }
            else
            {
                lastMax = e.Y;
                lastMaxPos = e.X;
                if (lastMaxPos - lastMinPos != 0)
                {
                    float s = (lastMax - lastMin) / ((lastMaxPos - lastMinPos) * period);
                    sdRise += (s - meanRise) * (s - meanRise);
                }
            }
        }

        if (nRise > 1)
        {
            sdRise /= nRise;
        }

        if (nFall > 1)
        {
            sdFall /= nFall;
        }

        sdRise = sdRise > 0f ? MathF.Sqrt(sdRise) : 0f;
        sdFall = sdFall > 0f ? MathF.Sqrt(sdFall) : 0f;

        peakDist *= period;
        peakStddevDist *= period;

        o[0] = peakDist;
        o[1] = peakStddevDist;
        o[2] = peakMax - peakMin;
        o[3] = range != 0f ? Unity(MathF.Abs((peakMax - peakMin) / range)) : peakMax - peakMin;
        o[4] = peakMean;
        o[5] = peakMean - mean;
        o[6] = mean != 0f ? RatioLimit(peakMean / mean, 10f, 10f) : 20f;
        o[7] = range != 0f ? Unity(MathF.Abs((minMax - minMin) / range)) : minMax - minMin;
        o[8] = meanRise;
        o[9] = sdRise;
        o[10] = meanFall;
        o[11] = sdFall;
        peakCount = (int)nPeaks;
        return 12;
    }

    private static float Unity(float v) => v > 1f ? 1f : v < -1f ? -1f : v;
}
