namespace Affect.Sequence.Windows;

/// <summary>
/// Geometry of the "sparsed" context windows of the paper (§3.2, after [25]): <see cref="Steps"/> time steps spread evenly
/// over <see cref="ContextSeconds"/> seconds (16 steps over 8 s: one step every 0.5 s), each step one feature frame and the
/// label at that time; consecutive windows start <see cref="HopSeconds"/> apart and overlap.
/// </summary>
/// <param name="ContextSeconds">Context covered by one window (8 s).</param>
/// <param name="Steps">Time steps per window (16).</param>
/// <param name="HopSeconds">Start-to-start distance of consecutive windows. Training uses 0.2 s (so window steps fall on
/// every 0.1 s phase of the 0.5 s step grid); prediction uses one label frame (0.04 s) so every label frame gets predictions.</param>
/// <param name="StepFrames">Feature frames averaged around each step's time (1 = pure sparsing as in the paper).</param>
public sealed record ContextWindowOptions(double ContextSeconds = 8.0, int Steps = 16, double HopSeconds = 0.2, int StepFrames = 1)
{
    /// <summary>Hop used for prediction: one 25 Hz label frame.</summary>
    public const double PredictionHopSeconds = 0.04;

    /// <summary>Time between consecutive steps of a window: context / steps (0.5 s).</summary>
    public double StepSeconds => ContextSeconds / Steps;

    /// <summary>The same geometry with the prediction hop (one label frame).</summary>
    public ContextWindowOptions ForPrediction() => this with { HopSeconds = PredictionHopSeconds };

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!(ContextSeconds > 0) || !double.IsFinite(ContextSeconds))
        {
            errors.Add($"ContextSeconds: {ContextSeconds} must be a positive number of seconds");
        }

        if (Steps < 1)
        {
            errors.Add($"Steps: {Steps} must be at least 1");
        }

        if (!(HopSeconds > 0) || !double.IsFinite(HopSeconds))
        {
            errors.Add($"HopSeconds: {HopSeconds} must be a positive number of seconds");
        }

        if (StepFrames < 1)
        {
            errors.Add($"StepFrames: {StepFrames} must be at least 1");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(ContextWindowOptions)}: {string.Join("; ", errors)}");
        }
    }
}
