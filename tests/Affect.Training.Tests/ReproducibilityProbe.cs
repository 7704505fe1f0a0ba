using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Affect.Learning;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;
using Affect.Training.Algebra;

namespace Affect.Training.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is switched off): <c>dotnet Affect.Training.Tests.dll
/// train-probe OUT.onnx</c> runs a seeded training in a fresh process, because libtorch, oneMKL and oneDNN read their CPU
/// settings from the environment once per process. It writes the model's ONNX bytes to OUT.onnx and prints
/// <c>key=value</c> lines: the largest |TorchSharp − ONNX Runtime| over the validation windows, a SHA-256 of a float64
/// kernel-algebra result (DGEMM, Cholesky, eigendecomposition), the oneDNN switch and the pinned native variables.
/// </summary>
internal static class ReproducibilityProbe
{
    public const string Command = "train-probe";

    public static int Main(string[] args)
    {
        if (args is not [Command, var output])
        {
            Console.Error.WriteLine($"usage: dotnet Affect.Training.Tests.dll {Command} OUT.onnx");
            return 2;
        }

        foreach (var (key, value) in Run(output))
        {
            Console.WriteLine($"{key}={value}");
        }

        return 0;
    }

    /// <summary>Trains the tiny seeded model (1 epoch, ~0.2 s), writes its ONNX bytes to <paramref name="onnxPath"/>.</summary>
    public static List<KeyValuePair<string, string>> Run(string onnxPath)
    {
        var recordings = SyntheticSequences.Recordings(8, 1, 20);
        var train = ContextWindows.Build(recordings, new ContextWindowOptions());
        var validation = EvaluationCorpus.Build("val", recordings, new ContextWindowOptions());
        var options = new LstmTrainingOptions(HiddenSize: 8, Layers: 2, Epochs: 1, BatchSize: 8, Seed: 42);
        var result = LstmTrainer.Train(train, validation, null, options);
        var onnxBytes = LstmOnnxExporter.Export(result.BestWeights);
        File.WriteAllBytes(onnxPath, onnxBytes);

        using var model = LstmTrainer.CreateModel(SyntheticSequences.Features, options);
        model.LoadWeights(result.BestWeights);
        model.eval();
        var torch = LstmTrainer.PredictWindows(model, validation.Windows);
        using var onnx = OnnxPredictor.Load(onnxBytes, "probe.onnx");
        var windows = validation.Windows;
        var ort = onnx.Run(new OnnxFloatTensor(windows.Inputs, windows.Count, windows.Steps, windows.Features)).Values;
        var worst = torch.Zip(ort, (a, b) => Math.Abs(a - b)).Max();

        var report = new List<KeyValuePair<string, string>>
        {
            new("worst", worst.ToString("R", CultureInfo.InvariantCulture)),
            new("algebra", AlgebraDigest()),
            new("reproducible", TorchRuntime.Reproducible.ToString()),
            new("onednn", TorchRuntime.OneDnnKernelsEnabled.ToString()),
        };
        report.AddRange(TorchRuntime.CpuPins.Select(p => new KeyValuePair<string, string>($"env:{p.Key}", TorchRuntime.NativeEnvironmentVariable(p.Key) ?? "(unset)")));
        return report;
    }

    // Gram (DGEMM), Cholesky solve (potrf/potrs) and the eigendecomposition solve (syevd) of a seeded 120 × 80 problem.
    private static string AlgebraDigest()
    {
        var random = new SplitMix64(7);
        var x = new RealMatrix(120, 80, [.. Enumerable.Range(0, 120 * 80).Select(_ => (random.Next() >> 11) * (1.0 / (1UL << 53)))]);
        var b = new RealMatrix(120, 3, [.. Enumerable.Range(0, 120 * 3).Select(i => (double)(i % 7))]);
        var algebra = new TorchKernelAlgebra();
        var gram = algebra.Gram(x);
        for (var i = 0; i < gram.Rows; i++)
        {
            gram[i, i] += 1;
        }

        var values = gram.Data.Concat(algebra.SolvePositiveDefinite(gram, b).Data).Concat(algebra.FactorShifted(gram, b).Solve(0.5).Data).ToArray();
        return Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }
}
