using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>Utterances cut to equal length for <see cref="End2YouModel"/>, with their class indices.</summary>
/// <param name="Count">Number of utterances.</param>
/// <param name="Samples">Samples per utterance (frames × frame samples).</param>
/// <param name="Values">Count × Samples values, utterance after utterance.</param>
/// <param name="Labels">Class index of each utterance (−1: unknown, e.g. an unlabelled test file).</param>
public sealed record End2YouUtterances(int Count, int Samples, float[] Values, int[] Labels)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the sizes disagree.</summary>
    public void Validate()
    {
        if (Count < 1 || Samples < 1 || Values is null || Labels is null || Values.Length != (long)Count * Samples || Labels.Length != Count)
        {
            throw new ArgumentException($"End2You utterances [{Count} × {Samples}] do not hold {Values?.Length ?? 0} values and {Labels?.Length ?? 0} labels");
        }
    }
}

/// <summary>Scores after one epoch.</summary>
/// <param name="Epoch">Epoch number from 1.</param>
/// <param name="TrainLoss">Mean class-weighted cross-entropy over the epoch's batches.</param>
/// <param name="DevelUar">Unweighted average recall on the development utterances.</param>
public sealed record End2YouEpoch(int Epoch, double TrainLoss, double DevelUar);

/// <summary>The trained model (weights of the best epoch, evaluation mode; the caller disposes it) and the history.</summary>
/// <param name="Model">The model with the weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Epochs">Scores of every epoch run.</param>
/// <param name="BestEpoch">Epoch (from 1) with the highest devel UAR (the earliest on ties).</param>
/// <param name="ClassWeights">Loss weight of each class, N / (K · n_k) on train.</param>
public sealed record End2YouTrainingResult(End2YouModel Model, IReadOnlyList<End2YouEpoch> Epochs, int BestEpoch, IReadOnlyList<double> ClassWeights);

/// <summary>
/// Trains <see cref="End2YouModel"/> on the options' device (the CPU by default): Adam, cross-entropy weighted per class inversely to its train frequency
/// (w_k = N / (K · n_k)), batches in a seeded SplitMix64 order (<see cref="LstmTrainer.EpochOrder"/>), the weights of the
/// epoch with the best devel UAR kept (early stopping after <see cref="End2YouOptions.Patience"/> epochs without one).
/// Same data and seed ⇒ bit-identical weights on the CPU (one intra-op thread, <see cref="TorchRuntime.EnsureLoaded"/>'s
/// pins); on CUDA the weights start the same (drawn on the CPU) and libtorch's kernels run, without that promise.
/// </summary>
public static class End2YouTrainer
{
    /// <summary>
    /// The model's input for one utterance: the waveform standardised to zero mean and unit variance (over its real
    /// samples, in double), then cut to <see cref="End2YouOptions.Samples"/> from the start or zero-padded at the end.
    /// </summary>
    public static float[] Frame(ReadOnlySpan<float> waveform, End2YouOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Affect.Audio.StandardizedExcerpt.Of(waveform, options.Samples);
    }

    /// <summary>Class weights N / (K · n_k) of <paramref name="labels"/> (0 for a class absent from them).</summary>
    public static double[] ClassWeights(IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var counts = new int[classes];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        return counts.Select(c => c == 0 ? 0.0 : labels.Count / ((double)classes * c)).ToArray();
    }

    /// <summary>Unweighted average recall: the mean over the classes present in <paramref name="truth"/> of their recall.</summary>
    public static double Uar(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var hits = new int[classes];
        var totals = new int[classes];
        for (int i = 0; i < truth.Count; i++)
        {
            if (truth[i] < 0)
            {
                continue;
            }

            totals[truth[i]]++;
            if (predicted[i] == truth[i])
            {
                hits[truth[i]]++;
            }
        }

        var present = Enumerable.Range(0, classes).Where(k => totals[k] > 0).ToArray();
        return present.Length == 0 ? 0 : present.Average(k => hits[k] / (double)totals[k]);
    }

    /// <summary>
    /// Trains on <paramref name="train"/>, selecting the epoch by UAR on <paramref name="devel"/>, on
    /// <see cref="End2YouOptions.Device"/> (cuda without a GPU: an <see cref="InvalidOperationException"/> before any
    /// work); <paramref name="cancellationToken"/> is checked before every batch (a worker's stop or deadline ends it).
    /// </summary>
    public static End2YouTrainingResult Train(End2YouUtterances train, End2YouUtterances devel, int classes, End2YouOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(devel);
        ArgumentNullException.ThrowIfNull(options);
        train.Validate();
        devel.Validate();
        options.Validate();
        if (train.Samples != options.Samples || devel.Samples != options.Samples)
        {
            throw new ArgumentException($"utterances of {train.Samples}/{devel.Samples} samples; the options need {options.Samples}");
        }

        if (train.Labels.Any(l => l < 0 || l >= classes))
        {
            throw new ArgumentException($"every train utterance needs a class in [0, {classes})");
        }

        var device = LstmTrainer.ResolveDevice(options.Device);
        torch.set_num_threads(options.Threads);
        var model = new End2YouModel(classes, options);
        model.to(device);
        var weights = ClassWeights(train.Labels, classes);
        using var weightTensor = torch.tensor(weights.Select(w => (float)w).ToArray()).to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        var history = new List<End2YouEpoch>();
        Dictionary<string, float[]>? best = null;
        int bestEpoch = 0;
        double bestUar = double.NegativeInfinity;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            model.train();
            var order = LstmTrainer.EpochOrder(train.Count, options.Seed, epoch);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int n = Math.Min(options.BatchSize, order.Length - start);
                var values = new float[n * train.Samples];
                var labels = new long[n];
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(train.Values, (long)order[start + i] * train.Samples, values, (long)i * train.Samples, train.Samples);
                    labels[i] = train.Labels[order[start + i]];
                }

                var x = torch.tensor(values, [n, options.Frames, options.FrameSamples]).to(device);
                var y = torch.tensor(labels).to(device);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y, weight: weightTensor);
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                batches++;
            }

            model.eval();
            var predicted = ArgMax(Predict(model, devel), classes);
            double uar = Uar(devel.Labels, predicted, classes);
            history.Add(new End2YouEpoch(epoch, sum / batches, uar));
            progress?.Invoke(FormattableString.Invariant($"epoch {epoch}: loss {sum / batches:F4}, devel UAR {uar:F4}"));
            if (uar > bestUar)
            {
                bestUar = uar;
                bestEpoch = epoch;
                best = model.ParameterValues();
            }
            else if (options.Patience > 0 && epoch - bestEpoch >= options.Patience)
            {
                break;
            }
        }

        model.LoadParameterValues(best!);
        model.eval();
        return new End2YouTrainingResult(model, history, bestEpoch, weights);
    }

    /// <summary>
    /// Class probabilities [Count × Classes] (row after row) of <paramref name="utterances"/>, whose length may be any
    /// whole number of frames, computed on the model's device.
    /// </summary>
    public static float[] Predict(End2YouModel model, End2YouUtterances utterances, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(utterances);
        utterances.Validate();
        var options = model.Options;
        if (utterances.Samples % options.FrameSamples != 0)
        {
            throw new ArgumentException($"utterances of {utterances.Samples} samples are not a whole number of {options.FrameSamples}-sample frames", nameof(utterances));
        }

        int frames = utterances.Samples / options.FrameSamples;
        var result = new float[utterances.Count * model.Classes];
        var device = model.parameters().First().device;
        using var noGrad = torch.no_grad();
        for (int start = 0; start < utterances.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, utterances.Count - start);
            var x = torch.tensor(utterances.Values.AsSpan(start * utterances.Samples, n * utterances.Samples).ToArray(), [n, frames, options.FrameSamples]).to(device);
            model.Probabilities(x).cpu().data<float>().ToArray().CopyTo(result, start * model.Classes);
        }

        return result;
    }

    /// <summary>The index of the highest score of each row of <paramref name="scores"/> [rows × classes] (the first on ties).</summary>
    public static int[] ArgMax(float[] scores, int classes)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var result = new int[scores.Length / classes];
        for (int i = 0; i < result.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < classes; k++)
            {
                if (scores[(i * classes) + k] > scores[(i * classes) + best])
                {
                    best = k;
                }
            }

            result[i] = best;
        }

        return result;
    }
}
