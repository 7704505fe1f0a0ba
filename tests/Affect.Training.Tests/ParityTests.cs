using System.Diagnostics;
using System.Globalization;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

public sealed class ParityTests(ITestOutputHelper output)
{
    private const int Features = SyntheticSequences.Features;

    [Fact]
    public void OnnxRuntimeMatchesTheTorchSharpForwardPass()
    {
        var recordings = SyntheticSequences.Recordings(3, 1, 12);
        var windows = ContextWindows.Build(recordings, new ContextWindowOptions(HopSeconds: 0.4));
        var options = new LstmTrainingOptions(HiddenSize: 8, Layers: 2, Seed: 5);
        using var model = LstmTrainer.CreateModel(Features, options);
        model.eval();

        var torch = LstmTrainer.PredictWindows(model, windows);
        using var onnx = Affect.Sequence.Onnx.OnnxPredictor.Load(LstmOnnxExporter.Export(model.ExportWeights()), "parity.onnx");
        var ort = onnx.Run(new OnnxFloatTensor(windows.Inputs, windows.Count, windows.Steps, Features)).Values;

        Assert.Equal(torch.Length, ort.Length);
        var worst = torch.Zip(ort, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{windows.Count} windows, largest difference {worst:E2}");
        Assert.True(worst <= 1e-5, $"largest |TorchSharp - ORT| = {worst}");
    }

    [Fact]
    public void SameSeedGivesIdenticalTrainingAndModelBytes()
    {
        var recordings = SyntheticSequences.Recordings(8, 1, 20);
        var train = ContextWindows.Build(recordings, new ContextWindowOptions());
        var validation = EvaluationCorpus.Build("val", recordings, new ContextWindowOptions());
        var options = new LstmTrainingOptions(HiddenSize: 8, Layers: 1, Epochs: 2, BatchSize: 8, Seed: 42);

        var first = LstmTrainer.Train(train, validation, null, options);
        var second = LstmTrainer.Train(train, validation, null, options);
        var other = LstmTrainer.Train(train, validation, null, options with { Seed = 43 });

        Assert.Equal(first.StepLosses, second.StepLosses);
        Assert.Equal(LstmOnnxExporter.Export(first.BestWeights), LstmOnnxExporter.Export(second.BestWeights));
        Assert.NotEqual(first.StepLosses, other.StepLosses);
        Assert.Equal(2, first.Epochs.Count);
    }

    [Fact]
    public void EpochOrderIsASeededPermutation()
    {
        var a = LstmTrainer.EpochOrder(100, 1, 1);

        Assert.Equal(Enumerable.Range(0, 100), a.Order());
        Assert.Equal(a, LstmTrainer.EpochOrder(100, 1, 1));
        Assert.NotEqual(a, LstmTrainer.EpochOrder(100, 1, 2));
        Assert.NotEqual(a, LstmTrainer.EpochOrder(100, 2, 1));
    }

    /// <summary>
    /// The same architecture, initial weights and batches in PyTorch 1.13 (python3) follow the same loss curve:
    /// the trainer's first 50 Adam steps (lr 0.001, MSE) agree within 1e-4.
    /// </summary>
    [Fact]
    public async Task LossCurveMatchesPyTorch()
    {
        const int Steps = 50, Batch = 4, Hidden = 8, Layers = 2;
        var recordings = SyntheticSequences.Recordings(11);
        var windows = ContextWindows.Build(recordings, new ContextWindowOptions());
        var validation = EvaluationCorpus.Build("val", recordings[..1], new ContextWindowOptions(HopSeconds: 1));
        var options = new LstmTrainingOptions(HiddenSize: Hidden, Layers: Layers, Epochs: 1, BatchSize: Batch, Seed: 2018);
        Assert.True(windows.Count >= Steps * Batch);

        LstmWeights initial;
        using (var model = LstmTrainer.CreateModel(Features, options))
        {
            initial = model.ExportWeights();
        }

        var result = LstmTrainer.Train(windows, validation, null, options);

        var dir = Directory.CreateTempSubdirectory("affect-parity-");
        try
        {
            void Write(string name, float[] values)
            {
                var bytes = new byte[values.Length * 4];
                Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
                File.WriteAllBytes(Path.Combine(dir.FullName, name), bytes);
            }

            for (var l = 0; l < Layers; l++)
            {
                Write($"weight_ih_l{l}", initial.Layers[l].InputWeights);
                Write($"weight_hh_l{l}", initial.Layers[l].RecurrentWeights);
                Write($"bias_ih_l{l}", initial.Layers[l].InputBias);
                Write($"bias_hh_l{l}", initial.Layers[l].RecurrentBias);
            }

            Write("head_weight", initial.HeadWeights);
            Write("head_bias", [initial.HeadBias]);
            var order = LstmTrainer.EpochOrder(windows.Count, options.Seed, 1);
            var (inputs, targets) = windows.Gather(order.AsSpan(0, Steps * Batch));
            Write("inputs", inputs);
            Write("targets", targets);
            var script = Path.Combine(dir.FullName, "parity.py");
            File.WriteAllText(script, PyTorchScript);

            var python = "/usr/bin/python3";
            Assert.True(File.Exists(python), $"{python}: not found (the parity test needs python3 with torch 1.13)");
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, dir.FullName, $"{Features}", $"{Hidden}", $"{Layers}", $"{Batch}", $"{windows.Steps}", $"{Steps}" })
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"python exited {process.ExitCode}: {stderr}");
            var reference = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();

            Assert.Equal(Steps, reference.Length);
            var worst = Enumerable.Range(0, Steps).Max(i => Math.Abs(reference[i] - result.StepLosses[i]));
            output.WriteLine($"losses: first {result.StepLosses[0]:F6} / {reference[0]:F6}, step 50 {result.StepLosses[Steps - 1]:F6} / {reference[^1]:F6}; largest difference {worst:E2}");
            Assert.True(worst <= 1e-4, $"largest loss difference {worst} over {Steps} steps");
            Assert.True(reference[^1] < reference[0], "the loss did not fall in 50 steps");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private const string PyTorchScript = """
        import sys, os
        import numpy as np
        import torch
        d = sys.argv[1]
        F, H, L, B, T, N = (int(a) for a in sys.argv[2:8])
        torch.set_num_threads(1)
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
        x = load('inputs', N, B, T, F)
        y = load('targets', N, B, T, 1)
        opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.001)
        for i in range(N):
            opt.zero_grad()
            out, _ = lstm(x[i])
            loss = torch.nn.functional.mse_loss(head(out), y[i])
            loss.backward()
            opt.step()
            print(repr(loss.item()))
        """;
}
