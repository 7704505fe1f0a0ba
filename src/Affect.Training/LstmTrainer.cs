using Affect.Audio;
using Affect.Sequence;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;
using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>Recordings of an evaluation corpus with their prediction windows (one-label-frame hop).</summary>
/// <param name="Name">Corpus name.</param>
/// <param name="Recordings">Annotated recordings.</param>
/// <param name="Windows">Windows cut with <see cref="ContextWindowOptions.ForPrediction"/>.</param>
public sealed record EvaluationCorpus(string Name, IReadOnlyList<SequenceRecording> Recordings, ContextWindowSet Windows)
{
    /// <summary>Cuts the prediction windows of <paramref name="recordings"/> with <paramref name="options"/>' geometry.</summary>
    public static EvaluationCorpus Build(string name, IReadOnlyList<SequenceRecording> recordings, ContextWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EvaluationCorpus(name, recordings, ContextWindows.Build(recordings, options.ForPrediction()));
    }

    /// <summary>
    /// Pearson CC and CCC of <paramref name="predictions"/> (one array per recording on the label grid) against the
    /// gold standard, all recordings concatenated.
    /// </summary>
    public (double Pearson, double Concordance) Score(double[][] predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var truth = Recordings.SelectMany(r => r.Labels![..r.LabelFrames]).ToArray();
        var predicted = predictions.SelectMany(p => p).ToArray();
        return (Correlation.Pearson(predicted, truth, undefined: 0), Correlation.Concordance(predicted, truth, undefined: 0));
    }
}

/// <summary>Scores after one epoch.</summary>
/// <param name="Epoch">Epoch number from 1.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches.</param>
/// <param name="ValidationPearson">Pearson CC on the validation corpus.</param>
/// <param name="ValidationConcordance">CCC on the validation corpus.</param>
/// <param name="TestPearson">Pearson CC on the test corpus, if given.</param>
/// <param name="TestConcordance">CCC on the test corpus, if given.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double ValidationPearson, double ValidationConcordance, double? TestPearson, double? TestConcordance);

/// <summary>The outcome of training: per-epoch scores, the epoch with the best validation CC and its weights.</summary>
/// <param name="Epochs">Scores of every epoch.</param>
/// <param name="BestEpoch">Epoch (from 1) with the highest validation Pearson CC (the earliest on ties).</param>
/// <param name="BestWeights">Weights after that epoch.</param>
/// <param name="StepLosses">Loss of every optimisation step, in order.</param>
public sealed record LstmTrainingResult(IReadOnlyList<EpochMetrics> Epochs, int BestEpoch, LstmWeights BestWeights, IReadOnlyList<float> StepLosses);

/// <summary>
/// Trains an <see cref="LstmRegressor"/> on context windows with Adam (§3.3): each epoch visits every training window once
/// in a seeded order, then the model predicts the validation (and test) corpus, the overlapping predictions are averaged
/// onto the 25 Hz grid and scored; the weights of the epoch with the best validation CC are kept.
/// </summary>
public static class LstmTrainer
{
    /// <summary>
    /// The order in which epoch <paramref name="epoch"/> (from 1) visits <paramref name="count"/> windows: a Fisher–Yates
    /// shuffle driven by <see cref="SplitMix64"/> seeded with seed ⊕ epoch·0x9E3779B97F4A7C15.
    /// </summary>
    public static int[] EpochOrder(int count, long seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(unchecked((ulong)seed ^ ((ulong)epoch * 0x9E3779B97F4A7C15UL)));
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>Creates the model exactly as <see cref="Train"/> does (same seed ⇒ same initial weights).</summary>
    public static LstmRegressor CreateModel(int inputSize, LstmTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(options.Threads);
        return new LstmRegressor(new LstmRegressorOptions(inputSize, options.HiddenSize, options.Layers, options.Dropout), options.Seed);
    }

    /// <summary>Trains on <paramref name="train"/>, choosing the epoch on <paramref name="validation"/>.</summary>
    /// <param name="train">Training windows (labels already min/max scaled).</param>
    /// <param name="validation">Validation corpus.</param>
    /// <param name="test">Test corpus, scored every epoch for the report (never used for choices).</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="progress">Receives one line per epoch.</param>
    public static LstmTrainingResult Train(ContextWindowSet train, EvaluationCorpus validation, EvaluationCorpus? test, LstmTrainingOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.Count == 0)
        {
            throw new ArgumentException("no training windows", nameof(train));
        }

        using var model = CreateModel(train.Features, options);
        model.to(ResolveDevice(options.Device));
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        var epochs = new List<EpochMetrics>();
        var losses = new List<float>();
        LstmWeights? best = null;
        var bestEpoch = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            model.train();
            var order = EpochOrder(train.Count, options.Seed, epoch);
            double sum = 0;
            var batches = 0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                var (inputs, targets) = train.Gather(order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)));
                var loss = Step(model, optimizer, inputs, targets, train.Steps, train.Features, options.Loss);
                losses.Add(loss);
                sum += loss;
                batches++;
            }

            model.eval();
            var (vp, vc) = validation.Score(Predict(model, validation.Recordings, validation.Windows));
            var testScore = test is null ? ((double, double)?)null : test.Score(Predict(model, test.Recordings, test.Windows));
            var metrics = new EpochMetrics(epoch, sum / batches, vp, vc, testScore?.Item1, testScore?.Item2);
            epochs.Add(metrics);
            progress?.Invoke($"epoch {epoch}: loss {metrics.TrainLoss:F5}, {validation.Name} CC {vp:F3} CCC {vc:F3}" +
                (testScore is { } t ? $", {test!.Name} CC {t.Item1:F3}" : string.Empty));
            if (best is null || vp > epochs[bestEpoch - 1].ValidationPearson)
            {
                best = model.ExportWeights();
                bestEpoch = epoch;
            }
        }

        return new LstmTrainingResult(epochs, bestEpoch, best!, losses);
    }

    /// <summary>One Adam step on a batch [n, steps, features] → [n, steps]; returns the loss before the update.</summary>
    public static float Step(LstmRegressor model, optim.Optimizer optimizer, float[] inputs, float[] targets, int steps, int features, LstmLoss loss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        var n = targets.Length / steps;
        var device = model.parameters().First().device;
        var x = torch.tensor(inputs, [n, steps, features]).to(device);
        var y = torch.tensor(targets, [n, steps, 1]).to(device);
        optimizer.zero_grad();
        var output = model.forward(x);
        var value = loss == LstmLoss.Mse ? nn.functional.mse_loss(output, y) : 1 - Concordance(output, y);
        value.backward();
        optimizer.step();
        return value.item<float>();
    }

    /// <summary>Step predictions [count, steps] of raw windows with the TorchSharp forward pass (no gradients), in chunks.</summary>
    public static float[] PredictWindows(LstmRegressor model, ContextWindowSet windows, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        var result = new float[windows.Count * windows.Steps];
        var stride = windows.Steps * windows.Features;
        using var noGrad = torch.no_grad();
        var device = model.parameters().First().device;
        for (var start = 0; start < windows.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, windows.Count - start);
            var x = torch.tensor(windows.Inputs.AsSpan(start * stride, count * stride).ToArray(), [count, windows.Steps, windows.Features]).to(device);
            model.forward(x).cpu().data<float>().ToArray().CopyTo(result, start * windows.Steps);
        }

        return result;
    }

    /// <summary>Predictions of every recording on its label grid (overlapping windows averaged).</summary>
    public static double[][] Predict(LstmRegressor model, IReadOnlyList<SequenceRecording> recordings, ContextWindowSet windows) =>
        ContextWindows.ToLabelGrid(recordings, windows, PredictWindows(model, windows));

    /// <summary>The torch device for <paramref name="name"/>: cpu, cuda (fails clearly without a GPU), or auto.</summary>
    public static Device ResolveDevice(string name)
    {
        TorchRuntime.EnsureLoaded();
        return name switch
        {
            "cpu" => torch.CPU,
            "cuda" when torch.cuda.is_available() => torch.CUDA,
            "cuda" => throw new InvalidOperationException("Device cuda was asked for, but libtorch sees no CUDA GPU (is this the CUDA trainer image with TorchSharp-cuda-linux, on a GPU node?)."),
            "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
            _ => throw new ArgumentException($"Device '{name}' is not cpu, cuda or auto", nameof(name)),
        };
    }

    /// <summary>Lin's CCC over all elements: 2 cov / (var_x + var_y + (μx − μy)²), population moments.</summary>
    private static Tensor Concordance(Tensor x, Tensor y)
    {
        var mx = x.mean();
        var my = y.mean();
        var dx = x - mx;
        var dy = y - my;
        var covariance = (dx * dy).mean();
        return 2 * covariance / ((dx * dx).mean() + (dy * dy).mean() + ((mx - my) * (mx - my)) + 1e-8);
    }
}
