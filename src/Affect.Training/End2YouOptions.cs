using System.Text.Json.Serialization;
using Affect.Pipeline.Orchestration;

namespace Affect.Training;

/// <summary>
/// One training of the End2You-style end-to-end model (<see cref="End2YouModel"/>): the sizes and schedule of an
/// <see cref="End2YouSpec"/> — their one home, with End2You's defaults (Tzirakis, Zhang, Schuller, "End2You — the
/// Imperial toolkit for multimodal profiling by end-to-end learning", 2018; the audio network of Tzirakis et al., IEEE
/// JSTSP 2017: 40 ms frames of 640 samples, 40 filters over 80 samples with max pooling 2, 40 over 40 with pooling 10,
/// 256 recurrent units, Adam at 0.0001) — plus the seed, threads and device of this run. Written flat (the spec's
/// fields, then seed and threads) into <c>metrics.json</c>. Each size reads and (in <c>with</c>) writes the spec's.
/// </summary>
public sealed record End2YouOptions
{
    /// <summary>End2You's defaults (<see cref="End2YouSpec"/>), seed 1, one thread, on the CPU.</summary>
    public End2YouOptions()
        : this(new End2YouSpec())
    {
    }

    /// <summary>A training of <paramref name="spec"/>'s sizes.</summary>
    /// <param name="spec">Sizes and schedule (<see cref="End2YouSpec.Enabled"/> is ignored).</param>
    /// <param name="seed">Seed of the initial weights and the batch order.</param>
    /// <param name="threads">Torch intra-op threads (1 = bit-reproducible on the CPU).</param>
    /// <param name="device">cpu (default; bit-reproducible), cuda, or auto (cuda when libtorch sees a GPU).</param>
    public End2YouOptions(End2YouSpec spec, long seed = 1, int threads = 1, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Seed = seed;
        Threads = threads;
        Device = device;
    }

    /// <summary>Small sizes for <c>affect demo</c> and tests (<see cref="End2YouSpec.Demo"/>: seconds of CPU, not hours).</summary>
    public static End2YouOptions Demo { get; } = new(End2YouSpec.Demo);

    /// <summary>The sizes and schedule.</summary>
    [JsonIgnore]
    public End2YouSpec Spec { get; init; }

    /// <summary>Samples per frame (<see cref="End2YouSpec.FrameSamples"/>).</summary>
    public int FrameSamples { get => Spec.FrameSamples; init => Spec = Spec with { FrameSamples = value }; }

    /// <summary>Frames per utterance (<see cref="End2YouSpec.Frames"/>).</summary>
    public int Frames { get => Spec.Frames; init => Spec = Spec with { Frames = value }; }

    /// <summary>Filters of the first convolution.</summary>
    public int Conv1Channels { get => Spec.Conv1Channels; init => Spec = Spec with { Conv1Channels = value }; }

    /// <summary>Kernel of the first convolution, in samples.</summary>
    public int Conv1Kernel { get => Spec.Conv1Kernel; init => Spec = Spec with { Conv1Kernel = value }; }

    /// <summary>Max pooling (size and stride) after the first convolution.</summary>
    public int Pool1 { get => Spec.Pool1; init => Spec = Spec with { Pool1 = value }; }

    /// <summary>Filters of the second convolution.</summary>
    public int Conv2Channels { get => Spec.Conv2Channels; init => Spec = Spec with { Conv2Channels = value }; }

    /// <summary>Kernel of the second convolution.</summary>
    public int Conv2Kernel { get => Spec.Conv2Kernel; init => Spec = Spec with { Conv2Kernel = value }; }

    /// <summary>Max pooling after the second convolution.</summary>
    public int Pool2 { get => Spec.Pool2; init => Spec = Spec with { Pool2 = value }; }

    /// <summary>GRU units.</summary>
    public int Units { get => Spec.Units; init => Spec = Spec with { Units = value }; }

    /// <summary>Most passes over the training utterances (the epoch with the best devel UAR is kept).</summary>
    public int Epochs { get => Spec.Epochs; init => Spec = Spec with { Epochs = value }; }

    /// <summary>Stop after this many epochs without a better devel UAR (0: run every epoch).</summary>
    public int Patience { get => Spec.Patience; init => Spec = Spec with { Patience = value }; }

    /// <summary>Utterances per Adam step.</summary>
    public int BatchSize { get => Spec.BatchSize; init => Spec = Spec with { BatchSize = value }; }

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get => Spec.LearningRate; init => Spec = Spec with { LearningRate = value }; }

    /// <summary>Seed of the initial weights and the batch order.</summary>
    public long Seed { get; init; }

    /// <summary>Torch intra-op threads (1 = bit-reproducible).</summary>
    public int Threads { get; init; }

    /// <summary>cpu, cuda or auto; bit-identity is promised on cpu only (not written to metrics.json: the model description records the device used).</summary>
    [JsonIgnore]
    public string Device { get; init; }

    /// <summary>Positions left after the first convolution (no padding) and its pooling.</summary>
    public int Positions1 => Spec.Positions1;

    /// <summary>Positions left after the second convolution and its pooling.</summary>
    public int Positions2 => Spec.Positions2;

    /// <summary>Features per frame that the recurrent layer reads: Conv2Channels × <see cref="Positions2"/>.</summary>
    public int FrameFeatures => Conv2Channels * Positions2;

    /// <summary>Samples per utterance fed to the model: Frames × FrameSamples.</summary>
    public int Samples => Frames * FrameSamples;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting (the spec's fields as <c>options.frames: …</c>).</summary>
    public void Validate()
    {
        var problems = new List<string>(Spec.Validate("options"));
        if (Threads < 1)
        {
            problems.Add($"options.threads: {Threads} must be at least 1");
        }

        if (Device is not ("cpu" or "cuda" or "auto"))
        {
            problems.Add($"options.device: '{Device}' is not cpu, cuda or auto");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }
}
