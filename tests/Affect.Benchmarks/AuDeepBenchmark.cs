using System.Diagnostics;
using System.Globalization;
using Affect.Sequence.Onnx;
using Affect.Training;
using TorchSharp;

namespace Affect.Benchmarks;

/// <summary>
/// auDeep's recurrent autoencoder at its documented size (5 s spectrograms of 124 frames × 128 Mel bands, 2 × 256 GRU
/// units, bidirectional encoder and decoder, batches of 256, dropout 0.2, gradient values clipped to ±2): seconds per
/// training epoch of <see cref="SpectrogramAutoencoderTrainer"/> (TorchSharp) vs the same model in PyTorch 1.13 from the
/// same initial weights, batch order and thread count (mean of epochs 2..E); then extraction throughput (spectrograms/s) of the exported
/// encoder in ONNX Runtime vs TorchSharp's and PyTorch's encoder forward.
/// </summary>
public sealed class AuDeepBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "audeep";

    /// <inheritdoc />
    public string Description => "auDeep autoencoder epoch: TorchSharp vs PyTorch 1.13 (CPU); encoder spectrograms/s in ORT, TorchSharp, PyTorch [--count 512] [--epochs 2] [--units 256] [--threads 2]";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        int count = (int)BenchmarkRun.Option(args, "--count", 512);
        int epochs = (int)BenchmarkRun.Option(args, "--epochs", 2);
        int threads = (int)BenchmarkRun.Option(args, "--threads", 2);
        int units = (int)BenchmarkRun.Option(args, "--units", 256);
        int frames = (int)BenchmarkRun.Option(args, "--frames", 124);
        int bands = (int)BenchmarkRun.Option(args, "--bands", 128);
        var options = new SpectrogramAutoencoderOptions(Units: units, Epochs: epochs, Threads: threads, Seed: 1);

        // Seeded smooth "spectrograms" in [−1, 1]: moving ridges plus noise.
        var values = new float[count * frames * bands];
        var random = new SplitMix64(11);
        for (int s = 0; s < count; s++)
        {
            double speed = 0.05 + (0.3 * (random.Next() >> 11) * (1.0 / (1UL << 53)));
            for (int t = 0; t < frames; t++)
            {
                for (int b = 0; b < bands; b++)
                {
                    double noise = ((random.Next() >> 11) * (1.0 / (1UL << 53))) - 0.5;
                    values[(((s * frames) + t) * bands) + b] = (float)Math.Tanh((2 * Math.Sin((speed * t) + (0.2 * b) + s)) + (0.3 * noise));
                }
            }
        }

        var batch = new SpectrogramBatch(count, frames, bands, values);
        Console.WriteLine($"{count} spectrograms of {frames} frames × {bands} bands; GRU {options.Layers}×{units} (bidirectional encoder and decoder); " +
            $"batches of {options.BatchSize}; keep probability {options.KeepProbability}; {epochs} epoch(s); {threads} thread(s); {Environment.ProcessorCount} CPUs");

        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
        Dictionary<string, float[]> initial;
        using (var fresh = new SpectrogramAutoencoder(bands, options))
        {
            initial = ModuleParameters.Values(fresh);
        }

        // Seconds per epoch: the mean over epochs 2..E when there are several (the first carries one-off start-up costs).
        var clock = Stopwatch.StartNew();
        var epochEnds = new List<double>();
        var run = SpectrogramAutoencoderTrainer.Train(batch, options, _ => epochEnds.Add(clock.Elapsed.TotalSeconds));   // same seed: the weights of `initial`
        double torchSharpEpoch = epochs > 1 ? (epochEnds[^1] - epochEnds[0]) / (epochs - 1) : epochEnds[0];
        using var model = run.Model;
        Console.WriteLine($"TorchSharp: {torchSharpEpoch:F2} s/epoch (RMSE {string.Join(" → ", run.EpochLosses.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))})");

        // Extraction: ONNX Runtime on the exported encoder vs TorchSharp's encoder, all spectrograms in batches of 256.
        using var onnx = OnnxPredictor.Load(SpectrogramEncoderOnnxExporter.Export(model), "audeep-encoder.onnx", threads);
        int chunk = Math.Min(256, count);
        onnx.Run(new OnnxFloatTensor(values.AsSpan(0, chunk * frames * bands).ToArray(), chunk, frames, bands));   // warm-up
        clock.Restart();
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            onnx.Run(new OnnxFloatTensor(values.AsSpan(start * frames * bands, n * frames * bands).ToArray(), n, frames, bands));
        }

        double ortRate = count / clock.Elapsed.TotalSeconds;
        clock.Restart();
        SpectrogramAutoencoderTrainer.Represent(model, batch, chunk);
        double torchSharpRate = count / clock.Elapsed.TotalSeconds;

        using var reference = new PyTorchReference(Name);
        foreach (var (name, weights) in initial)
        {
            reference.Write(name, weights);
        }

        reference.Write("inputs", values);
        var order = new List<int>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            order.AddRange(LstmTrainer.EpochOrder(count, options.Seed, epoch));
        }

        await reference.WriteTextAsync("order", string.Join(' ', order));
        var parts = await reference.RunAsync(PyTorchAutoencoder, count, frames, bands, units, options.Layers, options.BatchSize, epochs, threads, options.KeepProbability, options.LearningRate, options.GradientClip, chunk);
        if (parts is null)
        {
            return 1;
        }

        double pyEpoch = double.Parse(parts[0], CultureInfo.InvariantCulture);
        double pyRate = double.Parse(parts[2], CultureInfo.InvariantCulture);
        Console.WriteLine($"PyTorch {parts[3]}: {pyEpoch:F2} s/epoch (last-epoch RMSE {double.Parse(parts[1], CultureInfo.InvariantCulture):F4})");
        Console.WriteLine($"ratio TorchSharp / PyTorch (epoch time): {torchSharpEpoch / pyEpoch:F2}");
        Console.WriteLine($"extraction: ONNX Runtime {ortRate:F0} spectrograms/s; TorchSharp {torchSharpRate:F0}/s; PyTorch {pyRate:F0}/s; ORT / PyTorch throughput {ortRate / pyRate:F2}");
        return 0;
    }

    // The same module as SpectrogramAutoencoder: GRU encoder → tanh bridge → decoder GRU on the time-reversed input
    // shifted by one step → tanh projection; RMSE, Adam, gradient values clipped; dropout on encoder inputs and decoder outputs.
    private const string PyTorchAutoencoder = """
        import sys, os, time
        import numpy as np
        import torch
        d = sys.argv[1]
        N, T, F, H, L, B, E, threads = (int(a) for a in sys.argv[2:10])
        keep, lr, clip = (float(a) for a in sys.argv[10:13])
        chunk = int(sys.argv[13])
        torch.set_num_threads(threads)
        def load(name, shape):
            return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype='<f4').reshape(shape).copy())
        class AE(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = torch.nn.GRU(F, H, L, batch_first=True, bidirectional=True)
                self.bridge = torch.nn.Linear(L * 2 * H, L * 2 * H)
                self.decoder = torch.nn.GRU(F, H, L, batch_first=True, bidirectional=True)
                self.projection = torch.nn.Linear(2 * H, F)
            def drop(self, x):
                if not self.training or keep >= 1:
                    return x
                return x * (torch.rand(x.shape) < keep).to(x.dtype) / keep
            def encode(self, x):
                _, h = self.encoder(self.drop(x))
                return torch.tanh(self.bridge(h.permute(1, 0, 2).reshape(x.shape[0], -1)))
            def forward(self, x):
                r = self.encode(x)
                initial = r.reshape(x.shape[0], -1, H).permute(1, 0, 2).contiguous()
                targets = x.flip(1)
                inputs = torch.nn.functional.pad(targets[:, :x.shape[1] - 1], (0, 0, 1, 0))
                out, _ = self.decoder(inputs, initial)
                return torch.tanh(self.projection(self.drop(out)))
        model = AE()
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(load(name, tuple(p.shape)))
        x = np.fromfile(os.path.join(d, 'inputs'), dtype='<f4').reshape(N, T, F)
        order = [int(i) for i in open(os.path.join(d, 'order')).read().split()]
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        model.train()
        ends = []
        start = time.perf_counter()
        for e in range(E):
            epoch = order[e * N:(e + 1) * N]
            total, batches = 0.0, 0
            for b in range(0, N, B):
                xb = torch.from_numpy(x[epoch[b:b + B]])
                opt.zero_grad()
                loss = torch.sqrt(torch.nn.functional.mse_loss(model(xb), xb.flip(1)))
                loss.backward()
                torch.nn.utils.clip_grad_value_(model.parameters(), clip)
                opt.step()
                total += loss.item()
                batches += 1
            ends.append(time.perf_counter() - start)
        per_epoch = (ends[-1] - ends[0]) / (E - 1) if E > 1 else ends[0]
        model.eval()
        with torch.no_grad():
            model.encode(torch.from_numpy(x[:chunk]))
            start = time.perf_counter()
            for b in range(0, N, chunk):
                model.encode(torch.from_numpy(x[b:b + chunk]))
            rate = N / (time.perf_counter() - start)
        print(per_epoch, total / batches, rate, torch.__version__)
        """;
}
