namespace Affect.Sequence.Onnx;

/// <summary>
/// One dimension of a graph input/output shape (onnx.proto <c>TensorShapeProto.Dimension</c>):
/// either a fixed size (<c>dim_value</c>) or a named symbolic size such as "batch" (<c>dim_param</c>).
/// </summary>
public readonly record struct OnnxDimension
{
    private OnnxDimension(long? value, string? parameter)
    {
        Value = value;
        Parameter = parameter;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Parameter { get; }

    /// <summary>A fixed dimension of <paramref name="size"/> elements (≥ 0).</summary>
    public static OnnxDimension Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new OnnxDimension(size, null);
    }

    /// <summary>A symbolic dimension named <paramref name="name"/>, resolved by the runtime from the input.</summary>
    public static OnnxDimension Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new OnnxDimension(null, name);
    }

    /// <summary>A fixed dimension from a size.</summary>
    public static implicit operator OnnxDimension(long size) => Fixed(size);

    /// <summary>A symbolic dimension from a name.</summary>
    public static implicit operator OnnxDimension(string name) => Symbolic(name);

    /// <inheritdoc />
    public override string ToString() => Parameter ?? Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
