using System.Diagnostics;
using System.Globalization;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;
using Affect.Training;
using TorchSharp;

namespace Affect.Benchmarks;

/// <summary>
/// One training epoch over the context windows of 30 minutes of audio (130 features, 16 steps, hop 0.2 s), TorchSharp
/// vs PyTorch 1.13 on the same batches, initial weights and thread count; then ONNX Runtime inference throughput.
/// </summary>
public sealed class LstmBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "lstm";

    /// <inheritdoc />
    public string Description => "LSTM epoch on 30 min of windows: TorchSharp vs PyTorch 1.13 (CPU); ORT windows/s [--minutes M] [--threads N]";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var minutes = BenchmarkRun.Option(args, "--minutes", 30.0);
        var threads = (int)BenchmarkRun.Option(args, "--threads", 2.0);
        const int Features = 130;
        var options = new LstmTrainingOptions(Threads: threads, Seed: 1);

        // Seeded AR(1) features and a label, one long recording of the requested length.
        var frames = (int)(minutes * 60 * 100);
        var values = new float[frames * Features];
        var random = new SplitMix64(7);
        var state = new double[Features];
        for (var f = 0; f < frames; f++)
        {
            for (var j = 0; j < Features; j++)
            {
                var u = ((random.Next() >> 11) * (1.0 / (1UL << 53))) - 0.5;
                state[j] = (0.98 * state[j]) + u;
                values[(f * Features) + j] = (float)state[j];
            }
        }

        var labels = Enumerable.Range(0, frames / 4).Select(i => Math.Tanh(values[i * 4 * Features] * 0.3)).ToArray();
        var recording = new SequenceRecording("bench", "s", new FeatureMatrix(values, frames, Features, 100), labels);
        var windows = ContextWindows.Build([recording], new ContextWindowOptions());
        var order = LstmTrainer.EpochOrder(windows.Count, options.Seed, 1);
        var (inputs, targets) = windows.Gather(order);
        var batches = (windows.Count + options.BatchSize - 1) / options.BatchSize;
        Console.WriteLine($"{minutes} min of audio → {windows.Count} windows × {windows.Steps} steps × {Features} features, " +
            $"{batches} batches of {options.BatchSize}; LSTM {options.Layers}×{options.HiddenSize}; {threads} thread(s); {Environment.ProcessorCount} CPUs");

        using var model = LstmTrainer.CreateModel(Features, options);
        var initial = model.ExportWeights();
        using var optimizer = torch.optim.Adam(model.parameters(), lr: options.LearningRate);
        var clock = Stopwatch.StartNew();
        float lastLoss = 0;
        for (var b = 0; b < batches; b++)
        {
            var n = Math.Min(options.BatchSize, windows.Count - (b * options.BatchSize));
            var stride = windows.Steps * Features;
            lastLoss = LstmTrainer.Step(model, optimizer, inputs.AsSpan(b * options.BatchSize * stride, n * stride).ToArray(),
                targets.AsSpan(b * options.BatchSize * windows.Steps, n * windows.Steps).ToArray(), windows.Steps, Features, LstmLoss.Mse);
        }

        var torchSharpSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"TorchSharp epoch: {torchSharpSeconds:F2} s (last loss {lastLoss:F6})");

        using (var reference = new PyTorchReference(Name))
        {
            for (var l = 0; l < options.Layers; l++)
            {
                reference.Write($"weight_ih_l{l}", initial.Layers[l].InputWeights);
                reference.Write($"weight_hh_l{l}", initial.Layers[l].RecurrentWeights);
                reference.Write($"bias_ih_l{l}", initial.Layers[l].InputBias);
                reference.Write($"bias_hh_l{l}", initial.Layers[l].RecurrentBias);
            }

            reference.Write("head_weight", initial.HeadWeights);
            reference.Write("head_bias", [initial.HeadBias]);
            reference.Write("inputs", inputs);
            reference.Write("targets", targets);
            var parts = await reference.RunAsync(PyTorchEpoch, Features, options.HiddenSize, options.Layers, options.BatchSize, windows.Steps, windows.Count, threads);
            if (parts is null)
            {
                return 1;
            }

            var pySeconds = double.Parse(parts[0], CultureInfo.InvariantCulture);
            Console.WriteLine($"PyTorch {parts[2]} epoch: {pySeconds:F2} s (last loss {double.Parse(parts[1], CultureInfo.InvariantCulture):F6})");
            Console.WriteLine($"ratio TorchSharp / PyTorch: {torchSharpSeconds / pySeconds:F2}");
        }

        // ONNX Runtime inference throughput on the same windows (batches of 256).
        var info = new LstmModelInfo("bench", Features, new ContextWindowOptions(), "arousal", new Sequence.Labels.LabelScaler(0, 1));
        using var predictor = LstmSequencePredictor.Load(LstmOnnxExporter.Export(model.ExportWeights(), info.ToMetadata()), "bench.onnx", threads);
        predictor.PredictWindows(windows);   // warm-up
        clock.Restart();
        predictor.PredictWindows(windows);
        var ortSeconds = clock.Elapsed.TotalSeconds;
        model.eval();
        clock.Restart();
        LstmTrainer.PredictWindows(model, windows, 256);
        var torchInference = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"ONNX Runtime inference: {windows.Count / ortSeconds:F0} windows/s ({ortSeconds:F2} s); TorchSharp forward: {windows.Count / torchInference:F0} windows/s");
        return 0;
    }

    private const string PyTorchEpoch = """
        import sys, os, time
        import numpy as np
        import torch
        d = sys.argv[1]
        F, H, L, B, T, N, threads = (int(a) for a in sys.argv[2:9])
        torch.set_num_threads(threads)
        def load(name, *shape):
            return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype='<f4').reshape(shape).copy())
        lstm = torch.nn.LSTM(F, H, L, batch_first=True)
        head = torch.nn.Linear(H, 1)
        with torch.no_grad():
            for l in range(L):
                inp = F if l == 0 else H
                getattr(lstm, f'weight_ih_l{l}').copy_(load(f'weight_ih_l{l}', 4 * H, inp))
                getattr(lstm, f'weight_hh_l{l}').copy_(load(f'weight_hh_l{l}', 4 * H, H))
                getattr(lstm, f'bias_ih_l{l}').copy_(load(f'bias_ih_l{l}', 4 * H))
                getattr(lstm, f'bias_hh_l{l}').copy_(load(f'bias_hh_l{l}', 4 * H))
            head.weight.copy_(load('head_weight', 1, H))
            head.bias.copy_(load('head_bias', 1))
        x = np.fromfile(os.path.join(d, 'inputs'), dtype='<f4').reshape(N, T, F)
        y = np.fromfile(os.path.join(d, 'targets'), dtype='<f4').reshape(N, T, 1)
        opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.001)
        start = time.perf_counter()
        for b in range(0, N, B):
            xb = torch.from_numpy(x[b:b + B].copy())
            yb = torch.from_numpy(y[b:b + B].copy())
            opt.zero_grad()
            out, _ = lstm(xb)
            loss = torch.nn.functional.mse_loss(head(out), yb)
            loss.backward()
            opt.step()
        print(time.perf_counter() - start, loss.item(), torch.__version__)
        """;
}
