namespace Affect.Training;

/// <summary>
/// Hyper-parameters of the End2You-style end-to-end model (<see cref="End2YouModel"/>). The defaults follow End2You's
/// audio model as the ComParE 2018 baseline used it (Tzirakis, Zhang, Schuller, "End2You — the Imperial toolkit for
/// multimodal profiling by end-to-end learning", 2018; the audio network of Tzirakis et al., IEEE JSTSP 2017): raw
/// 16 kHz audio cut into 40 ms frames (640 samples); a convolution of 40 filters over 80 samples (5 ms) with max pooling
/// 2, a second convolution of 40 filters over 40 samples with max pooling 10; a recurrent layer of 256 units over the
/// frames; Adam at 0.0001. As there, utterance-level classification averages the recurrent outputs over the frames.
/// </summary>
/// <param name="FrameSamples">Samples per frame (640 = 40 ms at 16 kHz).</param>
/// <param name="Frames">Frames per utterance: audio is cut or zero-padded to this many frames (100 = 4 s).</param>
/// <param name="Conv1Channels">Filters of the first convolution.</param>
/// <param name="Conv1Kernel">Kernel length of the first convolution in samples.</param>
/// <param name="Pool1">Max-pooling size (and stride) after the first convolution.</param>
/// <param name="Conv2Channels">Filters of the second convolution.</param>
/// <param name="Conv2Kernel">Kernel length of the second convolution.</param>
/// <param name="Pool2">Max-pooling size (and stride) after the second convolution.</param>
/// <param name="Units">GRU units.</param>
/// <param name="Epochs">Passes over the training utterances (the epoch with the best devel UAR is kept).</param>
/// <param name="Patience">Stop after this many epochs without a better devel UAR (0: run every epoch).</param>
/// <param name="BatchSize">Utterances per step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="Seed">Seed of the initial weights and the batch order.</param>
/// <param name="Threads">Torch intra-op threads (1 = bit-reproducible).</param>
public sealed record End2YouOptions(
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
    double LearningRate = 0.0001,
    long Seed = 1,
    int Threads = 1)
{
    /// <summary>
    /// Small sizes for <c>affect demo</c> and tests (seconds of CPU, not hours). The learning rate is 0.01 because a demo
    /// corpus gives only about 5 Adam steps an epoch: at 0.003 the model was still leaving the one-class plateau after
    /// 8 epochs (End2YouLearningTests).
    /// </summary>
    public static End2YouOptions Demo { get; } = new(
        Frames: 25, Conv1Channels: 8, Conv1Kernel: 40, Pool1: 4, Conv2Channels: 8, Conv2Kernel: 10, Pool2: 8, Units: 16,
        Epochs: 8, Patience: 0, BatchSize: 8, LearningRate: 0.01);

    /// <summary>Positions left after the first convolution (no padding) and its pooling.</summary>
    public int Positions1 => (FrameSamples - Conv1Kernel + 1) / Pool1;

    /// <summary>Positions left after the second convolution and its pooling.</summary>
    public int Positions2 => (Positions1 - Conv2Kernel + 1) / Pool2;

    /// <summary>Features per frame that the recurrent layer reads: Conv2Channels × <see cref="Positions2"/>.</summary>
    public int FrameFeatures => Conv2Channels * Positions2;

    /// <summary>Samples per utterance fed to the model: Frames × FrameSamples.</summary>
    public int Samples => Frames * FrameSamples;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (FrameSamples < 1 || Frames < 1 || Conv1Channels < 1 || Conv1Kernel < 1 || Pool1 < 1 || Conv2Channels < 1
            || Conv2Kernel < 1 || Pool2 < 1 || Units < 1 || Epochs < 1 || BatchSize < 1 || Threads < 1 || Patience < 0)
        {
            throw new ArgumentException("End2You sizes, Epochs, BatchSize and Threads must be ≥ 1 (Patience ≥ 0)");
        }

        if (FrameSamples < Conv1Kernel || Positions1 < Conv2Kernel || Positions2 < 1)
        {
            throw new ArgumentException(
                $"a frame of {FrameSamples} samples is too short for convolution {Conv1Kernel}, pooling {Pool1}, convolution {Conv2Kernel}, pooling {Pool2}");
        }

        if (!(LearningRate > 0))
        {
            throw new ArgumentException($"LearningRate must be > 0, got {LearningRate}");
        }
    }
}
