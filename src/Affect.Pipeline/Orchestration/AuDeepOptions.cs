using System.Globalization;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Orchestration;

/// <summary>
/// The auDeep stage of a run (Freitag et al., JMLR 2018; the ComParE 2018 baseline of Table 2): Mel spectrograms of the
/// categorical corpus clipped below each threshold, one recurrent autoencoder per threshold trained on the train
/// partition by the queued training worker, representations of every partition extracted with ONNX Runtime and
/// classified as the feature set <c>AuDeep</c>. Defaults are auDeep's ComParE 2018 recipe (4 thresholds, 2 × 256 GRU
/// units, 64 epochs, batches of 256, 5 s chunks, 80/40 ms windows, 128 Mel bands); <c>affect demo</c> uses small sizes.
/// </summary>
/// <param name="Enabled">Run the stage (a spec without this record does not).</param>
/// <param name="Thresholds">dB thresholds power is clipped below, one autoencoder each (null: −30, −45, −60, −75).</param>
/// <param name="Units">GRU units per layer and direction.</param>
/// <param name="Layers">GRU layers of the encoder and of the decoder.</param>
/// <param name="Epochs">Training epochs per autoencoder.</param>
/// <param name="BatchSize">Spectrograms per Adam step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="KeepProbability">Dropout keep probability (1 = none).</param>
/// <param name="ChunkSeconds">Every utterance is cut or zero-padded (centred) to this length before its spectrogram.</param>
/// <param name="WindowSeconds">FFT window width.</param>
/// <param name="HopSeconds">Window hop (auDeep's overlap is window − hop).</param>
/// <param name="MelBands">Mel filters.</param>
/// <param name="BidirectionalEncoder">Run the encoder GRU in both directions (issue 20; auDeep's recipe: one direction).</param>
public sealed record AuDeepOptions(
    bool Enabled = true,
    IReadOnlyList<double>? Thresholds = null,
    int Units = 256,
    int Layers = 2,
    int Epochs = 64,
    int BatchSize = 256,
    double LearningRate = 0.001,
    double KeepProbability = 0.8,
    double ChunkSeconds = 5.0,
    double WindowSeconds = 0.08,
    double HopSeconds = 0.04,
    int MelBands = 128,
    bool BidirectionalEncoder = true)
{
    /// <summary>auDeep's ComParE 2018 thresholds: −30, −45, −60 and −75 dB.</summary>
    public static IReadOnlyList<double> DefaultThresholds { get; } = [-30, -45, -60, -75];

    /// <summary>The small sizes of <c>affect demo</c>: 2 thresholds, 1 × 16 units, 4 epochs, 3 s chunks, 32 Mel bands.</summary>
    public static AuDeepOptions Demo { get; } = new(Thresholds: [-30, -60], Units: 16, Layers: 1, Epochs: 4, BatchSize: 16, LearningRate: 0.005, ChunkSeconds: 3, MelBands: 32);

    /// <summary>The autoencoder hyper-parameters of the queued training job: these options' values (their only defaults).</summary>
    public AuDeepJobParameters JobParameters() => new(Units, Layers, Epochs, BatchSize, LearningRate, KeepProbability, BidirectionalEncoder);

    /// <summary>The thresholds in effect.</summary>
    public IReadOnlyList<double> ThresholdsOrDefault => Thresholds is { Count: > 0 } t ? t : DefaultThresholds;

    /// <summary>The spectrogram settings as the canonical name → value map hashed into the spectrogram artifacts' keys.</summary>
    public IReadOnlyDictionary<string, string> SpectrogramKeyParameters() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["thresholds"] = string.Join(",", ThresholdsOrDefault.Select(t => t.ToString("R", CultureInfo.InvariantCulture))),
        ["chunk"] = ChunkSeconds.ToString("R", CultureInfo.InvariantCulture),
        ["window"] = WindowSeconds.ToString("R", CultureInfo.InvariantCulture),
        ["hop"] = HopSeconds.ToString("R", CultureInfo.InvariantCulture),
        ["bands"] = MelBands.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Every problem of the options, each naming its field under <c>spec.auDeep</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Thresholds is not null && (Thresholds.Count == 0 || Thresholds.Any(t => !(t < 0) || t < -200)))
        {
            problems.Add("spec.auDeep.thresholds: give one or more negative dB values (e.g. [-30, -45, -60, -75])");
        }
        else if (Thresholds is not null && Thresholds.Distinct().Count() != Thresholds.Count)
        {
            problems.Add("spec.auDeep.thresholds: a threshold is repeated");
        }

        if (Units is < 1 or > 4096)
        {
            problems.Add($"spec.auDeep.units: {Units} is outside 1..4096");
        }

        if (Layers is < 1 or > 8)
        {
            problems.Add($"spec.auDeep.layers: {Layers} is outside 1..8");
        }

        if (Epochs is < 1 or > 10_000)
        {
            problems.Add($"spec.auDeep.epochs: {Epochs} is outside 1..10000");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            problems.Add($"spec.auDeep.batchSize: {BatchSize} is outside 1..100000");
        }

        if (!(LearningRate > 0 && LearningRate <= 10))
        {
            problems.Add($"spec.auDeep.learningRate: {LearningRate} is outside (0, 10]");
        }

        if (!(KeepProbability > 0 && KeepProbability <= 1))
        {
            problems.Add($"spec.auDeep.keepProbability: {KeepProbability} is outside (0, 1]");
        }

        if (!(ChunkSeconds > 0 && ChunkSeconds <= 3600))
        {
            problems.Add($"spec.auDeep.chunkSeconds: {ChunkSeconds} is outside (0, 3600]");
        }

        if (!(WindowSeconds > 0 && WindowSeconds <= 1))
        {
            problems.Add($"spec.auDeep.windowSeconds: {WindowSeconds} is outside (0, 1]");
        }

        if (!(HopSeconds > 0 && HopSeconds <= WindowSeconds))
        {
            problems.Add($"spec.auDeep.hopSeconds: {HopSeconds} is outside (0, windowSeconds]");
        }
        else if (ChunkSeconds < WindowSeconds + HopSeconds)
        {
            problems.Add($"spec.auDeep.chunkSeconds: {ChunkSeconds} s holds fewer than two {WindowSeconds} s windows");
        }

        if (MelBands is < 1 or > 1024)
        {
            problems.Add($"spec.auDeep.melBands: {MelBands} is outside 1..1024");
        }

        return problems;
    }
}
