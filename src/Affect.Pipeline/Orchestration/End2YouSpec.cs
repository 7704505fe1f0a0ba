using System.Globalization;
using System.Text.Json.Serialization;

namespace Affect.Pipeline.Orchestration;

/// <summary>
/// The End2You stage of a run (Tzirakis et al.; the ComParE 2018 END2YOU baseline of Table 2): an end-to-end model over
/// the raw 16 kHz audio of each categorical corpus — 40 ms frames, two convolutions with max pooling, a GRU, the mean
/// over frames, class scores — trained by the queued training worker on the train partition (class-balanced
/// cross-entropy, Adam, seeded; the epoch with the best devel UAR kept, as End2You selects it), exported to ONNX and run
/// with ONNX Runtime on devel and test: the END2YOU row of Table 2 and the member <c>end2you</c> of the fusion
/// <c>learners+end2you</c>. Defaults are End2You's audio model, here only (the trainer's <c>Affect.Training.End2YouOptions</c>
/// is built from this record); <see cref="Demo"/> holds the small sizes of <c>affect demo</c>.
/// </summary>
/// <param name="Enabled">Run the stage (a spec without this record does not).</param>
/// <param name="FrameSamples">Samples per frame (640 = 40 ms at 16 kHz).</param>
/// <param name="Frames">Frames per utterance: audio is cut or zero-padded to this many (100 = 4 s).</param>
/// <param name="Conv1Channels">Filters of the first convolution.</param>
/// <param name="Conv1Kernel">Kernel of the first convolution, in samples.</param>
/// <param name="Pool1">Max pooling after the first convolution.</param>
/// <param name="Conv2Channels">Filters of the second convolution.</param>
/// <param name="Conv2Kernel">Kernel of the second convolution.</param>
/// <param name="Pool2">Max pooling after the second convolution.</param>
/// <param name="Units">GRU units.</param>
/// <param name="Epochs">Most passes over the train utterances.</param>
/// <param name="Patience">Stop after this many epochs without a better devel UAR (0: run every epoch).</param>
/// <param name="BatchSize">Utterances per Adam step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
public sealed record End2YouSpec(
    bool Enabled = true,
    int FrameSamples = 640,
    int Frames = 100,
    int Conv1Channels = 40,
    int Conv1Kernel = 80,
    int Pool1 = 2,
    int Conv2Channels = 40,
    int Conv2Kernel = 40,
    int Pool2 = 10,
    int Units = 256,
    int Epochs = 50,
    int Patience = 10,
    int BatchSize = 16,
    double LearningRate = 0.0001)
{
    /// <summary>
    /// The small sizes of <c>affect demo</c> (and of <c>End2YouOptions.Demo</c>): 25 frames (1 s), 8 + 8 filters, 16 GRU
    /// units, 8 epochs. The learning rate is 0.01 because a demo corpus gives only about 5 Adam steps an epoch: at 0.003
    /// the model was still leaving the one-class plateau after 8 epochs (End2YouLearningTests).
    /// </summary>
    public static End2YouSpec Demo { get; } = new(
        Frames: 25, Conv1Channels: 8, Conv1Kernel: 40, Pool1: 4, Conv2Channels: 8, Conv2Kernel: 10, Pool2: 8, Units: 16,
        Epochs: 8, Patience: 0, BatchSize: 8, LearningRate: 0.01);

    /// <summary>Positions left after the first convolution (no padding) and its pooling.</summary>
    [JsonIgnore]
    public int Positions1 => (FrameSamples - Conv1Kernel + 1) / Pool1;

    /// <summary>Positions left after the second convolution and its pooling.</summary>
    [JsonIgnore]
    public int Positions2 => (Positions1 - Conv2Kernel + 1) / Pool2;

    /// <summary>The hyper-parameters as the canonical name → value map hashed into the model key (<see cref="Enabled"/> left out).</summary>
    public IReadOnlyDictionary<string, string> ToKeyParameters() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["frameSamples"] = FrameSamples.ToString(CultureInfo.InvariantCulture),
        ["frames"] = Frames.ToString(CultureInfo.InvariantCulture),
        ["conv1"] = string.Create(CultureInfo.InvariantCulture, $"{Conv1Channels}x{Conv1Kernel}/{Pool1}"),
        ["conv2"] = string.Create(CultureInfo.InvariantCulture, $"{Conv2Channels}x{Conv2Kernel}/{Pool2}"),
        ["units"] = Units.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["patience"] = Patience.ToString(CultureInfo.InvariantCulture),
        ["batch"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Every problem of the options, each naming its field under <paramref name="path"/> (<c>spec.end2You</c> in a spec, <c>parameters</c> in a job).</summary>
    public IReadOnlyList<string> Validate(string path = "spec.end2You")
    {
        var problems = new List<string>();
        void Range(string field, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.{field}: {value} is outside {min}..{max}"));
            }
        }

        Range("frameSamples", FrameSamples, 1, 1_000_000);
        Range("frames", Frames, 1, 1_000_000);
        Range("conv1Channels", Conv1Channels, 1, 4096);
        Range("conv1Kernel", Conv1Kernel, 1, 1_000_000);
        Range("pool1", Pool1, 1, 1_000_000);
        Range("conv2Channels", Conv2Channels, 1, 4096);
        Range("conv2Kernel", Conv2Kernel, 1, 1_000_000);
        Range("pool2", Pool2, 1, 1_000_000);
        Range("units", Units, 1, 8192);
        Range("epochs", Epochs, 1, 100_000);
        Range("patience", Patience, 0, 100_000);
        Range("batchSize", BatchSize, 1, 1 << 20);
        if (!(LearningRate > 0 && LearningRate <= 10))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.learningRate: {LearningRate} is outside (0, 10]"));
        }

        if (problems.Count == 0 && (FrameSamples < Conv1Kernel || Positions1 < Conv2Kernel || Positions2 < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{path}.frameSamples: a frame of {FrameSamples} samples is too short for convolution {Conv1Kernel}, pooling {Pool1}, convolution {Conv2Kernel}, pooling {Pool2}"));
        }

        return problems;
    }
}
