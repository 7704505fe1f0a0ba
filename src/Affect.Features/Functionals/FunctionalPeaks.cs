namespace Affect.Features.Functionals;

/// <summary>
/// openSMILE's cFunctionalPeaks2 over one LLD contour (float32 as in openSMILE's FLOAT_DMEM); writes its values in
/// openSMILE's output order.
/// </summary>
internal static class FunctionalPeaks
{
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
    public static int Compute(ReadOnlySpan<float> x, float min, float max, float mean, float period, Span<float> o) =>
        Compute(x, min, max, mean, period, o, out _);

    /// <summary>As <see cref="Compute(ReadOnlySpan{float}, float, float, float, float, Span{float})"/>, also giving the number of salient maxima (cFunctionalPeaks2 numPeaks before time normalisation).</summary>
    public static int Compute(ReadOnlySpan<float> x, float min, float max, float mean, float period, Span<float> o, out int peakCount)
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

            bool startsRun = init || inMin == e.IsMax;
            if (e.IsMax)
            {
                KeepMoreExtreme(el, k, startsRun, ref lastMaxIdx, ref lastMax);
            }
            else
            {
                KeepMoreExtreme(el, k, startsRun, ref lastMinIdx, ref lastMin);
            }

            inMin = !e.IsMax;
            init = false;
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

        // Slopes between consecutive extrema, per second. The means also count the slope from the last extremum to the
        // end of the contour; the standard deviations do not (as cFunctionalPeaks2).
        var rises = new List<float>();
        var falls = new List<float>();
        var (lastKind, lastY, lastPos) = Slopes(el, x[0], period, rises, falls);
        float meanRise = Sum(rises), meanFall = Sum(falls);
        int nRise = rises.Count, nFall = falls.Count;
        if (lastKind == Kind.Maximum)
        {
            if (n - 1 - lastPos > 0)
            {
                meanFall += (x[n - 1] - lastY) / ((n - 1 - lastPos) * period);
                nFall++;
            }
        }
        else if (lastKind == Kind.Minimum)
        {
            if (n - 1 - lastPos > 0)
            {
                meanRise += (x[n - 1] - lastY) / ((n - 1 - lastPos) * period);
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

        float sdRise = SquaredDeviations(rises, meanRise), sdFall = SquaredDeviations(falls, meanFall);
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
        o[6] = mean != 0f ? RatioLimiter.Limit(peakMean / mean, 10f, 10f) : 20f;
        o[7] = range != 0f ? Unity(MathF.Abs((minMax - minMin) / range)) : minMax - minMin;
        o[8] = meanRise;
        o[9] = sdRise;
        o[10] = meanFall;
        o[11] = sdFall;
        peakCount = (int)nPeaks;
        return 12;
    }

    /// <summary>
    /// Step 3 for one surviving extremum: the first of a run of same-kind extrema is kept; a later one replaces the kept
    /// one only if it is more extreme (a higher maximum, a lower minimum), else it is dropped.
    /// </summary>
    private static void KeepMoreExtreme(Span<Extremum> el, int k, bool startsRun, ref int keptIdx, ref float keptY)
    {
        ref var e = ref el[k];
        float sign = e.IsMax ? 1f : -1f; // negation is exact: −a ≤ −b ⇔ a ≥ b
        if (startsRun)
        {
            keptY = e.Y;
            keptIdx = k;
        }
        else if (sign * e.Y <= sign * keptY)
        {
            e.Alive = false;
        }
        else if (keptIdx != k)
        {
            el[keptIdx].Alive = false;
            keptIdx = k;
            keptY = e.Y;
        }
    }

    private enum Kind
    {
        None,
        Minimum,
        Maximum,
    }

    /// <summary>
    /// The per-second slopes between consecutive surviving extrema, in order, starting from the contour's first value at
    /// position 0: rising ones (into a maximum) and falling ones (into a minimum). Returns the kind, value and position
    /// of the extremum that ended the last slope (<see cref="Kind.None"/> when there is none).
    /// </summary>
    private static (Kind Last, float Y, long Position) Slopes(ReadOnlySpan<Extremum> el, float first, float period, List<float> rises, List<float> falls)
    {
        var last = Kind.None;
        float lastMax = first, lastMin = first;
        long lastMaxPos = 0, lastMinPos = 0;
        foreach (ref readonly var e in el)
        {
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
                    falls.Add((lastMax - lastMin) / ((lastMinPos - lastMaxPos) * period));
                    last = Kind.Minimum;
                }
            }
            else
            {
                lastMax = e.Y;
                lastMaxPos = e.X;
                if (lastMaxPos - lastMinPos > 0)
                {
                    rises.Add((lastMax - lastMin) / ((lastMaxPos - lastMinPos) * period));
                    last = Kind.Maximum;
                }
            }
        }

        return last == Kind.Maximum ? (last, lastMax, lastMaxPos) : (last, lastMin, lastMinPos);
    }

    // Float sum in order from 0, as openSMILE accumulates the slopes.
    private static float Sum(List<float> values)
    {
        float sum = 0f;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }

    // Σ (v − mean)² in float, in order.
    private static float SquaredDeviations(List<float> values, float mean)
    {
        float sum = 0f;
        foreach (float v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return sum;
    }

    private static float Unity(float v) => v > 1f ? 1f : v < -1f ? -1f : v;
}
