namespace Affect.Learning.Discretization;

/// <summary>
/// UAR of a three-class discretization over a grid of (low, high) threshold pairs (paper §4.2): the landscape that
/// <see cref="ThresholdSearch"/> maximises, sampled on evenly spaced thresholds across the fit scores for the report's
/// heat map. The exact search is not changed by it: the grid only draws what the search chose among.
/// </summary>
/// <param name="Axis">The thresholds tried, ascending, for both the low and the high threshold.</param>
/// <param name="Uar">UAR[low][high] on the fit rows; null where the low threshold exceeds the high one.</param>
public sealed record ThresholdSurface(IReadOnlyList<double> Axis, IReadOnlyList<IReadOnlyList<double?>> Uar)
{
    /// <summary>Thresholds per axis of <see cref="Of"/>'s grid.</summary>
    public const int DefaultSteps = 21;

    /// <summary>
    /// UAR of (low, high) = (axis[i], axis[j]), i ≤ j, classified like <see cref="ThresholdRule.Classify(double)"/> in
    /// <paramref name="direction"/>, where axis = min + (max − min)·k / (steps − 1) over <paramref name="scores"/>.
    /// Values rounded to 6 decimals so that the bytes are reproducible.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, no rows, a NaN score, or fewer than 2 steps.</exception>
    public static ThresholdSurface Of(ReadOnlySpan<double> scores, ReadOnlySpan<int> truth, ScoreDirection direction, int steps = DefaultSteps)
    {
        if (scores.Length != truth.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {truth.Length} classes", nameof(truth));
        }

        if (scores.Length == 0)
        {
            throw new ArgumentException("no rows", nameof(scores));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double s in scores)
        {
            if (double.IsNaN(s))
            {
                throw new ArgumentException("a score is NaN", nameof(scores));
            }

            min = Math.Min(min, s);
            max = Math.Max(max, s);
        }

        var axis = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            axis[k] = Math.Round(min + ((max - min) * k / (steps - 1)), 6, MidpointRounding.ToEven);
        }

        var predicted = new int[scores.Length];
        var rows = new IReadOnlyList<double?>[steps];
        for (int i = 0; i < steps; i++)
        {
            var row = new double?[steps];
            for (int j = i; j < steps; j++)
            {
                var rule = new ThresholdRule([axis[i], axis[j]], direction, double.NaN, double.NaN);
                for (int r = 0; r < scores.Length; r++)
                {
                    predicted[r] = rule.Classify(scores[r]);
                }

                row[j] = Math.Round(Metrics.Uar(truth, predicted, 3), 6, MidpointRounding.ToEven);
            }

            rows[i] = row;
        }

        return new ThresholdSurface(axis, rows);
    }
}
