using Affect.Sequence.Onnx;
using Affect.Sequence.Windows;

namespace Affect.Sequence;

/// <summary>
/// Frame-level affect prediction with an exported LSTM model through ONNX Runtime (the inference path of the pipeline
/// and the Functions; TorchSharp is only used to train): recordings are cut into context windows with a one-label-frame
/// hop, run in batches, and the overlapping step predictions are averaged onto the 25 Hz label grid (§4.2).
/// </summary>
public sealed class LstmSequencePredictor : IDisposable
{
    private readonly OnnxPredictor predictor;

    private LstmSequencePredictor(OnnxPredictor predictor)
    {
        this.predictor = predictor;
        try
        {
            Info = LstmModelInfo.FromMetadata(predictor.Metadata, predictor.SourceName);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    /// <summary>What the model expects and predicts.</summary>
    public LstmModelInfo Info { get; }

    /// <summary>Windows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Loads a model written by the trainer (ONNX bytes with <see cref="LstmModelInfo"/> metadata).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a loadable model or lack the metadata.</exception>
    public static LstmSequencePredictor Load(byte[] model, string sourceName, int intraOpThreads = 1) =>
        new(OnnxPredictor.Load(model, sourceName, intraOpThreads));

    /// <summary>Loads a model file.</summary>
    public static LstmSequencePredictor Load(string path, int intraOpThreads = 1) => Load(File.ReadAllBytes(path), path, intraOpThreads);

    /// <summary>Runs raw windows [count, steps, features] and returns one prediction per step [count, steps].</summary>
    /// <exception cref="ArgumentException">The windows' feature count differs from the model's.</exception>
    public float[] PredictWindows(ContextWindowSet windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Features != Info.FeatureCount)
        {
            throw new ArgumentException($"{predictor.SourceName}: the model expects {Info.FeatureCount} features per step ({Info.FeatureExtractor}), the windows have {windows.Features}", nameof(windows));
        }

        var result = new float[windows.Count * windows.Steps];
        var stride = windows.Steps * windows.Features;
        for (var start = 0; start < windows.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, windows.Count - start);
            var input = windows.Inputs.AsSpan(start * stride, count * stride).ToArray();
            var output = predictor.Run(new OnnxFloatTensor(input, count, windows.Steps, windows.Features));
            output.Values.CopyTo(result, start * windows.Steps);
        }

        return result;
    }

    /// <summary>Predicts every recording on its 25 Hz label grid (one array per recording, in order).</summary>
    public double[][] Predict(IReadOnlyList<SequenceRecording> recordings)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        var windows = ContextWindows.Build(recordings, Info.Windows.ForPrediction());
        return ContextWindows.ToLabelGrid(recordings, windows, PredictWindows(windows));
    }

    /// <inheritdoc />
    public void Dispose() => predictor.Dispose();
}
