using Microsoft.ML.OnnxRuntime;

namespace Affect.Sequence.Onnx;

/// <summary>
/// Runs a single-input, single-output float32 ONNX model (e.g. an exported LSTM regressor) with ONNX Runtime on the CPU.
/// Defaults to one intra-op thread so results are reproducible run to run.
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    private readonly InferenceSession session;

    private OnnxPredictor(InferenceSession session, string sourceName)
    {
        this.session = session;
        SourceName = sourceName;
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
        {
            var message = $"{sourceName}: the model has {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs " +
                "(expected exactly one of each)";
            session.Dispose();
            throw new InvalidDataException(message);
        }

        InputName = session.InputMetadata.Keys.Single();
        OutputName = session.OutputMetadata.Keys.Single();
        InputDimensions = [.. session.InputMetadata[InputName].Dimensions];
        Metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
    }

    /// <summary>The model's custom metadata (<c>ModelProto.metadata_props</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The file name or label the model came from, used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>The model's input name.</summary>
    public string InputName { get; }

    /// <summary>The model's output name.</summary>
    public string OutputName { get; }

    /// <summary>The declared input dimensions; -1 marks a symbolic (free) dimension.</summary>
    public IReadOnlyList<int> InputDimensions { get; }

    /// <summary>Loads a model from serialised ONNX bytes.</summary>
    /// <param name="model">The <c>ModelProto</c> bytes.</param>
    /// <param name="sourceName">Where the bytes came from (file or blob name), for error messages.</param>
    /// <param name="intraOpThreads">ONNX Runtime intra-op threads (1 = reproducible).</param>
    /// <exception cref="InvalidDataException">ONNX Runtime rejects the model, or it is not single-input/single-output.</exception>
    public static OnnxPredictor Load(byte[] model, string sourceName, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intraOpThreads);
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1 };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new InvalidDataException($"{sourceName}: ONNX Runtime could not load the model ({model.Length} bytes): {error.Message}", error);
        }

        return new OnnxPredictor(session, sourceName);
    }

    /// <summary>Loads a model from an .onnx file.</summary>
    /// <exception cref="InvalidDataException">ONNX Runtime rejects the file's model.</exception>
    public static OnnxPredictor Load(string path, int intraOpThreads = 1) =>
        Load(File.ReadAllBytes(path), path, intraOpThreads);

    /// <summary>Runs the model on <paramref name="input"/> and returns its output tensor.</summary>
    /// <exception cref="ArgumentException">The input's rank or a fixed dimension does not match the model.</exception>
    public OnnxFloatTensor Run(OnnxFloatTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Shape.ToArray();
        var mismatch = shape.Length != InputDimensions.Count
            || shape.Where((dim, i) => InputDimensions[i] >= 0 && InputDimensions[i] != dim).Any();
        if (mismatch)
        {
            throw new ArgumentException(
                $"{SourceName}: input '{InputName}': shape [{string.Join(", ", shape)}] does not match the model's " +
                $"[{string.Join(", ", InputDimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]",
                nameof(input));
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input.Values, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [InputName], [value], [OutputName]);
        var result = results[0];
        return new OnnxFloatTensor(result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
