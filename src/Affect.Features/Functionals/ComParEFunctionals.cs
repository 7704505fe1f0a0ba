namespace Affect.Features.Functionals;

/// <summary>
/// The 6373 ComParE 2016 functionals (openSMILE 3 <c>ComParE_2016_core.func.conf.inc</c>) over a ComParE LLD matrix
/// (65 smoothed LLDs + 65 deltas per 10 ms frame), with openSMILE's feature names and order. Six functional sets
/// are applied per LLD group exactly as the configuration does (energy/spectral sets, the voiced-only pitch/voice
/// quality set, pitch on/offset segments, and the shared LLD and delta sets).
/// </summary>
public static class ComParEFunctionals
{
    /// <summary>Number of functionals in the set.</summary>
    public const int Count = 6373;

    /// <summary>Frame period of the ComParE LLDs in seconds (10 ms).</summary>
    public const double FramePeriod = 0.01;

    private enum FunctionalSet
    {
        /// <summary>Extremes, percentiles, moments, relTh segments, times, LPC (energy and spectral LLDs).</summary>
        Contour,

        /// <summary>Means, extremes, regression, percentiles, moments, times, LPC on non-zero frames (voicing).</summary>
        Voiced,

        /// <summary>Non-zero share and segments of non-zero F0.</summary>
        PitchSegments,

        /// <summary>Means, peaks, regression (all LLDs but the voicing group).</summary>
        Lld,

        /// <summary>Means of positives, peaks (deltas of all LLDs but the voicing group).</summary>
        Delta,
    }

    private static readonly string[] ContourNames =
    [
        "range", "maxPos", "minPos", "quartile1", "quartile2", "quartile3", "iqr1-2", "iqr2-3", "iqr1-3",
        "percentile1.0", "percentile99.0", "pctlrange0-1", "stddev", "skewness", "kurtosis",
        "meanSegLen", "maxSegLen", "minSegLen", "segLenStddev",
        "upleveltime25", "upleveltime50", "upleveltime75", "upleveltime90", "risetime", "leftctime",
        "lpgain", "lpc0", "lpc1", "lpc2", "lpc3", "lpc4",
    ];

    private static readonly string[] VoicedNames =
    [
        "amean", "flatness", "posamean", "rqmean", "range", "maxPos", "minPos",
        "linregc1", "linregc2", "linregerrQ", "qregc1", "qregc2", "qregc3", "qregerrQ", "centroid",
        "quartile1", "quartile2", "quartile3", "iqr1-2", "iqr2-3", "iqr1-3", "percentile1.0", "percentile99.0", "pctlrange0-1",
        "stddev", "skewness", "kurtosis",
        "upleveltime25", "upleveltime50", "upleveltime75", "upleveltime90", "risetime", "leftctime",
        "lpgain", "lpc0", "lpc1", "lpc2", "lpc3", "lpc4",
    ];

    private static readonly string[] PitchSegmentNames = ["ff0_nnz", "ff0_meanSegLen", "ff0_maxSegLen", "ff0_minSegLen", "ff0_segLenStddev"];

    private static readonly string[] PeakNames =
    [
        "meanPeakDist", "peakDistStddev", "peakRangeAbs", "peakRangeRel", "peakMeanAbs", "peakMeanMeanDist", "peakMeanRel",
        "minRangeRel", "meanRisingSlope", "stddevRisingSlope", "meanFallingSlope", "stddevFallingSlope",
    ];

    private static readonly string[] RegressionNames = ["linregc1", "linregc2", "linregerrQ", "qregc1", "qregc2", "qregc3", "qregerrQ", "centroid"];

    private static readonly string[] LldNames = ["amean", "flatness", "rqmean", .. PeakNames, .. RegressionNames];

    private static readonly string[] DeltaNames = ["flatness", "posamean", "rqmean", .. PeakNames];

    private static readonly string[] GroupA = ["audspec_lengthL1norm_sma", "audspecRasta_lengthL1norm_sma", "pcm_RMSenergy_sma", "pcm_zcr_sma"];

    private static readonly string[] GroupB =
    [
        .. Enumerable.Range(0, 26).Select(i => $"audSpec_Rfilt_sma[{i}]"),
        "pcm_fftMag_fband250-650_sma", "pcm_fftMag_fband1000-4000_sma",
        "pcm_fftMag_spectralRollOff25.0_sma", "pcm_fftMag_spectralRollOff50.0_sma", "pcm_fftMag_spectralRollOff75.0_sma", "pcm_fftMag_spectralRollOff90.0_sma",
        "pcm_fftMag_spectralFlux_sma", "pcm_fftMag_spectralCentroid_sma", "pcm_fftMag_spectralEntropy_sma", "pcm_fftMag_spectralVariance_sma",
        "pcm_fftMag_spectralSkewness_sma", "pcm_fftMag_spectralKurtosis_sma", "pcm_fftMag_spectralSlope_sma", "pcm_fftMag_psySharpness_sma",
        "pcm_fftMag_spectralHarmonicity_sma",
        .. Enumerable.Range(1, 14).Select(i => $"mfcc_sma[{i}]"),
    ];

    private static readonly string[] GroupVoicing = ["F0final_sma", "voicingFinalUnclipped_sma", "jitterLocal_sma", "jitterDDP_sma", "shimmerLocal_sma", "logHNR_sma"];

    /// <summary>The 65 LLD column names in openSMILE's order (deltas: see <see cref="DeltaName"/>).</summary>
    public static IReadOnlyList<string> LldColumns { get; } = [.. GroupVoicing, .. GroupA, .. GroupB];

    /// <summary>The 130 input column names in openSMILE's LLD output order: 65 LLDs then their 65 deltas.</summary>
    public static IReadOnlyList<string> InputColumns { get; } = [.. LldColumns, .. LldColumns.Select(DeltaName)];

    /// <summary>Delta column name of an LLD column (<c>x_sma</c> → <c>x_sma_de</c>, <c>x_sma[3]</c> → <c>x_sma_de[3]</c>).</summary>
    public static string DeltaName(string lld)
    {
        ArgumentNullException.ThrowIfNull(lld);
        int b = lld.IndexOf('[', StringComparison.Ordinal);
        return b < 0 ? lld + "_de" : string.Concat(lld.AsSpan(0, b), "_de", lld.AsSpan(b));
    }

    private enum Group
    {
        EnergyContour,
        SpectralContour,
        Voicing,
        PitchOnsets,
        Lld,
        Delta,
    }

    private static readonly (string[] Columns, FunctionalSet Set, Group Group)[] Blocks =
    [
        ([.. GroupA, .. GroupA.Select(DeltaName)], FunctionalSet.Contour, Group.EnergyContour),
        ([.. GroupB, .. GroupB.Select(DeltaName)], FunctionalSet.Contour, Group.SpectralContour),
        ([.. GroupVoicing, .. GroupVoicing.Select(DeltaName)], FunctionalSet.Voiced, Group.Voicing),
        (["F0final_sma"], FunctionalSet.PitchSegments, Group.PitchOnsets),
        ([.. GroupA, .. GroupB], FunctionalSet.Lld, Group.Lld),
        ([.. GroupA.Select(DeltaName), .. GroupB.Select(DeltaName)], FunctionalSet.Delta, Group.Delta),
    ];

    private static string[] SetNames(FunctionalSet set) => set switch
    {
        FunctionalSet.Contour => ContourNames,
        FunctionalSet.Voiced => VoicedNames,
        FunctionalSet.PitchSegments => PitchSegmentNames,
        FunctionalSet.Lld => LldNames,
        _ => DeltaNames,
    };

    /// <summary>The 6373 feature names in openSMILE's order (<c>LLD_functional</c>, e.g. <c>pcm_zcr_sma_de_posamean</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Blocks.SelectMany(b => b.Columns.SelectMany(c => SetNames(b.Set).Select(f => $"{c}_{f}")))];

    /// <summary>
    /// For each functional: the openSMILE group it belongs to and the functional's own name (e.g.
    /// <c>("spectral contour, delta", "lpc3")</c>); used to summarise parity by class.
    /// </summary>
    public static IReadOnlyList<(string Group, string Functional)> Classes { get; } =
        [.. Blocks.SelectMany(b => b.Columns.SelectMany(c => SetNames(b.Set).Select(f => (GroupLabel(b.Group, c.Contains("_de", StringComparison.Ordinal)), f))))];

    private static string GroupLabel(Group g, bool delta) => g switch
    {
        Group.EnergyContour => "energy contour",
        Group.SpectralContour => "spectral contour",
        Group.Voicing => "voicing (non-zero frames)",
        Group.PitchOnsets => "F0 segments",
        Group.Lld => "LLD means/peaks/regression",
        _ => "delta means/peaks",
    } + (delta && g is Group.EnergyContour or Group.SpectralContour or Group.Voicing ? ", delta" : "");

    /// <summary>
    /// Computes the 6373 functionals of one utterance.
    /// </summary>
    /// <param name="lld">Row-major frames × columns LLD matrix (float32, as openSMILE's data memory).</param>
    /// <param name="frames">Number of frames (rows); at least 1.</param>
    /// <param name="columns">Column names; must contain the 130 names of <see cref="InputColumns"/> (any order, extra columns ignored).</param>
    /// <param name="source">Name used in error messages (file name).</param>
    /// <returns>The 6373 values in the order of <see cref="Names"/>.</returns>
    public static float[] Compute(ReadOnlySpan<float> lld, int frames, IReadOnlyList<string> columns, string source = "lld")
    {
        var output = new float[Count];
        Compute(lld, frames, columns, output, source);
        return output;
    }

    /// <summary>Computes the 6373 functionals of one utterance into <paramref name="output"/>.</summary>
    /// <param name="lld">Row-major frames × columns LLD matrix.</param>
    /// <param name="frames">Number of frames (rows); at least 1.</param>
    /// <param name="columns">Column names of the matrix.</param>
    /// <param name="output">Destination of length ≥ <see cref="Count"/>.</param>
    /// <param name="source">Name used in error messages.</param>
    public static void Compute(ReadOnlySpan<float> lld, int frames, IReadOnlyList<string> columns, Span<float> output, string source = "lld") =>
        Compute(lld, frames, columns, null, output, source);

    /// <summary>
    /// Computes the 6373 functionals of an LLD matrix from <see cref="LowLevelDescriptors.Extract"/>: when the matrix
    /// carries <see cref="LldMatrix.TrailingSpectralRow"/> (extracted from audio), the spectral contours' extra frame is
    /// the genuine one instead of the estimate the LLD-file path has to make, as openSMILE computes them from WAV.
    /// </summary>
    /// <param name="lld">LLD matrix (130 columns).</param>
    /// <param name="source">Name used in error messages (file name).</param>
    /// <returns>The 6373 values in the order of <see cref="Names"/>.</returns>
    public static float[] Compute(LldMatrix lld, string source = "lld")
    {
        ArgumentNullException.ThrowIfNull(lld);
        var output = new float[Count];
        Compute(lld.Values, lld.Rows, lld.ColumnNames, lld.TrailingSpectralRow, output, source, lld.PitchFramesDecidedAtEnd);
        return output;
    }

    /// <summary>Computes the 6373 functionals of an LLD matrix into <paramref name="output"/> (see <see cref="Compute(LldMatrix, string)"/>).</summary>
    /// <param name="lld">LLD matrix (130 columns).</param>
    /// <param name="output">Destination of length ≥ <see cref="Count"/>.</param>
    /// <param name="source">Name used in error messages.</param>
    public static void Compute(LldMatrix lld, Span<float> output, string source = "lld")
    {
        ArgumentNullException.ThrowIfNull(lld);
        Compute(lld.Values, lld.Rows, lld.ColumnNames, lld.TrailingSpectralRow, output, source, lld.PitchFramesDecidedAtEnd);
    }

    private static void Compute(ReadOnlySpan<float> lld, int frames, IReadOnlyList<string> columns, float[]? trailing, Span<float> output, string source, int? pitchDecided = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (frames < 1)
        {
            throw new ArgumentException($"{source}: frames: {frames} (expected at least one LLD frame)", nameof(frames));
        }

        int width = columns.Count;
        if ((long)frames * width != lld.Length)
        {
            throw new ArgumentException($"{source}: lld: {lld.Length} values is not {frames} frames × {width} columns", nameof(lld));
        }

        if (output.Length < Count)
        {
            throw new ArgumentException($"{source}: output: length {output.Length} < {Count}", nameof(output));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < width; i++)
        {
            index.TryAdd(columns[i], i);
        }

        var missing = InputColumns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"{source}: columns: missing {missing.Count} LLD column(s): {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}", nameof(columns));
        }

        var contour = new float[frames + 1];
        var sorted = new float[frames + 1];
        bool voicedEnd = lld[((frames - 1) * width) + index["F0final_sma"]] != 0f;
        int decided = pitchDecided ?? EstimatePitchDecided(lld, frames, width, index, voicedEnd);
        var extension = trailing is not null && trailing.Length == width
            ? GroupB.Concat(GroupB.Select(DeltaName)).ToDictionary(n => n, n => trailing[index[n]], StringComparer.Ordinal)
            : SpectralExtension(lld, frames, width, index);
        int o = 0;
        foreach (var (cols, set, group) in Blocks)
        {
            int per = SetNames(set).Length;
            int length = FramesSeen(group, frames, decided, extension is not null);
            foreach (string name in cols)
            {
                int c = index[name];
                int n = 0;
                bool nonZeroOnly = set == FunctionalSet.Voiced;
                for (int r = 0; r < length; r++)
                {
                    float v = r < frames ? lld[(r * width) + c] : extension![name];
                    if (!nonZeroOnly || v != 0f)
                    {
                        contour[n++] = v;
                    }
                }

                var dest = output.Slice(o, per);
                dest.Clear();
                if (n > 0)
                {
                    Apply(set, contour.AsSpan(0, n), sorted.AsSpan(0, n), dest);
                }

                o += per;
            }
        }
    }

    /// <summary>
    /// For an LLD matrix without the pitch smoother's state (read from a file): the J (pitch frames decided when the input
    /// ended) whose end-of-input delta horizons (<see cref="Voicing.VoicingDescriptors.EndOfInputHorizon"/>) reproduce the
    /// matrix's own voicing deltas best, trying every J the 30-frame Viterbi buffer allows; another J than the estimate
    /// for a recording that ends as its last row (K − 1 unvoiced, K − 2 voiced) is taken only when it halves the error,
    /// so files that end in silence (where every J explains the deltas) and rounded CSV values keep the estimate.
    /// </summary>
    private static int EstimatePitchDecided(ReadOnlySpan<float> lld, int rows, int width, Dictionary<string, int> index, bool voicedEnd)
    {
        int fallback = rows - 2 - (voicedEnd ? 1 : 0);
        const int cols = Voicing.VoicingDescriptors.ColumnCount;
        const int lldCount = Voicing.VoicingDescriptors.LldCount;
        if (rows < 6)
        {
            return fallback;
        }

        var names = Voicing.VoicingDescriptors.ColumnNames;
        var src = new int[cols];
        for (int c = 0; c < cols; c++)
        {
            if (!index.TryGetValue(names[c], out src[c]))
            {
                return fallback;
            }
        }

        var file = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                file[(r * cols) + c] = lld[(r * width) + src[c]];
            }
        }

        int lowest = Math.Max(1, rows - 2 - 40);
        int firstRow = Math.Max(0, lowest - 4);
        var work = new float[file.Length];
        double Error(int j)
        {
            file.CopyTo(work, 0);
            Voicing.VoicingDescriptors.ApplyDeltas(work, rows, j);
            double e = 0;
            for (int r = firstRow; r < rows; r++)
            {
                for (int c = lldCount; c < cols; c++)
                {
                    double d = work[(r * cols) + c] - file[(r * cols) + c];
                    double scale = Math.Max(Math.Abs(file[(r * cols) + c]), 1e-6);
                    e += Math.Abs(d) / scale;
                }
            }

            return e;
        }

        double fallbackError = Error(fallback);
        int best = fallback;
        double bestError = double.PositiveInfinity;
        for (int j = rows - 2; j >= lowest && fallbackError > 0 && bestError > 0; j--)
        {
            double e = j == fallback ? double.PositiveInfinity : Error(j);
            if (e < bestError)
            {
                best = j;
                bestError = e;
            }
        }

        // Another J only when it explains the deltas clearly better (CSV rounding must not move a silent ending).
        return bestError < 0.5 * fallbackError ? best : fallback;
    }

    /// <summary>
    /// How many leading LLD rows openSMILE's functionals component of a group sees at the end of input (frameMode
    /// full): it reads every input level once, in the first tick of the first end-of-input pass, so the levels end at
    /// different frames because of the delta look-ahead, the pitch smoother delay (J = <paramref name="decided"/> frames
    /// decided when the input ended: the smoothed voicing level then holds J rows, its deltas J − 2) and the 20 ms
    /// spectral level running one frame past the LLD output. Measured on reference sets 1–3 (docs/parity.md).
    /// </summary>
    private static int FramesSeen(Group group, int rows, int decided, bool extended)
    {
        int n = group switch
        {
            Group.EnergyContour => rows - 3,
            Group.SpectralContour => extended ? rows + 1 : rows,
            Group.Voicing => decided - 2,
            Group.PitchOnsets => decided,
            Group.Lld => rows - 1,
            _ => rows - 3,
        };
        return Math.Clamp(n, 1, extended ? rows + 1 : rows);
    }

    /// <summary>
    /// The spectral (20 ms) level has one genuine frame beyond the last LLD row; openSMILE's delta regression
    /// d[n] = Σᵢ i·(x[n+i] − x[n−i]) / 10 (i = 1, 2) at rows N−2 and N−1 already used it, so it is recovered exactly:
    /// x[N] = (10·d[N−2] − x[N−1] + x[N−3]) / 2 + x[N−4]. Its delta d[N] is estimated the same way from d[N−1]
    /// with edge replication of the frame after (accurate to ~1e-6 relative; see docs/parity.md).
    /// </summary>
    private static Dictionary<string, float>? SpectralExtension(ReadOnlySpan<float> lld, int rows, int width, Dictionary<string, int> index)
    {
        if (rows < 5)
        {
            return null;
        }

        var ext = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (string name in GroupB)
        {
            int c = index[name];
            int dc = index[DeltaName(name)];
            int n = rows;
            double x1 = lld[((n - 1) * width) + c], x2 = lld[((n - 2) * width) + c];
            double x3 = lld[((n - 3) * width) + c], x4 = lld[((n - 4) * width) + c];
            double d1 = lld[((n - 1) * width) + dc], d2 = lld[((n - 2) * width) + dc];
            double xN = (((10.0 * d2) - x1 + x3) / 2.0) + x4;
            double xN1 = (((10.0 * d1) - xN + x2) / 2.0) + x3;
            double dN = (xN1 - x1 + (2.0 * (xN1 - x2))) / 10.0;
            ext[name] = (float)xN;
            ext[DeltaName(name)] = (float)dN;
        }

        return ext;
    }

    private static void Apply(FunctionalSet set, ReadOnlySpan<float> x, Span<float> sortBuffer, Span<float> o)
    {
        float min = x[0], max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] < min)
            {
                min = x[i];
            }

            if (x[i] > max)
            {
                max = x[i];
            }
        }

        float mean = FunctionalMeans.Mean(x);
        const float period = (float)FramePeriod;
        int k = 0;
        switch (set)
        {
            case FunctionalSet.Contour:
                x.CopyTo(sortBuffer);
                sortBuffer.Sort();
                k += FunctionalExtremes.Compute(x, min, max, o[k..]);
                k += FunctionalPercentiles.Compute(sortBuffer, o[k..]);
                k += FunctionalMoments.Compute(x, mean, o[k..]);
                k += FunctionalSegments.RelativeThreshold(x, min, max, period, o[k..]);
                k += FunctionalTimes.Compute(x, min, max, o[k..]);
                FunctionalLpc.Compute(x, o[k..]);
                break;
            case FunctionalSet.Voiced:
                {
                    x.CopyTo(sortBuffer);
                    sortBuffer.Sort();
                    var m = FunctionalMeans.Compute(x, mean);
                    o[k++] = m.AMean;
                    o[k++] = m.Flatness;
                    o[k++] = m.PosAMean;
                    o[k++] = m.RqMean;
                    k += FunctionalExtremes.Compute(x, min, max, o[k..]);
                    k += FunctionalRegression.Compute(x, min, max, mean, perSecond: false, FramePeriod, o[k..]);
                    k += FunctionalPercentiles.Compute(sortBuffer, o[k..]);
                    k += FunctionalMoments.Compute(x, mean, o[k..]);
                    k += FunctionalTimes.Compute(x, min, max, o[k..]);
                    FunctionalLpc.Compute(x, o[k..]);
                    break;
                }

            case FunctionalSet.PitchSegments:
                o[k++] = FunctionalMeans.Compute(x, mean).NnzFraction;
                FunctionalSegments.NonZero(x, period, o[k..]);
                break;
            case FunctionalSet.Lld:
                {
                    var m = FunctionalMeans.Compute(x, mean);
                    o[k++] = m.AMean;
                    o[k++] = m.Flatness;
                    o[k++] = m.RqMean;
                    k += FunctionalPeaks.Compute(x, min, max, mean, period, o[k..]);
                    FunctionalRegression.Compute(x, min, max, mean, perSecond: true, FramePeriod, o[k..]);
                    break;
                }

            default:
                {
                    var m = FunctionalMeans.Compute(x, mean);
                    o[k++] = m.Flatness;
                    o[k++] = m.PosAMean;
                    o[k++] = m.RqMean;
                    FunctionalPeaks.Compute(x, min, max, mean, period, o[k..]);
                    break;
                }
        }
    }
}
