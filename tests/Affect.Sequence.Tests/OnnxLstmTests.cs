using Affect.Sequence.Labels;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;

namespace Affect.Sequence.Tests;

public sealed class OnnxLstmTests
{
    private static LstmWeights RandomWeights(int input, int hidden, int layers, ulong seed)
    {
        var random = new SplitMixForTests(seed);
        float[] Draw(int n) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 1.2) - 0.6)).ToArray();
        var list = Enumerable.Range(0, layers).Select(l => new LstmLayerWeights(
            Draw(4 * hidden * (l == 0 ? input : hidden)), Draw(4 * hidden * hidden), Draw(4 * hidden), Draw(4 * hidden))).ToArray();
        return new LstmWeights(input, hidden, list, Draw(hidden), 0.25f);
    }

    /// <summary>The textbook LSTM of the PyTorch documentation (gates i, f, g, o), in double, for one sequence.</summary>
    private static double[] Reference(LstmWeights w, float[] x, int batchIndex, int steps)
    {
        var h = w.HiddenSize;
        var sequence = Enumerable.Range(0, steps).Select(t => x.AsSpan(((batchIndex * steps) + t) * w.InputSize, w.InputSize).ToArray().Select(v => (double)v).ToArray()).ToArray();
        foreach (var layer in w.Layers)
        {
            var input = sequence[0].Length;
            var hs = new double[h];
            var cs = new double[h];
            var output = new double[steps][];
            for (var t = 0; t < steps; t++)
            {
                var z = new double[4 * h];
                for (var r = 0; r < 4 * h; r++)
                {
                    double sum = layer.InputBias[r] + layer.RecurrentBias[r];
                    for (var k = 0; k < input; k++)
                    {
                        sum += layer.InputWeights[(r * input) + k] * sequence[t][k];
                    }

                    for (var k = 0; k < h; k++)
                    {
                        sum += layer.RecurrentWeights[(r * h) + k] * hs[k];
                    }

                    z[r] = sum;
                }

                static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
                for (var u = 0; u < h; u++)
                {
                    var i = Sigmoid(z[u]);
                    var f = Sigmoid(z[h + u]);
                    var g = Math.Tanh(z[(2 * h) + u]);
                    var o = Sigmoid(z[(3 * h) + u]);
                    cs[u] = (f * cs[u]) + (i * g);
                    hs[u] = o * Math.Tanh(cs[u]);
                }

                output[t] = [.. hs];
            }

            sequence = output;
        }

        return sequence.Select(hv => hv.Select((v, u) => v * w.HeadWeights[u]).Sum() + w.HeadBias).ToArray();
    }

    [Fact]
    public void ExportedTwoLayerLstmMatchesTheTextbookEquations()
    {
        const int Batch = 3, Steps = 7, Input = 5, Hidden = 4;
        var weights = RandomWeights(Input, Hidden, 2, 11);
        var random = new SplitMixForTests(3);
        var x = Enumerable.Range(0, Batch * Steps * Input).Select(_ => (float)random.NextGaussian()).ToArray();

        using var predictor = OnnxPredictor.Load(LstmOnnxExporter.Export(weights), "lstm.onnx");
        var y = predictor.Run(new OnnxFloatTensor(x, Batch, Steps, Input));

        Assert.Equal([Batch, Steps, 1L], y.Shape);
        for (var b = 0; b < Batch; b++)
        {
            var expected = Reference(weights, x, b, Steps);
            for (var t = 0; t < Steps; t++)
            {
                Assert.True(Math.Abs(expected[t] - y.Values[(b * Steps) + t]) < 1e-5, $"batch {b} step {t}: {y.Values[(b * Steps) + t]} vs {expected[t]}");
            }
        }
    }

    [Fact]
    public void ModelInfoTravelsInTheOnnxMetadata()
    {
        var info = new LstmModelInfo("basic-prosody-10", 3, new ContextWindowOptions(HopSeconds: 0.2), "arousal", new LabelScaler(-0.4, 0.7));
        var model = LstmOnnxExporter.Export(RandomWeights(3, 2, 1, 5), info.ToMetadata());

        using var predictor = LstmSequencePredictor.Load(model, "m.onnx");

        Assert.Equal(info, predictor.Info);
        Assert.Equal(model, LstmOnnxExporter.Export(RandomWeights(3, 2, 1, 5), info.ToMetadata()));
    }

    [Fact]
    public void AModelWithoutMetadataIsAClearError()
    {
        var model = LstmOnnxExporter.Export(RandomWeights(3, 2, 1, 5));

        var error = Assert.Throws<InvalidDataException>(() => LstmSequencePredictor.Load(model, "models/x/model.onnx"));
        Assert.StartsWith("models/x/model.onnx: not an Affect LSTM model", error.Message);
        Assert.Contains("affect.featureCount: missing", error.Message);
    }

    [Fact]
    public void InconsistentWeightsAreRejected()
    {
        var weights = RandomWeights(3, 2, 1, 5) with { HeadWeights = new float[5] };

        var error = Assert.Throws<ArgumentException>(() => LstmOnnxExporter.Export(weights));
        Assert.Contains("head weights: 5 values, expected 2", error.Message);
    }
}
