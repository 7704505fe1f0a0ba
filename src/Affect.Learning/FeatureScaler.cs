using System.Runtime.Intrinsics;

namespace Affect.Learning;

/// <summary>Per-feature normalization, fitted on the training partition only.</summary>
public enum FeatureScaling
{
    /// <summary>No scaling.</summary>
    None,

    /// <summary>z-score: (x − μ) / σ with the population σ of the training partition (σ = 0 ⇒ divide by 1).</summary>
    ZScore,

    /// <summary>Min–max: (x − min) / (max − min) of the training partition (zero range ⇒ divide by 1).</summary>
    MinMax,
}

/// <summary>
/// A fitted feature normalization: optional power normalization sign(x)·|x|^p (applied first, as for bag-of-audio-words
/// histograms) followed by z-score or min–max with statistics of the training partition, applied unchanged to the
/// other partitions so nothing leaks from development or test data.
/// </summary>
public sealed class FeatureScaler
{
    // Columns per parallel strip of the statistics (2 KB of a row).
    private const int StatisticsStrip = 256;

    private readonly double[] offset;
    private readonly double[] scale;

    private FeatureScaler(FeatureScaling kind, double? power, double[] offset, double[] scale)
    {
        Kind = kind;
        PowerExponent = power;
        this.offset = offset;
        this.scale = scale;
    }

    /// <summary>The normalization.</summary>
    public FeatureScaling Kind { get; }

    /// <summary>Exponent of the power normalization, or null when off.</summary>
    public double? PowerExponent { get; }

    /// <summary>Fits the statistics on <paramref name="train"/>.</summary>
    public static FeatureScaler Fit(RealMatrix train, FeatureScaling kind, double? powerExponent = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (powerExponent is { } p && !(p > 0 && double.IsFinite(p)))
        {
            throw new ArgumentOutOfRangeException(nameof(powerExponent), $"power exponent {p} is not a positive number");
        }

        int d = train.Cols;
        var offset = new double[d];
        var scale = new double[d];
        Array.Fill(scale, 1.0);
        var x = powerExponent is null ? train : Power(train, powerExponent.Value);
        int n = x.Rows;
        if (n > 0 && kind == FeatureScaling.ZScore)
        {
            // Column strips in parallel; within a strip every column is summed over the rows in order, as by one
            // thread, so the statistics do not depend on the number of threads.
            int strips = (d + StatisticsStrip - 1) / StatisticsStrip;
            Parallel.For(0, strips, b =>
            {
                int j0 = b * StatisticsStrip;
                int len = Math.Min(StatisticsStrip, d - j0);
                Span<double> sum = stackalloc double[StatisticsStrip];
                sum.Clear();
                for (int i = 0; i < n; i++)
                {
                    var r = x.Row(i).Slice(j0, len);
                    for (int j = 0; j < len; j++)
                    {
                        sum[j] += r[j];
                    }
                }

                var mean = offset.AsSpan(j0, len);
                for (int j = 0; j < len; j++)
                {
                    mean[j] = sum[j] / n;
                }

                var ss = sum;
                ss.Clear();
                for (int i = 0; i < n; i++)
                {
                    var r = x.Row(i).Slice(j0, len);
                    for (int j = 0; j < len; j++)
                    {
                        double t = r[j] - mean[j];
                        ss[j] += t * t;
                    }
                }

                for (int j = 0; j < len; j++)
                {
                    double sd = Math.Sqrt(ss[j] / n);
                    scale[j0 + j] = sd > 0 ? sd : 1;
                }
            });
        }
        else if (n > 0 && kind == FeatureScaling.MinMax)
        {
            var min = x.Row(0).ToArray();
            var max = x.Row(0).ToArray();
            for (int i = 1; i < n; i++)
            {
                var r = x.Row(i);
                for (int j = 0; j < d; j++)
                {
                    min[j] = Math.Min(min[j], r[j]);
                    max[j] = Math.Max(max[j], r[j]);
                }
            }

            for (int j = 0; j < d; j++)
            {
                offset[j] = min[j];
                scale[j] = max[j] > min[j] ? max[j] - min[j] : 1;
            }
        }

        return new FeatureScaler(kind, powerExponent, offset, scale);
    }

    /// <summary>True when the offset and scale fitted for <paramref name="column"/> are finite (they overflow for huge cells).</summary>
    public bool HasFiniteStatistics(int column) => double.IsFinite(offset[column]) && double.IsFinite(scale[column]);

    /// <summary>Applies the fitted normalization to <paramref name="x"/> (a new matrix).</summary>
    public RealMatrix Transform(RealMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != offset.Length)
        {
            throw new ArgumentException($"matrix has {x.Cols} features, the scaler was fitted on {offset.Length}", nameof(x));
        }

        var y = RealMatrix.Uninitialized(x.Rows, x.Cols);
        Parallel.For(0, x.Rows, i => TransformRow(x.Row(i), y.Row(i)));
        return y;
    }

    /// <summary>
    /// Writes the normalized <paramref name="row"/> to <paramref name="result"/> (same length as the fitted feature
    /// count), so that a table can be checked row by row without a normalized copy of it.
    /// </summary>
    public void TransformRow(ReadOnlySpan<double> row, Span<double> result)
    {
        if (row.Length != offset.Length || result.Length != offset.Length)
        {
            throw new ArgumentException($"row has {row.Length} features and result {result.Length}, the scaler was fitted on {offset.Length}", nameof(row));
        }

        if (PowerExponent is { } p)
        {
            for (int j = 0; j < row.Length; j++)
            {
                result[j] = ((Math.Sign(row[j]) * Math.Pow(Math.Abs(row[j]), p)) - offset[j]) / scale[j];
            }

            return;
        }

        // Element by element (x − o) / s, four or eight at a time: each lane is the same correctly rounded
        // subtraction and division, so the width changes no bit.
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + 8 <= row.Length; k += 8)
            {
                ((Vector512.Create(row.Slice(k, 8)) - Vector512.Create(offset.AsSpan(k, 8))) / Vector512.Create(scale.AsSpan(k, 8))).CopyTo(result.Slice(k, 8));
            }
        }

        for (; k + 4 <= row.Length; k += 4)
        {
            ((Vector256.Create(row.Slice(k, 4)) - Vector256.Create(offset.AsSpan(k, 4))) / Vector256.Create(scale.AsSpan(k, 4))).CopyTo(result.Slice(k, 4));
        }

        for (; k < row.Length; k++)
        {
            result[k] = (row[k] - offset[k]) / scale[k];
        }
    }

    private static RealMatrix Power(RealMatrix x, double p)
    {
        var y = x.Clone();
        var a = y.Data;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Math.Sign(a[i]) * Math.Pow(Math.Abs(a[i]), p);
        }

        return y;
    }
}
