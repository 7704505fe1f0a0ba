using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Affect.Audio;

namespace Affect.Learning;

/// <summary>
/// A feature table as a NumPy matrix plus a column-name sidecar: <c>X.npy</c> (2-D, C order, little-endian float64
/// <c>&lt;f8</c> or float32 <c>&lt;f4</c>, rows × features) and <c>X.columns.json</c>
/// (<c>{"features": [...], "name": [...], "class": [...]}</c>: feature names, utterance names, and the class of each
/// row under the class column's name, <c>null</c> or <c>"?"</c> when unknown). The binary matrix loads without any
/// number parsing, so it is the fastest way to hand large tables to <c>affect learn</c>.
/// </summary>
public static class NpyTable
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The sidecar of <paramref name="npyPath"/>: the same path with <c>.columns.json</c> instead of <c>.npy</c>.</summary>
    public static string SidecarPath(string npyPath)
    {
        ArgumentNullException.ThrowIfNull(npyPath);
        return Path.ChangeExtension(npyPath, ".columns.json");
    }

    /// <summary>Reads <paramref name="path"/> and its sidecar; errors name the file and the field.</summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <param name="classColumn">Key of the class array in the sidecar (case-insensitive).</param>
    public static FeatureTable Read(string path, string classColumn = FeatureTable.DefaultClassColumn)
    {
        ArgumentNullException.ThrowIfNull(path);
        string sidecar = SidecarPath(path);
        if (!File.Exists(sidecar))
        {
            throw new InvalidDataException($"{path}: columns: no sidecar {Path.GetFileName(sidecar)} beside it (feature names, row names and classes)");
        }

        var (values, rows, cols) = ReadMatrixFile(path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(sidecar)) as JsonObject ?? throw new InvalidDataException($"{sidecar}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: {e.Message}");
        }

        var features = Strings(json, "features", sidecar, cols, nullable: false);
        var names = Strings(json, "name", sidecar, rows, nullable: false);
        string classKey = json.Select(p => p.Key).FirstOrDefault(k => k.Equals(classColumn, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException($"{sidecar}: {classColumn}: no array named '{classColumn}', so the table has no class labels; name the label array with --class-column NAME");
        var labels = Strings(json, classKey, sidecar, rows, nullable: true).Select(l => l is null || l.Length == 0 || l == "?" ? null : l).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new InvalidDataException($"{path}: row {(i / cols) + 1}: column '{features[i % cols]}': {values[i]} is not a finite number");
            }
        }

        return new FeatureTable(path, names!, features!, new RealMatrix(rows, cols, values), labels);
    }

    /// <summary>Writes <paramref name="table"/> as float64 <c>.npy</c> (values exact) and its sidecar, each atomically.</summary>
    public static void Write(FeatureTable table, string path)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(path);
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({table.Features.Rows}, {table.Features.Cols}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var bytes = new byte[10 + header.Length + (table.Features.Data.Length * 8)];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + header.Length);
        for (int i = 0; i < table.Features.Data.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data[(i * 8)..], table.Features.Data[i]);
        }

        var json = new JsonObject
        {
            ["features"] = new JsonArray([.. table.FeatureNames.Select(f => (JsonNode?)f)]),
            ["name"] = new JsonArray([.. table.Names.Select(f => (JsonNode?)f)]),
            [FeatureTable.DefaultClassColumn] = new JsonArray([.. table.Labels.Select(f => (JsonNode?)f)]),
        };
        WriteAtomically(path, bytes);
        WriteAtomically(SidecarPath(path), Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>
    /// Reads a 2-D C-order <c>&lt;f8</c> or <c>&lt;f4</c> .npy (version 1–3) file into doubles: float64 data is read
    /// straight into the matrix (no copy of the file in memory; a ComParE train table is 100 MB).
    /// </summary>
    internal static (double[] Values, int Rows, int Cols) ReadMatrixFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = file.Length;
        var prefix = new byte[(int)Math.Min(length, 12)];
        file.ReadExactly(prefix);
        int headerEnd = NpyFormat.HeaderEnd(prefix);
        var head = new byte[(int)Math.Min(length, Math.Max(headerEnd, prefix.Length))];
        prefix.CopyTo(head, 0);
        file.ReadExactly(head.AsSpan(prefix.Length));
        var (dataStart, width, rows, cols) = Header(head, length, path);
        if (width != 8 || !BitConverter.IsLittleEndian)
        {
            file.Position = 0;
            var bytes = new byte[length];
            file.ReadExactly(bytes);
            return ReadMatrix(bytes, path);
        }

        var values = MatrixMemory.Uninitialized(rows * cols);
        file.Position = dataStart;
        file.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return (values, rows, cols);
    }

    /// <summary>Parses a 2-D C-order <c>&lt;f8</c> or <c>&lt;f4</c> .npy (version 1–3) into doubles.</summary>
    internal static (double[] Values, int Rows, int Cols) ReadMatrix(ReadOnlySpan<byte> bytes, string source)
    {
        var (dataStart, width, rows, cols) = Header(bytes, bytes.Length, source);
        var values = new double[rows * cols];
        var data = bytes[dataStart..];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = width == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]) : BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
        }

        return (values, rows, cols);
    }

    // The header of a .npy of `length` bytes whose first bytes (at least through the header) are `bytes`, parsed by
    // NpyFormat (the one .npy header parser): where the data start, the value width and the shape; then the data length.
    private static (int DataStart, int Width, int Rows, int Cols) Header(ReadOnlySpan<byte> bytes, long length, string source)
    {
        NpyHeader h = NpyFormat.ParseHeader(bytes, source);
        long expected = (long)h.Rows * h.Cols * h.ElementSize;
        if (length - h.DataStart != expected)
        {
            throw new InvalidDataException($"{source}: data: {length - h.DataStart} bytes, the shape ({h.Rows}, {h.Cols}) needs {expected}");
        }

        return (h.DataStart, h.ElementSize, h.Rows, h.Cols);
    }

    private static string?[] Strings(JsonObject json, string key, string source, int count, bool nullable)
    {
        if (json[key] is not JsonArray array)
        {
            throw new InvalidDataException($"{source}: {key}: missing (expected an array of {count} strings)");
        }

        if (array.Count != count)
        {
            throw new InvalidDataException($"{source}: {key}: {array.Count} entries, the matrix has {count}");
        }

        return [.. array.Select((n, i) => n is null && nullable ? null
            : n is JsonValue v && v.TryGetValue(out string? s) ? s
            : throw new InvalidDataException($"{source}: {key}[{i}]: not a string"))];
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
