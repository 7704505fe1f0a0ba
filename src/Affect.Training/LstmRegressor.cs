using Affect.Sequence.Onnx;
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
        // Seeding and initialisation share torch's global generator: hold it so concurrent model creation stays seeded.
        lock (TorchRuntime.GlobalGenerator)
        {
            torch.manual_seed(seed);
            lstm = nn.LSTM(options.InputSize, options.HiddenSize, options.Layers, batchFirst: true,
                dropout: options.Layers > 1 ? options.Dropout : 0.0);
            head = nn.Linear(options.HiddenSize, 1);
        }

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

    /// <summary>Copies the current parameters out in PyTorch layout (gate blocks i, f, g, o), e.g. for ONNX export.</summary>
    public LstmWeights ExportWeights()
    {
        var named = NamedParameters();
        float[] Values(string name) => named[name].cpu().data<float>().ToArray();
        var layers = Enumerable.Range(0, Options.Layers).Select(l => new LstmLayerWeights(
            Values($"lstm.weight_ih_l{l}"), Values($"lstm.weight_hh_l{l}"), Values($"lstm.bias_ih_l{l}"), Values($"lstm.bias_hh_l{l}"))).ToArray();
        return new LstmWeights(Options.InputSize, Options.HiddenSize, layers, Values("head.weight"), Values("head.bias")[0]);
    }

    /// <summary>Overwrites the parameters with <paramref name="weights"/> (same sizes), e.g. to restore the best epoch.</summary>
    /// <exception cref="ArgumentException">The sizes differ from this module's.</exception>
    public void LoadWeights(LstmWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        if (weights.InputSize != Options.InputSize || weights.HiddenSize != Options.HiddenSize || weights.Layers.Count != Options.Layers)
        {
            throw new ArgumentException(
                $"weights for input {weights.InputSize}, hidden {weights.HiddenSize}, {weights.Layers.Count} layers do not fit a module with input {Options.InputSize}, hidden {Options.HiddenSize}, {Options.Layers} layers",
                nameof(weights));
        }

        var named = NamedParameters();
        using var noGrad = torch.no_grad();
        void Set(string name, float[] values)
        {
            var parameter = named[name];
            using var source = torch.tensor(values, parameter.shape);
            parameter.copy_(source);
        }

        for (var l = 0; l < Options.Layers; l++)
        {
            Set($"lstm.weight_ih_l{l}", weights.Layers[l].InputWeights);
            Set($"lstm.weight_hh_l{l}", weights.Layers[l].RecurrentWeights);
            Set($"lstm.bias_ih_l{l}", weights.Layers[l].InputBias);
            Set($"lstm.bias_hh_l{l}", weights.Layers[l].RecurrentBias);
        }

        Set("head.weight", weights.HeadWeights);
        Set("head.bias", [weights.HeadBias]);
    }

    private Dictionary<string, Parameter> NamedParameters() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
}
