using System.Globalization;
using System.Runtime.Intrinsics;

namespace Affect.Learning;

/// <summary>
/// Checks that feature tables are numerically usable by the learners before anything is fitted, and that no score
/// that is not a finite number leaves a learner. Every cell must be finite after the normalization fitted on the
/// training partition, and no larger in magnitude than <see cref="Bound"/>, so that linear-kernel entries
/// k(x, y) = Σⱼ xⱼyⱼ stay below 10¹⁰⁰ and the learners' sums of squares of kernel entries cannot overflow.
/// Errors name the file, the line and the column.
/// </summary>
public static class NumericInput
{
    /// <summary>Largest magnitude a normalized feature may have with <paramref name="features"/> features: 10⁵⁰/√d.</summary>
    public static double Bound(int features) => 1e50 / Math.Sqrt(Math.Max(features, 1));

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming file, line and column when the normalization fitted on
    /// <paramref name="fit"/> overflows or leaves a cell of <paramref name="fit"/> or <paramref name="apply"/>
    /// beyond <see cref="Bound"/>.
    /// </summary>
    /// <param name="options">Normalization options (scaling and power exponent).</param>
    /// <param name="fit">The tables the normalization is fitted on (train, or train and devel when refitting).</param>
    /// <param name="apply">The other tables the fitted normalization is applied to.</param>
    public static void RequireScalable(LearnerOptions options, IReadOnlyList<FeatureTable> fit, IReadOnlyList<FeatureTable> apply)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(apply);
        var fitX = fit[0].Features;
        for (int t = 1; t < fit.Count; t++)
        {
            fitX = RealMatrix.StackRows(fitX, fit[t].Features);
        }

        var scaler = FeatureScaler.Fit(fitX, options.Scaling, options.PowerExponent);
        double bound = Bound(fitX.Cols);
        string how = Describe(options);
        for (int j = 0; j < fitX.Cols; j++)
        {
            if (!scaler.HasFiniteStatistics(j))
            {
                // The statistics themselves overflowed: name the largest cell of the column, the one to look at.
                var (owner, at, largest) = Largest(fit, j);
                throw new InvalidDataException(
                    $"{owner.Source}: {owner.Where(at)}: column '{owner.FeatureNames[j]}': {largest.ToString("R", CultureInfo.InvariantCulture)}: the {how} statistics of the training partition overflow; rescale the column");
            }
        }

        foreach (var table in fit)
        {
            Check(table, scaler, bound, how, fitted: true, fit);
        }

        foreach (var table in apply)
        {
            Check(table, scaler, bound, how, fitted: false, fit);
        }
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the row of <paramref name="table"/> whose scores are not finite.</summary>
    /// <param name="table">The table the scores are for.</param>
    /// <param name="scores">Scores (rows of <paramref name="table"/> × classes).</param>
    /// <param name="options">The learner (named in the message).</param>
    /// <param name="point">The hyper-parameters (named in the message).</param>
    public static void RequireFiniteScores(FeatureTable table, RealMatrix scores, LearnerOptions options, GridPoint point)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(point);
        for (int i = 0; i < scores.Rows; i++)
        {
            foreach (double v in scores.Row(i))
            {
                if (!double.IsFinite(v))
                {
                    string at = point.C is { } c ? $"C={c.ToString("G4", CultureInfo.InvariantCulture)}" : $"factors={point.Factors}";
                    throw new InvalidDataException(
                        $"{table.Source}: {table.Where(i)}: scores: {options.Learner.ToString().ToLowerInvariant()} ({at}) gives {v.ToString(CultureInfo.InvariantCulture)} for '{table.Names[i]}' (features too large or nearly collinear)");
                }
            }
        }
    }

    private static void Check(FeatureTable table, FeatureScaler scaler, double bound, string how, bool fitted, IReadOnlyList<FeatureTable> fit)
    {
        var inv = CultureInfo.InvariantCulture;

        // Rows are checked in parallel; the first bad row in the file is then reported as a sequential scan would.
        var bad = new bool[table.Features.Rows];
        Parallel.For(0, bad.Length, () => new double[table.Features.Cols], (i, _, z) =>
        {
            scaler.TransformRow(table.Features.Row(i), z);
            bad[i] = !WithinBound(z, bound);
            return z;
        }, _ => { });
        var row = new double[table.Features.Cols];
        for (int i = Array.IndexOf(bad, true); i >= 0 && i < table.Features.Rows; i++)
        {
            scaler.TransformRow(table.Features.Row(i), row);
            for (int j = 0; j < row.Length; j++)
            {
                double v = row[j];
                if (double.IsFinite(v) && Math.Abs(v) <= bound)
                {
                    continue;
                }

                string column = table.FeatureNames[j];
                double raw = table.Features[i, j];
                if (!double.IsFinite(v) && fitted && scaler.Kind != FeatureScaling.None)
                {
                    // The statistics themselves overflowed: name the largest cell of the column, the one to look at.
                    var (owner, at, largest) = Largest(fit, j);
                    throw new InvalidDataException(
                        $"{owner.Source}: {owner.Where(at)}: column '{column}': {largest.ToString("R", inv)}: the {how} statistics of the training partition overflow; rescale the column");
                }

                throw new InvalidDataException(
                    $"{table.Source}: {table.Where(i)}: column '{column}': {raw.ToString("R", inv)} is {(double.IsFinite(v) ? $"{v.ToString("G3", inv)}" : "not finite")} after {how}, beyond ±{bound.ToString("G3", inv)} where the kernel would overflow");
            }
        }
    }

    // Every value finite and |v| ≤ bound (a NaN fails the comparison, an infinity exceeds the finite bound).
    private static bool WithinBound(ReadOnlySpan<double> z, double bound)
    {
        var limit = Vector256.Create(bound);
        int k = 0;
        for (; k + 4 <= z.Length; k += 4)
        {
            if (!Vector256.LessThanOrEqualAll(Vector256.Abs(Vector256.Create(z.Slice(k, 4))), limit))
            {
                return false;
            }
        }

        for (; k < z.Length; k++)
        {
            if (!(Math.Abs(z[k]) <= bound))
            {
                return false;
            }
        }

        return true;
    }

    private static (FeatureTable Table, int Row, double Value) Largest(IReadOnlyList<FeatureTable> fit, int column)
    {
        var best = (fit[0], 0, fit[0].Features[0, column]);
        foreach (var t in fit)
        {
            for (int i = 0; i < t.Features.Rows; i++)
            {
                double v = t.Features[i, column];
                if (Math.Abs(v) > Math.Abs(best.Item3))
                {
                    best = (t, i, v);
                }
            }
        }

        return best;
    }

    private static string Describe(LearnerOptions o)
    {
        string scaling = o.Scaling switch
        {
            FeatureScaling.ZScore => "z-score scaling",
            FeatureScaling.MinMax => "min-max scaling",
            _ => "no scaling",
        };
        return o.PowerExponent is { } p ? $"power {p.ToString("G4", CultureInfo.InvariantCulture)} and {scaling}" : scaling;
    }
}
