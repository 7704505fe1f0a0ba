namespace Affect.Training;

/// <summary>
/// Hyper-parameters of auDeep's recurrent sequence-to-sequence autoencoder (Freitag et al., JMLR 2018; the ComParE 2018
/// recipe): two GRU layers of 256 units, bidirectional decoder, Adam at 0.001, 64 epochs in batches of 256, keep
/// probability 0.8, gradients clipped to [−2, 2], RMSE loss. The encoder is bidirectional here by default, as issue 20
/// asks (auDeep's recipe used a unidirectional one; set <paramref name="BidirectionalEncoder"/> false to match it).
/// </summary>
/// <param name="Layers">GRU layers in the encoder and in the decoder.</param>
/// <param name="Units">GRU units per layer and direction.</param>
/// <param name="BidirectionalEncoder">Run the encoder in both directions.</param>
/// <param name="BidirectionalDecoder">Run the decoder in both directions.</param>
/// <param name="KeepProbability">Keep probability of the dropout on encoder inputs and decoder outputs (1 = none).</param>
/// <param name="Epochs">Passes over the training spectrograms.</param>
/// <param name="BatchSize">Spectrograms per step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="GradientClip">Every gradient value is clipped to ±this before the step.</param>
/// <param name="Seed">Seed of the initial weights, the batch order and the dropout masks.</param>
/// <param name="Threads">Torch intra-op threads (1 = bit-reproducible).</param>
/// <param name="Device">cpu (default; bit-reproducible), cuda, or auto (cuda when libtorch sees a GPU). Bit-identity is promised on cpu only.</param>
public sealed record SpectrogramAutoencoderOptions(
    int Layers = 2,
    int Units = 256,
    bool BidirectionalEncoder = true,
    bool BidirectionalDecoder = true,
    double KeepProbability = 0.8,
    int Epochs = 64,
    int BatchSize = 256,
    double LearningRate = 0.001,
    double GradientClip = 2.0,
    long Seed = 1,
    int Threads = 1,
    string Device = "cpu")
{
    /// <summary>Length of the representation: the decoder's initial state, layers × directions × units.</summary>
    public int RepresentationSize => Layers * (BidirectionalDecoder ? 2 : 1) * Units;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Layers < 1 || Units < 1 || Epochs < 1 || BatchSize < 1 || Threads < 1)
        {
            throw new ArgumentException("Layers, Units, Epochs, BatchSize and Threads must be ≥ 1");
        }

        if (!(KeepProbability > 0 && KeepProbability <= 1))
        {
            throw new ArgumentException($"KeepProbability must be in (0, 1], got {KeepProbability}");
        }

        if (!(LearningRate > 0) || !(GradientClip > 0))
        {
            throw new ArgumentException("LearningRate and GradientClip must be > 0");
        }

        if (Device is not ("cpu" or "cuda" or "auto"))
        {
            throw new ArgumentException($"Device: '{Device}' is not cpu, cuda or auto");
        }
    }
}
