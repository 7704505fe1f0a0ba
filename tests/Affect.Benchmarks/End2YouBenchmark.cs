using System.Globalization;
using Affect.Pipeline.Orchestration;
using Affect.Sequence.Onnx;
using Affect.Training;
using TorchSharp;

namespace Affect.Benchmarks;

/// <summary>
/// One training epoch of the End2You-style model at its documented sizes (40 ms frames, conv 80/40 + pool 2, conv 40/40 +
/// pool 10, GRU 256) on seeded tone utterances, TorchSharp vs PyTorch 1.13 (Debian's python3-torch) with the same initial
/// weights, batches, class weights and thread count (wall and CPU seconds); PyTorch's forward pass on the initial weights is
/// compared too; then extraction throughput (utterances/s) of the ONNX export in ONNX Runtime, TorchSharp's and PyTorch's forward.
/// </summary>
public sealed class End2YouBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "end2you";

    /// <inheritdoc />
    public string Description => "End2You epoch (raw audio → CNN → GRU): TorchSharp vs PyTorch 1.13, forward parity; utterances/s in ORT, TorchSharp, PyTorch [--utterances N] [--frames F] [--threads T]";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        int count = (int)BenchmarkRun.Option(args, "--utterances", 32);
        int threads = (int)BenchmarkRun.Option(args, "--threads", 1);
        var options = new End2YouOptions(new End2YouSpec(Frames: (int)BenchmarkRun.Option(args, "--frames", 50)), seed: 1, threads: threads);
        options.Validate();
        const int Classes = 3, Chunk = 64;
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
            $"{threads} thread(s); {Environment.ProcessorCount} CPUs; load {BenchmarkRun.Load()}");

        TorchRuntime.EnsureLoaded();
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

        // One epoch: the trainer's step (same batch order, class weights and Adam) on the same initial weights as PyTorch.
        model.train();
        using var weightTensor = torch.tensor(weights);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: options.LearningRate);
        float lastLoss = 0;
        var (sharpWall, sharpCpu) = BenchmarkRun.Measure(() =>
        {
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
        });
        Console.WriteLine($"TorchSharp epoch: {sharpWall:F2} s wall, {sharpCpu:F2} s CPU (last loss {lastLoss:F6})");

        // Extraction: class probabilities of every utterance in batches of 64, ONNX Runtime on the export vs TorchSharp.
        model.eval();
        var utterances = new End2YouUtterances(count, options.Samples, values, labels.Select(l => (int)l).ToArray());
        using var onnx = OnnxPredictor.Load(End2YouOnnxExporter.Export(model, ["a", "b", "c"]), "end2you.onnx", threads);
        int warm = Math.Min(Chunk, count);
        onnx.Run(new OnnxFloatTensor(values.AsSpan(0, warm * options.Samples).ToArray(), warm, options.Frames, options.FrameSamples));
        var (ortWall, ortCpu) = BenchmarkRun.Measure(() =>
        {
            for (int start = 0; start < count; start += Chunk)
            {
                int n = Math.Min(Chunk, count - start);
                onnx.Run(new OnnxFloatTensor(values.AsSpan(start * options.Samples, n * options.Samples).ToArray(), n, options.Frames, options.FrameSamples));
            }
        });
        var (forwardWall, forwardCpu) = BenchmarkRun.Measure(() => End2YouTrainer.Predict(model, utterances, Chunk));

        using var reference = new PyTorchReference(Name);
        foreach (var (name, v) in initial)
        {
            reference.Write(name, v);
        }

        reference.Write("inputs", values);
        reference.Write("labels", labels);
        reference.Write("order", order.Select(i => (long)i).ToArray());
        reference.Write("class_weights", weights);
        reference.Write("first_batch", firstBatch);
        var parts = await reference.RunAsync(PyTorchEpoch, count, options.Frames, options.FrameSamples, options.Conv1Channels, options.Conv1Kernel,
            options.Pool1, options.Conv2Channels, options.Conv2Kernel, options.Pool2, options.Units, options.BatchSize, threads, options.LearningRate, Classes, Chunk);
        if (parts is null)
        {
            return 1;
        }

        double Number(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        double pyWall = Number(0), pyCpu = Number(1), pyRate = Number(4);
        Console.WriteLine($"PyTorch {parts[5]} epoch: {pyWall:F2} s wall, {pyCpu:F2} s CPU (last loss {Number(2):F6}); " +
            $"forward on the initial weights: max |PyTorch − TorchSharp| = {Number(3):E2}");
        Console.WriteLine($"ratio TorchSharp / PyTorch (epoch): {sharpWall / pyWall:F2} wall, {sharpCpu / pyCpu:F2} CPU");
        Console.WriteLine($"extraction (utterances/s, batches of {Chunk}): ONNX Runtime {count / ortWall:F1} ({ortCpu:F2} s CPU); " +
            $"TorchSharp forward {count / forwardWall:F1} ({forwardCpu:F2} s CPU); PyTorch forward {pyRate:F1}; " +
            $"ORT / PyTorch {count / ortWall / pyRate:F2}, TorchSharp / PyTorch {count / forwardWall / pyRate:F2}");
        Console.WriteLine($"load at the end {BenchmarkRun.Load()}");
        return 0;
    }

    private const string PyTorchEpoch = """
        import sys, os, time
        import numpy as np
        import torch
        d = sys.argv[1]
        N, T, S, C1, K1, P1, C2, K2, P2, H, B, threads = (int(a) for a in sys.argv[2:14])
        lr = float(sys.argv[14]); K = int(sys.argv[15]); chunk = int(sys.argv[16])
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
        model.train()
        start, cpu = time.perf_counter(), time.process_time()
        for b in range(0, N, B):
            idx = order[b:b + B]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x[idx].copy())), torch.from_numpy(y[idx].copy()), weight=w)
            loss.backward()
            opt.step()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        model.eval()
        with torch.no_grad():
            torch.softmax(model(torch.from_numpy(x[:chunk].copy())), 1)
            start = time.perf_counter()
            for b in range(0, N, chunk):
                torch.softmax(model(torch.from_numpy(x[b:b + chunk].copy())), 1)
            rate = N / (time.perf_counter() - start)
        print(wall, cpu, loss.item(), diff, rate, torch.__version__)
        """;
}
