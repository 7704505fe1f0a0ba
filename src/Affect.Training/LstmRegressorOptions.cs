namespace Affect.Training;

/// <summary>Shape of an <see cref="LstmRegressor"/>: feature count per frame, LSTM width and depth, dropout between layers.</summary>
/// <param name="InputSize">Features per frame (130 for ComParE 2016 LLDs and deltas in the paper).</param>
/// <param name="HiddenSize">LSTM hidden/cell state size per layer.</param>
/// <param name="Layers">Number of stacked LSTM layers.</param>
/// <param name="Dropout">Dropout probability between stacked layers (training only), in [0, 1).</param>
public sealed record LstmRegressorOptions(int InputSize, int HiddenSize, int Layers, double Dropout = 0.0)
{
    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field at once.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (InputSize < 1)
        {
            errors.Add($"InputSize: {InputSize} must be at least 1");
        }

        if (HiddenSize < 1)
        {
            errors.Add($"HiddenSize: {HiddenSize} must be at least 1");
        }

        if (Layers < 1)
        {
            errors.Add($"Layers: {Layers} must be at least 1");
        }

        if (!(Dropout >= 0.0 && Dropout < 1.0))
        {
            errors.Add($"Dropout: {Dropout} must be in [0, 1)");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(LstmRegressorOptions)}: {string.Join("; ", errors)}");
        }
    }
}
