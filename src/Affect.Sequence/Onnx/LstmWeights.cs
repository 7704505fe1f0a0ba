namespace Affect.Sequence.Onnx;

/// <summary>
/// The parameters of a stacked unidirectional LSTM regressor in PyTorch/TorchSharp layout: per layer W_ih [4H, in],
/// W_hh [4H, H], b_ih [4H], b_hh [4H] with the gate blocks in the order i, f, g, o; then a linear head y = w·h + b.
/// </summary>
/// <param name="InputSize">Features per time step.</param>
/// <param name="HiddenSize">Hidden size H of every layer.</param>
/// <param name="Layers">Per-layer weights, bottom first.</param>
/// <param name="HeadWeights">Head weights w [H].</param>
/// <param name="HeadBias">Head bias b.</param>
public sealed record LstmWeights(int InputSize, int HiddenSize, IReadOnlyList<LstmLayerWeights> Layers, float[] HeadWeights, float HeadBias)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming every array whose size does not match the shapes.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (InputSize < 1 || HiddenSize < 1 || Layers.Count < 1)
        {
            errors.Add($"sizes: input {InputSize}, hidden {HiddenSize}, layers {Layers.Count} must all be at least 1");
        }

        for (var l = 0; l < Layers.Count; l++)
        {
            var input = l == 0 ? InputSize : HiddenSize;
            void Check(string name, float[] values, long expected)
            {
                if (values.Length != expected)
                {
                    errors.Add($"layer {l} {name}: {values.Length} values, expected {expected}");
                }
            }

            Check("W_ih", Layers[l].InputWeights, 4L * HiddenSize * input);
            Check("W_hh", Layers[l].RecurrentWeights, 4L * HiddenSize * HiddenSize);
            Check("b_ih", Layers[l].InputBias, 4L * HiddenSize);
            Check("b_hh", Layers[l].RecurrentBias, 4L * HiddenSize);
        }

        if (HeadWeights.Length != HiddenSize)
        {
            errors.Add($"head weights: {HeadWeights.Length} values, expected {HiddenSize}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(LstmWeights)}: {string.Join("; ", errors)}");
        }
    }
}

/// <summary>One LSTM layer's parameters in PyTorch layout (gate blocks i, f, g, o).</summary>
/// <param name="InputWeights">W_ih, [4H, in] row-major.</param>
/// <param name="RecurrentWeights">W_hh, [4H, H] row-major.</param>
/// <param name="InputBias">b_ih, [4H].</param>
/// <param name="RecurrentBias">b_hh, [4H].</param>
public sealed record LstmLayerWeights(float[] InputWeights, float[] RecurrentWeights, float[] InputBias, float[] RecurrentBias);
