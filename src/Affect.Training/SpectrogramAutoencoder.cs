using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>
/// auDeep's recurrent sequence-to-sequence autoencoder over spectrograms [batch, time, bands]: a GRU encoder reads the
/// spectrogram; its final states h_T (all layers and directions) give the representation r = tanh(W·h_T + b), which is
/// the decoder GRU's initial state; the decoder, fed the time-reversed spectrogram shifted by one step (zeros first),
/// reconstructs the time-reversed spectrogram as tanh(V·o_t + c). Training minimises the RMSE of that reconstruction;
/// r is the feature vector.
/// </summary>
public sealed class SpectrogramAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly GRU encoder;
    private readonly Linear bridge;
    private readonly GRU decoder;
    private readonly Linear projection;

    /// <summary>Creates the module with weights drawn from torch's generator seeded with <paramref name="options"/>' seed.</summary>
    /// <param name="bands">Features per time step (Mel bands).</param>
    /// <param name="options">Sizes; validated here.</param>
    public SpectrogramAutoencoder(int bands, SpectrogramAutoencoderOptions options)
        : base(nameof(SpectrogramAutoencoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        Bands = bands;
        Options = options;
        int encoderState = options.Layers * (options.BidirectionalEncoder ? 2 : 1) * options.Units;
        lock (TorchRuntime.GlobalGenerator)
        {
            torch.manual_seed(options.Seed);
            encoder = nn.GRU(bands, options.Units, options.Layers, batchFirst: true, bidirectional: options.BidirectionalEncoder);
            bridge = nn.Linear(encoderState, options.RepresentationSize);
            decoder = nn.GRU(bands, options.Units, options.Layers, batchFirst: true, bidirectional: options.BidirectionalDecoder);
            projection = nn.Linear(options.Units * (options.BidirectionalDecoder ? 2 : 1), bands);
        }

        RegisterComponents();
    }

    /// <summary>Features per time step.</summary>
    public int Bands { get; }

    /// <summary>The sizes this module was built with.</summary>
    public SpectrogramAutoencoderOptions Options { get; }

    /// <summary>Dropout masks for training (null: none, as in evaluation). Set by the trainer, drawn from its own generator.</summary>
    internal Generator? DropoutGenerator { get; set; }

    /// <summary>The representation r = tanh(W·h_T + b) of spectrograms [batch, time, bands]: [batch, RepresentationSize].</summary>
    public Tensor Encode(Tensor spectrograms)
    {
        CheckShape(spectrograms);
        using var scope = NewDisposeScope();
        var (_, final) = encoder.forward(Dropout(spectrograms));
        long batch = spectrograms.shape[0];

        // final: [layers·directions, batch, units] → [batch, layers·directions·units].
        var flat = final.permute(1, 0, 2).reshape(batch, -1);
        return bridge.forward(flat).tanh().MoveToOuterDisposeScope();
    }

    /// <summary>Reconstruction of the time-reversed input [batch, time, bands] (teacher forcing).</summary>
    public override Tensor forward(Tensor spectrograms)
    {
        using var scope = NewDisposeScope();
        var representation = Encode(spectrograms);
        long batch = spectrograms.shape[0];
        long time = spectrograms.shape[1];
        var initial = representation.reshape(batch, -1, Options.Units).permute(1, 0, 2).contiguous();
        var targets = spectrograms.flip(1);
        var inputs = nn.functional.pad(targets.narrow(1, 0, time - 1), [0, 0, 1, 0]);
        var (output, _) = decoder.forward(inputs, initial);
        return projection.forward(Dropout(output)).tanh().MoveToOuterDisposeScope();
    }

    private Tensor Dropout(Tensor x)
    {
        if (DropoutGenerator is null || Options.KeepProbability >= 1)
        {
            return x;
        }

        // Masks drawn on the CPU from the seeded generator (the same masks on every device), then moved to x's device.
        var keep = torch.rand(x.shape, dtype: x.dtype, generator: DropoutGenerator).lt(Options.KeepProbability).to_type(x.dtype).to(x.device);
        return x * keep / Options.KeepProbability;
    }

    private void CheckShape(Tensor spectrograms)
    {
        ArgumentNullException.ThrowIfNull(spectrograms);
        if (spectrograms.dim() != 3 || spectrograms.shape[2] != Bands || spectrograms.shape[1] < 2)
        {
            throw new ArgumentException(
                $"{nameof(SpectrogramAutoencoder)}: input shape [{string.Join(", ", spectrograms.shape)}] must be [batch, time ≥ 2, {Bands}]",
                nameof(spectrograms));
        }
    }
}
