using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Affect.Learning;

/// <summary>
/// NumPy <c>.npy</c> (format 1.0) reading and writing of 2-D little-endian C-order matrices, float32
/// (<c>&lt;f4</c>, the artifact format) or float64 (<c>&lt;f8</c>), so Python users can open the artifacts.
/// </summary>
public static class NpyMatrix
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="m"/> as a float32 .npy.</summary>
    public static byte[] WriteFloat32(RealMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({m.Rows}, {m.Cols}), }}";
        int headerLen = Magic.Length + 4 + dict.Length + 1;
        int pad = (64 - (headerLen % 64)) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.WriteByte(1);
        ms.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        ms.Write(len);
        ms.Write(Encoding.ASCII.GetBytes(header));
        Span<byte> f = stackalloc byte[4];
        foreach (double v in m.Data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f, (float)v);
            ms.Write(f);
        }

        return ms.ToArray();
    }

    /// <summary>Reads a 2-D (or 1-D, as one column) float32/float64 C-order .npy; <paramref name="source"/> names it in errors.</summary>
    public static RealMatrix Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{source}: not a .npy file (bad magic)");
        }

        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1)
        {
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
            start = 10;
        }
        else
        {
            headerLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            start = 12;
        }

        string header = Encoding.ASCII.GetString(bytes.Slice(start, headerLen));
        bool f4 = header.Contains("'<f4'", StringComparison.Ordinal);
        bool f8 = header.Contains("'<f8'", StringComparison.Ordinal);
        if (!f4 && !f8)
        {
            throw new InvalidDataException($"{source}: descr: only little-endian float32 ('<f4') and float64 ('<f8') are supported ({header.Trim()})");
        }

        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: fortran_order: Fortran-order arrays are not supported");
        }

        int open = header.IndexOf("'shape': (", StringComparison.Ordinal);
        int close = open < 0 ? -1 : header.IndexOf(')', open);
        if (open < 0 || close < 0)
        {
            throw new InvalidDataException($"{source}: shape: missing");
        }

        var dims = header[(open + 10)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (dims.Length is < 1 or > 2)
        {
            throw new InvalidDataException($"{source}: shape: {dims.Length} dimensions, expected 1 or 2");
        }

        int rows = dims[0];
        int cols = dims.Length == 2 ? dims[1] : 1;
        int size = f4 ? 4 : 8;
        var body = bytes[(start + headerLen)..];
        if (body.Length != (long)rows * cols * size)
        {
            throw new InvalidDataException($"{source}: data: {body.Length} bytes, shape ({rows}, {cols}) needs {(long)rows * cols * size}");
        }

        var m = new RealMatrix(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = f4 ? BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(body[(i * 8)..]);
        }

        return m;
    }
}
