using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>
/// Frame-level sequence regressor of the paper (§3.3): stacked LSTM layers over [batch, time, features] followed by a
/// linear head giving one value (arousal or valence) per frame. Each LSTM layer computes
/// i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), g = tanh(W_g x + U_g h + b_g), o = σ(W_o x + U_o h + b_o),
/// c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'); the head computes y = w·h' + b.
/// </summary>
public sealed class LstmRegressor : nn.Module<Tensor, Tensor>
{
    private readonly LSTM lstm;
    private readonly Linear head;

    /// <summary>
    /// Creates the module with weights drawn from torch's generator seeded with <paramref name="seed"/>
    /// (PyTorch's default initialisation, U(-1/√hidden, 1/√hidden)), so the same seed gives bit-identical weights.
    /// </summary>
    /// <param name="options">Sizes; validated here.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public LstmRegressor(LstmRegressorOptions options, long seed)
        : base(nameof(LstmRegressor))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        Options = options;
        torch.manual_seed(seed);
        lstm = nn.LSTM(options.InputSize, options.HiddenSize, options.Layers, batchFirst: true,
            dropout: options.Layers > 1 ? options.Dropout : 0.0);
        head = nn.Linear(options.HiddenSize, 1);
        RegisterComponents();
    }

    /// <summary>The sizes this module was built with.</summary>
    public LstmRegressorOptions Options { get; }

    /// <summary>Maps input [batch, time, InputSize] to per-frame predictions [batch, time, 1].</summary>
    /// <param name="input">Float tensor [batch, time, InputSize].</param>
    /// <returns>Float tensor [batch, time, 1].</returns>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 3 || input.shape[2] != Options.InputSize)
        {
            throw new ArgumentException(
                $"{nameof(LstmRegressor)}.forward: input shape [{string.Join(", ", input.shape)}] must be [batch, time, {Options.InputSize}]",
                nameof(input));
        }

        using var scope = NewDisposeScope();
        var (sequence, _, _) = lstm.forward(input);
        return head.forward(sequence).MoveToOuterDisposeScope();
    }
}
