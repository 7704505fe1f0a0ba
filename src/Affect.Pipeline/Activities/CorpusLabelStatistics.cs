using System.Runtime.InteropServices;
using Affect.Audio;
using Affect.Corpora;
using Affect.Sequence.Labels;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Fig. 2 analogue for one dimensional corpus in results.json: how its gold standard (mean of the raters at 25 Hz,
/// §3.2) is distributed in each dimension, the arousal–valence correlation, and how it was annotated.
/// </summary>
/// <param name="Rates">Distinct annotation rates of its label files (Hz).</param>
/// <param name="Raters">Most raters of any file, per dimension.</param>
/// <param name="Frames">Gold-standard frames (25 Hz) over every file and partition.</param>
/// <param name="Dimensions">Distribution of each dimension's gold standard.</param>
/// <param name="ArousalValenceCorrelation">Pearson correlation of the arousal and valence gold standards, frame by frame; null without both.</param>
/// <param name="Joint">Frames per cell of a 10 × 10 grid over [-1, 1]²: Joint[i][j] counts valence bin i (from −1 up) and arousal bin j; null without both.</param>
/// <param name="CorrectedLagSeconds">Annotator lag the pipeline's LSTM stage corrects (§3.2).</param>
/// <param name="GeneratorLagSeconds">Mean lag of the raters as generated (synthetic corpora with a synthesis.json), else null.</param>
/// <param name="StandsFor">The real corpus a synthetic corpus imitates (from synthesis.json), else null.</param>
public sealed record CorpusLabelStatistics(
    IReadOnlyList<double> Rates,
    IReadOnlyDictionary<string, int> Raters,
    int Frames,
    IReadOnlyDictionary<string, DimensionStatistics> Dimensions,
    double? ArousalValenceCorrelation,
    IReadOnlyList<IReadOnlyList<int>>? Joint,
    double? CorrectedLagSeconds,
    double? GeneratorLagSeconds,
    string? StandsFor)
{
    /// <summary>Bins of each one-dimensional histogram over [-1, 1].</summary>
    public const int HistogramBins = 20;

    /// <summary>Bins per axis of the joint arousal × valence histogram.</summary>
    public const int JointBins = 10;

    /// <summary>
    /// Computes the statistics of one corpus from its label files: every entry's raters are combined into the 25 Hz gold
    /// standard per dimension (<see cref="GoldStandard.Combine"/>), then pooled over the corpus.
    /// </summary>
    /// <param name="files">Per label file: its manifest reference and the parsed table.</param>
    /// <param name="correctedLagSeconds">Lag the pipeline corrects, recorded as given.</param>
    /// <param name="synthesis">The corpus's synthesis.json summary, if any.</param>
    public static CorpusLabelStatistics Compute(IReadOnlyList<(CorpusLabels Labels, LabelTable Table)> files, double? correctedLagSeconds, Corpora.Synthetic.SynthesisDescription? synthesis)
    {
        ArgumentNullException.ThrowIfNull(files);
        var pooled = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        var raters = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var arousal = new List<double>();
        var valence = new List<double>();
        foreach (var (labels, table) in files)
        {
            var golds = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var (dimension, columns) in labels.Raters)
            {
                raters[dimension] = Math.Max(raters.GetValueOrDefault(dimension), columns.Count);
                if (columns.Count == 0 || table.RowCount == 0)
                {
                    continue;
                }

                var gold = GoldStandard.Combine(columns.Select(c => table.Column(c).ToArray()).ToList(), labels.Rate).Values;
                golds[dimension] = gold;
                if (!pooled.TryGetValue(dimension, out var list))
                {
                    pooled[dimension] = list = [];
                }

                list.AddRange(gold);
            }

            if (golds.TryGetValue("arousal", out var a) && golds.TryGetValue("valence", out var v))
            {
                int n = Math.Min(a.Length, v.Length);
                arousal.AddRange(a.Take(n));
                valence.AddRange(v.Take(n));
            }
        }

        double? correlation = null;
        int[][]? joint = null;
        if (arousal.Count > 1)
        {
            correlation = Round(Correlation.Pearson(CollectionsMarshal.AsSpan(arousal), CollectionsMarshal.AsSpan(valence), undefined: 0));
            joint = Enumerable.Range(0, JointBins).Select(_ => new int[JointBins]).ToArray();
            for (int i = 0; i < arousal.Count; i++)
            {
                joint[Bin(valence[i], JointBins)][Bin(arousal[i], JointBins)]++;
            }
        }

        return new CorpusLabelStatistics(
            files.Select(f => f.Labels.Rate).Distinct().Order().ToList(),
            raters,
            pooled.Count == 0 ? 0 : pooled.Values.Max(l => l.Count),
            pooled.ToDictionary(p => p.Key, p => DimensionStatistics.Of(p.Value), StringComparer.Ordinal),
            correlation,
            joint,
            correctedLagSeconds,
            synthesis?.MeanRaterLagSeconds,
            synthesis?.StandsFor);
    }

    /// <summary>The bin of <paramref name="x"/> among <paramref name="bins"/> equal bins over [-1, 1]; values outside go to the edge bins.</summary>
    public static int Bin(double x, int bins) => Math.Clamp((int)Math.Floor((x + 1) / 2 * bins), 0, bins - 1);

    internal static double Round(double v) => Math.Round(v, 4, MidpointRounding.ToEven);
}

/// <summary>The distribution of one dimension's gold standard over a corpus.</summary>
/// <param name="Mean">Mean.</param>
/// <param name="Sd">Standard deviation.</param>
/// <param name="Skewness">Skewness m3 / m2^1.5 (&gt; 0: long upper tail).</param>
/// <param name="Kurtosis">Excess kurtosis m4 / m2² − 3 (&gt; 0: peaked).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Histogram">Frames per bin of <see cref="CorpusLabelStatistics.HistogramBins"/> equal bins over [-1, 1] (outside values in the edge bins).</param>
public sealed record DimensionStatistics(double Mean, double Sd, double Skewness, double Kurtosis, double Min, double Max, IReadOnlyList<int> Histogram)
{
    /// <summary>Moments, range and histogram of <paramref name="x"/> (not empty).</summary>
    public static DimensionStatistics Of(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double mean = x.Average();
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        var histogram = new int[CorpusLabelStatistics.HistogramBins];
        foreach (double v in x)
        {
            double d = v - mean;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
            histogram[CorpusLabelStatistics.Bin(v, histogram.Length)]++;
        }

        m2 /= x.Count;
        m3 /= x.Count;
        m4 /= x.Count;
        double R(double v) => CorpusLabelStatistics.Round(v);
        return new DimensionStatistics(
            R(mean),
            R(Math.Sqrt(m2)),
            m2 > 0 ? R(m3 / Math.Pow(m2, 1.5)) : 0,
            m2 > 0 ? R((m4 / (m2 * m2)) - 3) : 0,
            R(x.Min()),
            R(x.Max()),
            histogram);
    }
}
