namespace Affect.Sequence.Onnx;

/// <summary>A dense row-major float32 tensor passed to or returned from <see cref="OnnxPredictor"/>.</summary>
public sealed record OnnxFloatTensor
{
    /// <summary>Wraps <paramref name="values"/> (not copied) with <paramref name="shape"/>; their sizes must agree.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the value count is not the product of the shape.</exception>
    public OnnxFloatTensor(float[] values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
            }

            count = checked(count * dim);
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} values but {values.Length} were given", nameof(values));
        }

        Values = values;
        Shape = [.. shape];
    }

    /// <summary>The values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }
}
