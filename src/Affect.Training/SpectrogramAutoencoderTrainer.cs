using TorchSharp;
using static TorchSharp.torch;

namespace Affect.Training;

/// <summary>Spectrograms of equal shape stacked as [Count, Frames, Bands] floats.</summary>
/// <param name="Count">Number of spectrograms.</param>
/// <param name="Frames">Time steps of each.</param>
/// <param name="Bands">Features per time step.</param>
/// <param name="Values">Count × Frames × Bands values.</param>
public sealed record SpectrogramBatch(int Count, int Frames, int Bands, float[] Values)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the sizes and the value count disagree.</summary>
    public void Validate()
    {
        if (Count < 1 || Frames < 2 || Bands < 1 || Values is null || Values.Length != (long)Count * Frames * Bands)
        {
            throw new ArgumentException($"spectrogram batch [{Count}, {Frames}, {Bands}] does not hold {Values?.Length ?? 0} values (need ≥ 1 spectrogram of ≥ 2 frames)");
        }
    }
}

/// <summary>The trained autoencoder and the mean RMSE of every epoch.</summary>
/// <param name="Model">The trained module (in evaluation mode; the caller disposes it).</param>
/// <param name="EpochLosses">Mean training RMSE per epoch.</param>
public sealed record SpectrogramAutoencoderResult(SpectrogramAutoencoder Model, IReadOnlyList<double> EpochLosses);

/// <summary>
/// Trains <see cref="SpectrogramAutoencoder"/> as auDeep does (Adam, RMSE, gradient values clipped) and extracts
/// representations. Every random choice (weights, batch order, dropout) follows the options' seed.
/// </summary>
public static class SpectrogramAutoencoderTrainer
{
    /// <summary>Trains on <paramref name="train"/> on the options' device (the CPU by default; bit-reproducible there).</summary>
    public static SpectrogramAutoencoderResult Train(SpectrogramBatch train, SpectrogramAutoencoderOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        train.Validate();
        options.Validate();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(options.Threads);
        var model = new SpectrogramAutoencoder(train.Bands, options);
        var device = LstmTrainer.ResolveDevice(options.Device);
        model.to(device);
        using var generator = new Generator((ulong)options.Seed);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        var losses = new List<double>();
        int stride = train.Frames * train.Bands;
        model.train();
        model.DropoutGenerator = generator;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var order = LstmTrainer.EpochOrder(train.Count, options.Seed, epoch);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(options.BatchSize, order.Length - start);
                var values = new float[n * stride];
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(train.Values, (long)order[start + i] * stride, values, (long)i * stride, stride);
                }

                var x = torch.tensor(values, [n, train.Frames, train.Bands]).to(device);
                optimizer.zero_grad();
                var reconstruction = model.forward(x);
                var loss = nn.functional.mse_loss(reconstruction, x.flip(1)).sqrt();
                loss.backward();
                nn.utils.clip_grad_value_(model.parameters(), options.GradientClip);
                optimizer.step();
                sum += loss.item<float>();
                batches++;
            }

            losses.Add(sum / batches);
            progress?.Invoke($"epoch {epoch}: RMSE {sum / batches:F5}");
        }

        model.DropoutGenerator = null;
        model.eval();
        return new SpectrogramAutoencoderResult(model, losses);
    }

    /// <summary>Representations [Count, RepresentationSize] (row after row) of <paramref name="spectrograms"/>, no dropout.</summary>
    public static float[] Represent(SpectrogramAutoencoder model, SpectrogramBatch spectrograms, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spectrograms);
        spectrograms.Validate();
        int size = model.Options.RepresentationSize;
        var result = new float[spectrograms.Count * size];
        int stride = spectrograms.Frames * spectrograms.Bands;
        var device = model.parameters().First().device;
        using var noGrad = torch.no_grad();
        for (int start = 0; start < spectrograms.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, spectrograms.Count - start);
            var x = torch.tensor(spectrograms.Values.AsSpan(start * stride, n * stride).ToArray(), [n, spectrograms.Frames, spectrograms.Bands]).to(device);
            model.Encode(x).cpu().data<float>().ToArray().CopyTo(result, start * size);
        }

        return result;
    }
}
