namespace Affect.Training;

/// <summary>Training objective.</summary>
public enum LstmLoss
{
    /// <summary>Mean squared error over every window step.</summary>
    Mse,

    /// <summary>1 − CCC (Lin's concordance correlation over the batch's steps), common in continuous affect work.</summary>
    Ccc,
}

/// <summary>
/// Hyper-parameters of the cross-corpus LSTM (§3.3). From the paper: Adam with learning rate 0.001, five epochs over every
/// instance of the source corpus, the epoch chosen on the validation corpus. Not given in the paper, chosen here: two
/// stacked LSTM layers of 32 units (enough for 16-step windows of 130 features while keeping a CPU epoch fast and
/// avoiding over-fitting one corpus), batches of 32 windows, MSE loss, no dropout.
/// </summary>
/// <param name="HiddenSize">LSTM units per layer.</param>
/// <param name="Layers">Stacked LSTM layers.</param>
/// <param name="Epochs">Passes over the training windows (5).</param>
/// <param name="LearningRate">Adam learning rate (0.001).</param>
/// <param name="BatchSize">Windows per step.</param>
/// <param name="Loss">Objective.</param>
/// <param name="Seed">Seed of the initial weights, the batch order and dropout.</param>
/// <param name="Dropout">Dropout between stacked layers.</param>
/// <param name="Threads">Torch intra-op threads (1 = bit-reproducible).</param>
/// <param name="Device">cpu (default, bit-reproducible), cuda, or auto (cuda when libtorch sees a GPU, as in the trainer image).</param>
public sealed record LstmTrainingOptions(
    int HiddenSize = 32,
    int Layers = 2,
    int Epochs = 5,
    double LearningRate = 0.001,
    int BatchSize = 32,
    LstmLoss Loss = LstmLoss.Mse,
    long Seed = 1,
    double Dropout = 0.0,
    int Threads = 1,
    string Device = "cpu")
{
    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (HiddenSize < 1)
        {
            errors.Add($"HiddenSize: {HiddenSize} must be at least 1");
        }

        if (Layers < 1)
        {
            errors.Add($"Layers: {Layers} must be at least 1");
        }

        if (Epochs < 1)
        {
            errors.Add($"Epochs: {Epochs} must be at least 1");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            errors.Add($"LearningRate: {LearningRate} must be positive");
        }

        if (BatchSize < 1)
        {
            errors.Add($"BatchSize: {BatchSize} must be at least 1");
        }

        if (!Enum.IsDefined(Loss))
        {
            errors.Add($"Loss: {(int)Loss} is not mse or ccc");
        }

        if (!(Dropout >= 0 && Dropout < 1))
        {
            errors.Add($"Dropout: {Dropout} must be in [0, 1)");
        }

        if (Device is not ("cpu" or "cuda" or "auto"))
        {
            errors.Add($"Device: '{Device}' is not cpu, cuda or auto");
        }

        if (Threads < 1)
        {
            errors.Add($"Threads: {Threads} must be at least 1");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(LstmTrainingOptions)}: {string.Join("; ", errors)}");
        }
    }
}
