namespace Affect.Features.Functionals;

/// <summary>
/// openSMILE's cFunctionalSegments over one LLD contour (relTh and nonX algorithms) and the nonX / eqX segmentation that
/// the ComParE and eGeMAPS sets share; segment lengths are counted in frames and written in seconds.
/// </summary>
internal static class FunctionalSegments
{
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
    public static int RelativeThreshold(ReadOnlySpan<float> x, float min, float max, float period, Span<float> o)
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
    public static int NonZero(ReadOnlySpan<float> x, float period, Span<float> o)
    {
        var s = new SegmentStats { Lengths = new long[MaxSegments + 1] };
        foreach (long length in Lengths(x, nonZero: true, MaxSegments))
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
    public static List<long> Lengths(ReadOnlySpan<float> x, bool nonZero, int maxSegments)
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
}
