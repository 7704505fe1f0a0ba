using System.Diagnostics;
using System.Globalization;
using Affect.Training;
using TorchSharp;

namespace Affect.Benchmarks;

/// <summary>
/// One training epoch of the End2You-style model at its documented sizes (40 ms frames, conv 80/40 + pool 2, conv 40/40 +
/// pool 10, GRU 256) on seeded tone utterances, TorchSharp vs PyTorch 1.13 (Debian's python3-torch) with the same initial
/// weights, batches, class weights and thread count; PyTorch's forward pass on the initial weights is compared too.
/// </summary>
public sealed class End2YouBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "end2you";

    /// <inheritdoc />
    public string Description => "End2You epoch (raw audio → CNN → GRU): TorchSharp vs PyTorch 1.13, forward parity [--utterances N] [--frames F] [--threads T]";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        int count = (int)Option(args, "--utterances", 32);
        int threads = (int)Option(args, "--threads", 1);
        var options = new End2YouOptions(Frames: (int)Option(args, "--frames", 50), Threads: threads, Seed: 1);
        options.Validate();
        const int Classes = 3;
        var random = new SplitMix64(11);
        var values = new float[count * options.Samples];
        var labels = new long[count];
        for (int u = 0; u < count; u++)
        {
            labels[u] = u % Classes;
            var wave = new float[options.Samples];
            for (int i = 0; i < wave.Length; i++)
            {
                wave[i] = (float)(Math.Sin(2 * Math.PI * (250 * (1 + (3 * labels[u]))) * i / 16000) + ((random.Next() >> 40) / (double)(1 << 24)) - 0.5);
            }

            End2YouTrainer.Frame(wave, options).CopyTo(values, u * options.Samples);
        }

        var order = LstmTrainer.EpochOrder(count, options.Seed, 1);
        var weights = End2YouTrainer.ClassWeights(labels.Select(l => (int)l).ToArray(), Classes).Select(w => (float)w).ToArray();
        Console.WriteLine($"{count} utterances × {options.Frames} frames × {options.FrameSamples} samples; batches of {options.BatchSize}; " +
            $"conv {options.Conv1Channels}×{options.Conv1Kernel}/{options.Pool1}, {options.Conv2Channels}×{options.Conv2Kernel}/{options.Pool2}, GRU {options.Units}; " +
            $"{threads} thread(s); {Environment.ProcessorCount} CPUs; load {File.ReadAllText("/proc/loadavg").Trim()}");

        torch.set_num_threads(threads);
        using var model = new End2YouModel(Classes, options);
        var initial = model.ParameterValues();
        model.eval();
        float[] firstBatch;
        using (torch.no_grad())
        {
            int n = Math.Min(options.BatchSize, count);
            using var x = torch.tensor(values.AsSpan(0, n * options.Samples).ToArray(), [n, options.Frames, options.FrameSamples]);
            using var p = model.Probabilities(x);
            firstBatch = p.data<float>().ToArray();
        }

        model.train();
        using var weightTensor = torch.tensor(weights);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: options.LearningRate);
        var clock = Stopwatch.StartNew();
        float lastLoss = 0;
        for (int start = 0; start < count; start += options.BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            int n = Math.Min(options.BatchSize, count - start);
            var batch = new float[n * options.Samples];
            var y = new long[n];
            for (int i = 0; i < n; i++)
            {
                Array.Copy(values, (long)order[start + i] * options.Samples, batch, (long)i * options.Samples, options.Samples);
                y[i] = labels[order[start + i]];
            }

            optimizer.zero_grad();
            var loss = torch.nn.functional.cross_entropy(model.forward(torch.tensor(batch, [n, options.Frames, options.FrameSamples])), torch.tensor(y), weight: weightTensor);
            loss.backward();
            optimizer.step();
            lastLoss = loss.item<float>();
        }

        double sharpSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"TorchSharp epoch: {sharpSeconds:F2} s (last loss {lastLoss:F6})");

        var dir = Directory.CreateTempSubdirectory("affect-end2you-bench-");
        try
        {
            void Write(string name, ReadOnlySpan<byte> bytes) => File.WriteAllBytes(Path.Combine(dir.FullName, name), bytes.ToArray());
            foreach (var (name, v) in initial)
            {
                Write(name, System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
            }

            Write("inputs", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            Write("labels", System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
            Write("order", System.Runtime.InteropServices.MemoryMarshal.AsBytes(order.Select(i => (long)i).ToArray().AsSpan()));
            Write("class_weights", System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
            Write("first_batch", System.Runtime.InteropServices.MemoryMarshal.AsBytes(firstBatch.AsSpan()));
            string script = Path.Combine(dir.FullName, "epoch.py");
            await File.WriteAllTextAsync(script, PyTorchEpoch);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new object[] { script, dir.FullName, count, options.Frames, options.FrameSamples, options.Conv1Channels, options.Conv1Kernel,
                options.Pool1, options.Conv2Channels, options.Conv2Kernel, options.Pool2, options.Units, options.BatchSize, threads, options.LearningRate, Classes })
            {
                start.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"python3 failed ({process.ExitCode}): {stderr}");
                return 1;
            }

            var parts = (await stdout).Trim().Split(' ');
            double pySeconds = double.Parse(parts[0], CultureInfo.InvariantCulture);
            Console.WriteLine($"PyTorch {parts[3]} epoch: {pySeconds:F2} s (last loss {double.Parse(parts[1], CultureInfo.InvariantCulture):F6}); " +
                $"forward on the initial weights: max |PyTorch − TorchSharp| = {double.Parse(parts[2], CultureInfo.InvariantCulture):E2}");
            Console.WriteLine($"ratio TorchSharp / PyTorch: {sharpSeconds / pySeconds:F2}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private const string PyTorchEpoch = """
        import sys, os, time
        import numpy as np
        import torch
        d = sys.argv[1]
        N, T, S, C1, K1, P1, C2, K2, P2, H, B, threads = (int(a) for a in sys.argv[2:14])
        lr = float(sys.argv[14]); K = int(sys.argv[15])
        torch.set_num_threads(threads)
        L2 = ((S - K1 + 1) // P1 - K2 + 1) // P2
        def load(name, *shape, dtype='<f4'):
            return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape).copy())
        class End2You(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = torch.nn.Conv1d(1, C1, K1); self.pool1 = torch.nn.MaxPool1d(P1, P1)
                self.conv2 = torch.nn.Conv1d(C1, C2, K2); self.pool2 = torch.nn.MaxPool1d(P2, P2)
                self.rnn = torch.nn.GRU(C2 * L2, H, batch_first=True)
                self.classifier = torch.nn.Linear(H, K)
            def forward(self, a):
                b, t = a.shape[0], a.shape[1]
                x = a.reshape(b * t, 1, S)
                x = self.pool1(torch.relu(self.conv1(x)))
                x = self.pool2(torch.relu(self.conv2(x)))
                out, _ = self.rnn(x.reshape(b, t, C2 * L2))
                return self.classifier(out.mean(1))
        model = End2You()
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(load(name, *p.shape))
        x = np.fromfile(os.path.join(d, 'inputs'), dtype='<f4').reshape(N, T, S)
        y = np.fromfile(os.path.join(d, 'labels'), dtype='<i8')
        order = np.fromfile(os.path.join(d, 'order'), dtype='<i8')
        w = load('class_weights', K)
        n = min(B, N)
        with torch.no_grad():
            p = torch.softmax(model(torch.from_numpy(x[:n].copy())), 1).numpy().ravel()
        diff = float(np.max(np.abs(p - np.fromfile(os.path.join(d, 'first_batch'), dtype='<f4'))))
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        start = time.perf_counter()
        for b in range(0, N, B):
            idx = order[b:b + B]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x[idx].copy())), torch.from_numpy(y[idx].copy()), weight=w)
            loss.backward()
            opt.step()
        print(time.perf_counter() - start, loss.item(), diff, torch.__version__)
        """;
}
