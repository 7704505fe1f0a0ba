using System.Buffers.Binary;
using Google.Protobuf;

namespace Affect.Sequence.Onnx;

/// <summary>
/// Builds a single-graph ONNX model (float32 inputs/outputs, float/int64 initializers, operator nodes) and serialises it
/// with protobuf's wire format following onnx.proto: <c>ModelProto</c> { ir_version = 1, producer_name = 2, graph = 7,
/// opset_import = 8 } with IR version 8 and the default-domain opset 17.
/// </summary>
/// <remarks>Nodes must be added in topological order (every input produced before it is used), as ONNX requires.</remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX IR version written (8: ONNX 1.10+, supported by every current runtime).</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain ("ai.onnx") operator set version written.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The producer name written into <c>ModelProto.producer_name</c>.</summary>
    public const string ProducerName = "Affect";

    private const int FloatType = 1;   // TensorProto.DataType.FLOAT
    private const int Int64Type = 7;   // TensorProto.DataType.INT64

    private readonly List<ValueInfo> inputs = [];
    private readonly List<ValueInfo> outputs = [];
    private readonly List<Initializer> initializers = [];
    private readonly List<Node> nodes = [];
    private readonly List<KeyValuePair<string, string>> metadata = [];

    /// <summary>Starts an empty graph called <paramref name="graphName"/> (<c>GraphProto.name</c>).</summary>
    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        GraphName = graphName;
    }

    /// <summary>The graph name, used in error messages and written to the model.</summary>
    public string GraphName { get; }

    /// <summary>Declares a float32 graph input with the given shape (fixed sizes or symbolic names).</summary>
    public OnnxGraphBuilder AddInput(string name, params OnnxDimension[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        inputs.Add(new ValueInfo(name, [.. shape]));
        return this;
    }

    /// <summary>Declares a float32 graph output with the given shape (fixed sizes or symbolic names).</summary>
    public OnnxGraphBuilder AddOutput(string name, params OnnxDimension[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        outputs.Add(new ValueInfo(name, [.. shape]));
        return this;
    }

    /// <summary>Adds a constant float32 tensor (weights), stored row-major as little-endian <c>raw_data</c>.</summary>
    /// <exception cref="ArgumentException">The value count is not the product of <paramref name="dims"/>.</exception>
    public OnnxGraphBuilder AddInitializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var raw = new byte[checked(values.Length * sizeof(float))];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        initializers.Add(new Initializer(name, CheckedDims(name, dims, values.Length), FloatType, raw));
        return this;
    }

    /// <summary>Adds a constant int64 tensor (e.g. a Reshape target shape), stored as little-endian <c>raw_data</c>.</summary>
    /// <exception cref="ArgumentException">The value count is not the product of <paramref name="dims"/>.</exception>
    public OnnxGraphBuilder AddInt64Initializer(string name, long[] dims, ReadOnlySpan<long> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var raw = new byte[checked(values.Length * sizeof(long))];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        initializers.Add(new Initializer(name, CheckedDims(name, dims, values.Length), Int64Type, raw));
        return this;
    }

    /// <summary>
    /// Adds a model metadata entry (<c>ModelProto.metadata_props</c>, field 14: <c>StringStringEntryProto</c> { key = 1, value = 2 }),
    /// readable by any runtime (ONNX Runtime: <c>ModelMetadata.CustomMetadataMap</c>), e.g. the context-window geometry.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public OnnxGraphBuilder AddMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        if (metadata.Any(m => m.Key == key))
        {
            throw new ArgumentException($"metadata key '{key}' is already set", nameof(key));
        }

        metadata.Add(new(key, value));
        return this;
    }

    /// <summary>
    /// Adds an operator node (default domain) reading <paramref name="nodeInputs"/> (an empty string marks an omitted
    /// optional input) and producing <paramref name="nodeOutputs"/>.
    /// </summary>
    public OnnxGraphBuilder AddNode(string opType, string[] nodeInputs, string[] nodeOutputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(nodeInputs);
        ArgumentNullException.ThrowIfNull(nodeOutputs);
        ArgumentNullException.ThrowIfNull(attributes);
        nodes.Add(new Node($"{opType}_{nodes.Count}", opType, [.. nodeInputs], [.. nodeOutputs], [.. attributes]));
        return this;
    }

    /// <summary>
    /// Checks the graph (unique value names, every node input defined earlier, every output produced, attributes well
    /// formed) and returns the serialised <c>ModelProto</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The graph is invalid; the message lists every problem.</exception>
    public byte[] ToModelBytes()
    {
        Validate();
        return Serialize(output =>
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(IrVersion);
            WriteString(output, 2, ProducerName);
            WriteMessage(output, 7, WriteGraph);
            WriteMessage(output, 8, opset =>
            {
                WriteString(opset, 1, string.Empty); // default domain "ai.onnx"
                opset.WriteTag(2, WireFormat.WireType.Varint);
                opset.WriteInt64(OpsetVersion);
            });
            foreach (var (key, value) in metadata)
            {
                WriteMessage(output, 14, entry =>
                {
                    WriteString(entry, 1, key);
                    WriteString(entry, 2, value);
                });
            }
        });
    }

    private static long[] CheckedDims(string name, long[] dims, int count)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long product = 1;
        foreach (var dim in dims)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"initializer '{name}': dims [{string.Join(", ", dims)}] has a negative size", nameof(dims));
            }

            product = checked(product * dim);
        }

        if (product != count)
        {
            throw new ArgumentException(
                $"initializer '{name}': dims [{string.Join(", ", dims)}] hold {product} values but {count} were given", nameof(dims));
        }

        return [.. dims];
    }

    private void Validate()
    {
        var errors = new List<string>();
        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Define(string name, string what)
        {
            if (!defined.Add(name))
            {
                errors.Add($"{what}: value '{name}' is already defined (ONNX values are assigned once)");
            }
        }

        foreach (var input in inputs)
        {
            Define(input.Name, $"input '{input.Name}'");
        }

        foreach (var initializer in initializers)
        {
            Define(initializer.Name, $"initializer '{initializer.Name}'");
        }

        foreach (var node in nodes)
        {
            foreach (var input in node.Inputs.Where(i => i.Length > 0 && !defined.Contains(i)))
            {
                errors.Add($"node {node.Name}: input '{input}' is not a graph input, initializer or earlier node output");
            }

            if (node.Outputs.Count == 0 || node.Outputs.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"node {node.Name}: outputs [{string.Join(", ", node.Outputs)}] must be non-empty names");
            }

            foreach (var output in node.Outputs.Where(o => !string.IsNullOrWhiteSpace(o)))
            {
                Define(output, $"node {node.Name}");
            }

            foreach (var duplicate in node.Attributes.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            {
                errors.Add($"node {node.Name}: attribute '{duplicate.Key}' is given {duplicate.Count()} times");
            }

            foreach (var attribute in node.Attributes.Where(a => string.IsNullOrWhiteSpace(a.Name)))
            {
                errors.Add($"node {node.Name}: an attribute ({attribute.GetType().Name}) has no name");
            }
        }

        if (outputs.Count == 0)
        {
            errors.Add("the graph has no outputs");
        }

        foreach (var output in outputs.Where(o => !defined.Contains(o.Name)))
        {
            errors.Add($"output '{output.Name}' is not produced by any node, input or initializer");
        }

        foreach (var output in outputs.GroupBy(o => o.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"output '{output.Key}' is declared {output.Count()} times");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"ONNX graph '{GraphName}': {string.Join("; ", errors)}");
        }
    }

    // GraphProto { node = 1, name = 2, initializer = 5, input = 11, output = 12 }
    private void WriteGraph(CodedOutputStream graph)
    {
        foreach (var node in nodes)
        {
            WriteMessage(graph, 1, n => WriteNode(n, node));
        }

        WriteString(graph, 2, GraphName);
        foreach (var initializer in initializers)
        {
            WriteMessage(graph, 5, t => WriteInitializer(t, initializer));
        }

        foreach (var input in inputs)
        {
            WriteMessage(graph, 11, v => WriteValueInfo(v, input));
        }

        foreach (var output in outputs)
        {
            WriteMessage(graph, 12, v => WriteValueInfo(v, output));
        }
    }

    // NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }
    private static void WriteNode(CodedOutputStream output, Node node)
    {
        foreach (var input in node.Inputs)
        {
            WriteString(output, 1, input);
        }

        foreach (var name in node.Outputs)
        {
            WriteString(output, 2, name);
        }

        WriteString(output, 3, node.Name);
        WriteString(output, 4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            WriteMessage(output, 5, a => WriteAttribute(a, attribute));
        }
    }

    // AttributeProto { name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8, type = 20 }
    // AttributeType { FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7 }
    // Repeated scalars are written unpacked: onnx.proto is proto2 and declares them without [packed = true].
    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, 1, attribute.Name);
        int type;
        switch (attribute)
        {
            case FloatAttribute f:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(f.Value);
                type = 1;
                break;
            case IntAttribute i:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(i.Value);
                type = 2;
                break;
            case StringAttribute s:
                output.WriteTag(4, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(s.Value));
                type = 3;
                break;
            case FloatsAttribute fs:
                foreach (var value in fs.Values)
                {
                    output.WriteTag(7, WireFormat.WireType.Fixed32);
                    output.WriteFloat(value);
                }

                type = 6;
                break;
            case IntsAttribute ints:
                foreach (var value in ints.Values)
                {
                    output.WriteTag(8, WireFormat.WireType.Varint);
                    output.WriteInt64(value);
                }

                type = 7;
                break;
            default:
                throw new NotSupportedException($"attribute '{attribute.Name}': {attribute.GetType().Name} is not supported");
        }

        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteInt32(type);
    }

    // TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 }
    private static void WriteInitializer(CodedOutputStream output, Initializer initializer)
    {
        foreach (var dim in initializer.Dims)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(dim);
        }

        output.WriteTag(2, WireFormat.WireType.Varint);
        output.WriteInt32(initializer.DataType);
        WriteString(output, 8, initializer.Name);
        output.WriteTag(9, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(initializer.RawData));
    }

    // ValueInfoProto { name = 1, type = 2 }; TypeProto { tensor_type = 1 }; TypeProto.Tensor { elem_type = 1, shape = 2 };
    // TensorShapeProto { dim = 1 }; Dimension { dim_value = 1, dim_param = 2 }
    private static void WriteValueInfo(CodedOutputStream output, ValueInfo value)
    {
        WriteString(output, 1, value.Name);
        WriteMessage(output, 2, type => WriteMessage(type, 1, tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt32(FloatType);
            WriteMessage(tensor, 2, shape =>
            {
                foreach (var dim in value.Shape)
                {
                    WriteMessage(shape, 1, d =>
                    {
                        if (dim.Parameter is { } parameter)
                        {
                            WriteString(d, 2, parameter);
                        }
                        else
                        {
                            d.WriteTag(1, WireFormat.WireType.Varint);
                            d.WriteInt64(dim.Value ?? 0);
                        }
                    });
                }
            });
        }));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    /// <summary>Writes a length-delimited sub-message: the body is serialised first so its length is known.</summary>
    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(Serialize(body)));
    }

    private static byte[] Serialize(Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            body(output);
            output.Flush();
        }

        return buffer.ToArray();
    }

    private sealed record ValueInfo(string Name, OnnxDimension[] Shape);

    private sealed record Initializer(string Name, long[] Dims, int DataType, byte[] RawData);

    private sealed record Node(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
        IReadOnlyList<OnnxAttribute> Attributes);
}
