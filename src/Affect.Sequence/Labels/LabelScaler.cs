namespace Affect.Sequence.Labels;

/// <summary>
/// Min/max scaler of the paper (§3.2), fitted on the training corpus and applied to every corpus:
/// y' = low + (y − min) (high − low) / (max − min); a constant training trace maps to the middle of the range.
/// </summary>
/// <param name="Min">Smallest training label.</param>
/// <param name="Max">Largest training label.</param>
/// <param name="Low">Target of <paramref name="Min"/> (default 0, as scikit-learn's MinMaxScaler).</param>
/// <param name="High">Target of <paramref name="Max"/> (default 1).</param>
public sealed record LabelScaler(double Min, double Max, double Low = 0.0, double High = 1.0)
{
    /// <summary>Fits the scaler on every value of every training trace.</summary>
    /// <exception cref="ArgumentException">There are no values, or one is not finite.</exception>
    public static LabelScaler Fit(IEnumerable<double[]> traces, double low = 0.0, double high = 1.0)
    {
        ArgumentNullException.ThrowIfNull(traces);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var value in traces.SelectMany(t => t))
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"label value {value} is not finite", nameof(traces));
            }

            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        if (double.IsInfinity(min))
        {
            throw new ArgumentException("no label values to fit the min/max scaler on", nameof(traces));
        }

        return new LabelScaler(min, max, low, high);
    }

    /// <summary>Scales one value.</summary>
    public double Apply(double value) =>
        Max > Min ? Low + ((value - Min) * (High - Low) / (Max - Min)) : (Low + High) / 2;

    /// <summary>Scales a trace into a new array.</summary>
    public double[] Apply(ReadOnlySpan<double> values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = Apply(values[i]);
        }

        return result;
    }
}
