namespace Affect.Sequence.Onnx;

/// <summary>
/// A node attribute of an ONNX graph (onnx.proto <c>AttributeProto</c>): a name plus exactly one value,
/// written with the matching <c>type</c> discriminator (FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7).
/// </summary>
public abstract record OnnxAttribute(string Name)
{
    /// <summary>An INT attribute (<c>i</c>, field 3), e.g. Gemm's <c>transB</c>.</summary>
    public static OnnxAttribute Int(string name, long value) => new IntAttribute(name, value);

    /// <summary>A FLOAT attribute (<c>f</c>, field 2), e.g. LeakyRelu's <c>alpha</c>.</summary>
    public static OnnxAttribute Float(string name, float value) => new FloatAttribute(name, value);

    /// <summary>A STRING attribute (<c>s</c>, field 4, UTF-8), e.g. LSTM's <c>direction</c>.</summary>
    public static OnnxAttribute String(string name, string value) => new StringAttribute(name, value);

    /// <summary>An INTS attribute (<c>ints</c>, field 8), e.g. Transpose's <c>perm</c>.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new IntsAttribute(name, [.. values]);

    /// <summary>A FLOATS attribute (<c>floats</c>, field 7), e.g. LSTM's <c>activation_alpha</c>.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => new FloatsAttribute(name, [.. values]);
}

/// <summary>An INT attribute value.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Value">The 64-bit integer.</param>
public sealed record IntAttribute(string Name, long Value) : OnnxAttribute(Name);

/// <summary>A FLOAT attribute value.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Value">The 32-bit float.</param>
public sealed record FloatAttribute(string Name, float Value) : OnnxAttribute(Name);

/// <summary>A STRING attribute value.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Value">The text, written as UTF-8 bytes.</param>
public sealed record StringAttribute(string Name, string Value) : OnnxAttribute(Name);

/// <summary>An INTS attribute value.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Values">The 64-bit integers (a private copy).</param>
public sealed record IntsAttribute(string Name, IReadOnlyList<long> Values) : OnnxAttribute(Name);

/// <summary>A FLOATS attribute value.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Values">The 32-bit floats (a private copy).</param>
public sealed record FloatsAttribute(string Name, IReadOnlyList<float> Values) : OnnxAttribute(Name);
