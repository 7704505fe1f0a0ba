using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Sequence;
using Affect.Sequence.Labels;
using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>
/// Real ONNX LSTM models (seeded random weights, the trainer's metadata) written where the training worker writes
/// them, so pipeline tests run ONNX Runtime inference without TorchSharp.
/// </summary>
internal static class TestModels
{
    /// <summary>A 130-input, 1-layer LSTM on ComParE 2016 LLDs with the trainer's default window geometry.</summary>
    public static byte[] Onnx(string target, ulong seed, int hidden = 4)
    {
        var state = seed;
        double Next()
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
        }

        float[] Draw(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => (float)(((Next() * 2) - 1) * scale))];
        const int Input = 130;
        var layer = new LstmLayerWeights(Draw(4 * hidden * Input, 0.15), Draw(4 * hidden * hidden, 0.5), Draw(4 * hidden, 0.2), Draw(4 * hidden, 0.2));
        var weights = new LstmWeights(Input, hidden, [layer], Draw(hidden, 1.0), 0.5f);
        var info = new LstmModelInfo("compare2016-lld", Input, new ContextWindowOptions(), target, new LabelScaler(-1, 1));
        return LstmOnnxExporter.Export(weights, info.ToMetadata());
    }

    /// <summary>Writes <c>models/{key}/metrics.json</c> and <c>model.onnx</c> as the training worker does (model last).</summary>
    public static async Task PutAsync(IBlobStore store, string modelKey, byte[] onnx, double validationCc = 0.5)
    {
        string metrics = $$"""{"bestEpoch": 1, "validationPearsonAtBest": {{validationCc.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}, "testPearsonAtEpoch1": null, "testPearsonAtBest": null}""";
        await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Metrics(modelKey), System.Text.Encoding.UTF8.GetBytes(metrics));
        await store.PutBytesAsync(Containers.Models, LstmModelBlobs.Model(modelKey), onnx);
    }
}
