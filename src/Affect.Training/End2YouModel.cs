using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>
/// End2You-style end-to-end emotion classifier (Tzirakis et al. 2017/2018) over raw audio [batch, frames, frame samples]:
/// per 40 ms frame, conv₁ (1 → C₁ filters, kernel K₁) → ReLU → max-pool P₁ → conv₂ (C₁ → C₂, K₂) → ReLU → max-pool P₂,
/// flattened to C₂·L features; a GRU over the frames; its outputs averaged over time, h̄ = (1/T)·Σₜ hₜ; class scores
/// s = W·h̄ + b (logits; <see cref="Probabilities"/> applies softmax).
/// </summary>
public sealed class End2YouModel : nn.Module<Tensor, Tensor>
{
    private readonly Conv1d conv1;
    private readonly Conv1d conv2;
    private readonly GRU rnn;
    private readonly Linear classifier;

    /// <summary>Creates the module with weights drawn from torch's generator seeded with the options' seed.</summary>
    /// <param name="classes">Number of classes (≥ 2).</param>
    /// <param name="options">Sizes; validated here.</param>
    public End2YouModel(int classes, End2YouOptions options)
        : base(nameof(End2YouModel))
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        Classes = classes;
        Options = options;
        lock (TorchRuntime.GlobalGenerator)
        {
            torch.manual_seed(options.Seed);
            conv1 = nn.Conv1d(1, options.Conv1Channels, options.Conv1Kernel);
            conv2 = nn.Conv1d(options.Conv1Channels, options.Conv2Channels, options.Conv2Kernel);
            rnn = nn.GRU(options.FrameFeatures, options.Units, batchFirst: true);
            classifier = nn.Linear(options.Units, classes);
        }

        RegisterComponents();
    }

    /// <summary>Number of classes scored.</summary>
    public int Classes { get; }

    /// <summary>The sizes this module was built with.</summary>
    public End2YouOptions Options { get; }

    /// <summary>Class logits [batch, Classes] of audio [batch, frames, FrameSamples].</summary>
    public override Tensor forward(Tensor audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.dim() != 3 || audio.shape[2] != Options.FrameSamples || audio.shape[1] < 1)
        {
            throw new ArgumentException(
                $"{nameof(End2YouModel)}: input shape [{string.Join(", ", audio.shape)}] must be [batch, frames ≥ 1, {Options.FrameSamples}]",
                nameof(audio));
        }

        // On the CPU the convolutions and ReLU + max-pooling run Convolution1d and RectifiedMaxPool1d (bit-identical on
        // every CPU, and as fast as PyTorch's oneDNN where libtorch's reproducible path is 4× slower); on CUDA (or any
        // other device or type) libtorch's conv1d and max_pool1d.
        using var scope = NewDisposeScope();
        long batch = audio.shape[0], frames = audio.shape[1];
        var x = audio.reshape(batch * frames, 1, Options.FrameSamples);
        bool cpu = x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32;
        x = ConvolveRectifyPool(x, conv1, Options.Pool1, cpu);
        x = ConvolveRectifyPool(x, conv2, Options.Pool2, cpu);
        var sequence = x.reshape(batch, frames, Options.FrameFeatures);
        var (output, _) = rnn.forward(sequence);
        return classifier.forward(output.mean([1])).MoveToOuterDisposeScope();
    }

    /// <summary>max-pool(ReLU(conv(x))) with pooling size and stride <paramref name="pool"/>: the reproducible CPU kernels, or libtorch's.</summary>
    private static Tensor ConvolveRectifyPool(Tensor x, Conv1d conv, int pool, bool cpu) => cpu
        ? RectifiedMaxPool1d.Apply(Convolution1d.Apply(x, conv.weight!, conv.bias), pool)
        : nn.functional.max_pool1d(nn.functional.relu(nn.functional.conv1d(x, conv.weight!, conv.bias)), pool, pool);

    /// <summary>Softmax class probabilities [batch, Classes] of audio [batch, frames, FrameSamples].</summary>
    public Tensor Probabilities(Tensor audio)
    {
        using var scope = NewDisposeScope();
        return nn.functional.softmax(forward(audio), 1).MoveToOuterDisposeScope();
    }

    /// <summary>Every parameter's values by PyTorch name (conv1.weight, rnn.weight_ih_l0, classifier.bias, ...).</summary>
    public Dictionary<string, float[]> ParameterValues() => ModuleParameters.Values(this);

    /// <summary>Overwrites the parameters with <paramref name="values"/> (same names and sizes), e.g. the best epoch's.</summary>
    public void LoadParameterValues(IReadOnlyDictionary<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (!values.TryGetValue(name, out var v) || v.Length != parameter.numel())
            {
                throw new ArgumentException($"{nameof(End2YouModel)}: parameter {name} missing or of the wrong size", nameof(values));
            }

            using var source = torch.tensor(v, parameter.shape);
            parameter.copy_(source);
        }
    }
}
