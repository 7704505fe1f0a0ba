using System.Globalization;
using Affect.Sequence.Labels;
using Affect.Sequence.Windows;

namespace Affect.Sequence;

/// <summary>
/// What a predictor must know besides the weights, stored in the ONNX model's metadata so a model file is
/// self-describing: front-end, window geometry, target and the training corpus's min/max label scaler.
/// </summary>
/// <param name="FeatureExtractor">Front-end name (features must be extracted the same way).</param>
/// <param name="FeatureCount">Features per step.</param>
/// <param name="Windows">Context window geometry (the hop is the training hop).</param>
/// <param name="Target">Predicted dimension, e.g. arousal.</param>
/// <param name="Scaler">Label scaler fitted on the training corpus (predictions are in its scaled units).</param>
public sealed record LstmModelInfo(string FeatureExtractor, int FeatureCount, ContextWindowOptions Windows, string Target, LabelScaler Scaler)
{
    private const string Prefix = "affect.";

    /// <summary>The metadata entries (<c>affect.*</c> keys, invariant-culture round-trip numbers).</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Prefix + "featureExtractor"] = FeatureExtractor,
        [Prefix + "featureCount"] = FeatureCount.ToString(CultureInfo.InvariantCulture),
        [Prefix + "contextSeconds"] = Windows.ContextSeconds.ToString("R", CultureInfo.InvariantCulture),
        [Prefix + "steps"] = Windows.Steps.ToString(CultureInfo.InvariantCulture),
        [Prefix + "hopSeconds"] = Windows.HopSeconds.ToString("R", CultureInfo.InvariantCulture),
        [Prefix + "stepFrames"] = Windows.StepFrames.ToString(CultureInfo.InvariantCulture),
        [Prefix + "target"] = Target,
        [Prefix + "labelMin"] = Scaler.Min.ToString("R", CultureInfo.InvariantCulture),
        [Prefix + "labelMax"] = Scaler.Max.ToString("R", CultureInfo.InvariantCulture),
        [Prefix + "scaledLow"] = Scaler.Low.ToString("R", CultureInfo.InvariantCulture),
        [Prefix + "scaledHigh"] = Scaler.High.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the entries written by <see cref="ToMetadata"/>.</summary>
    /// <exception cref="InvalidDataException">An entry is missing or malformed; the message names the source and every key.</exception>
    public static LstmModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var errors = new List<string>();
        string Text(string key)
        {
            if (metadata.TryGetValue(Prefix + key, out var value))
            {
                return value;
            }

            errors.Add($"metadata {Prefix}{key}: missing");
            return string.Empty;
        }

        double Number(string key)
        {
            var text = Text(key);
            if (text.Length > 0 && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                errors.Add($"metadata {Prefix}{key}: '{text}' is not a number");
                return 0;
            }

            return text.Length == 0 ? 0 : double.Parse(text, CultureInfo.InvariantCulture);
        }

        var info = new LstmModelInfo(
            Text("featureExtractor"),
            (int)Number("featureCount"),
            new ContextWindowOptions(Number("contextSeconds"), (int)Number("steps"), Number("hopSeconds"), (int)Number("stepFrames")),
            Text("target"),
            new LabelScaler(Number("labelMin"), Number("labelMax"), Number("scaledLow"), Number("scaledHigh")));
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"{sourceName}: not an Affect LSTM model: {string.Join("; ", errors)}");
        }

        return info;
    }
}
