using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Affect.Audio;

/// <summary>
/// NumPy <c>.npy</c> version 1.0 for 2-D float32 matrices: magic <c>\x93NUMPY</c>, header dict
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (rows, cols), }</c> padded to a multiple of 64 bytes,
/// then little-endian C-order data: the feature artifact format of every stage. It sits in the bottom project so that
/// the learners read and write it without depending on the feature extractors.
/// </summary>
public static class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a rows × cols float32 matrix.</summary>
    /// <param name="stream">Destination (left open).</param>
    /// <param name="values">Row-major values, rows × cols.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    public static void Write(Stream stream, ReadOnlySpan<float> values, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (values.Length != (long)rows * cols)
        {
            throw new ArgumentException($"values has {values.Length} entries, expected {rows} × {cols}", nameof(values));
        }

        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int total = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', total - unpadded) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[4096];
        int i = 0;
        while (i < values.Length)
        {
            int n = Math.Min(buffer.Length / 4, values.Length - i);
            for (int k = 0; k < n; k++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(k * 4), values[i + k]);
            }

            stream.Write(buffer, 0, n * 4);
            i += n;
        }
    }

    /// <summary>Reads a 2-D float32 C-order <c>.npy</c> matrix.</summary>
    /// <param name="stream">Source.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <returns>The values and shape.</returns>
    /// <exception cref="InvalidDataException">Not a 2-D little-endian float32 C-order array.</exception>
    public static (float[] Values, int Rows, int Cols) Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = new byte[12];
        stream.ReadExactly(prefix.AsSpan(0, 10));
        int read = 10;
        if (prefix.AsSpan(0, 6).SequenceEqual(Magic) && prefix[6] != 1)
        {
            stream.ReadExactly(prefix.AsSpan(10, 2)); // versions 2-3: a 4-byte header length
            read = 12;
        }

        var head = new byte[Math.Max(read, HeaderEnd(prefix.AsSpan(0, read)))];
        prefix.AsSpan(0, read).CopyTo(head);
        stream.ReadExactly(head.AsSpan(read));
        NpyHeader h = ParseHeader(head, sourceName);
        if (h.ElementSize != 4)
        {
            throw new InvalidDataException($"{sourceName}: descr: only little-endian float32 ('<f4') is supported");
        }

        var values = new float[h.Rows * h.Cols];
        var bytes = new byte[values.Length * 4];
        stream.ReadExactly(bytes);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return (values, h.Rows, h.Cols);
    }

    /// <summary>
    /// Where the header of a <c>.npy</c> file ends (the data start), from its first 10 (version 1) or 12 (versions 2–3)
    /// bytes; the prefix length itself when they are not a <c>.npy</c> prefix (so <see cref="ParseHeader"/> names the problem).
    /// </summary>
    /// <param name="prefix">The file's first bytes.</param>
    public static int HeaderEnd(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            return prefix.Length;
        }

        return prefix[6] == 1 ? 10 + BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : prefix.Length >= 12 ? 12 + (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]), int.MaxValue - 12)
            : prefix.Length;
    }

    /// <summary>
    /// The one <c>.npy</c> header parser (versions 1–3): a 2-D C-order little-endian float32 (<c>'&lt;f4'</c>) or float64
    /// (<c>'&lt;f8'</c>) array; <paramref name="bytes"/> are the file's first bytes, at least through the header
    /// (<see cref="HeaderEnd"/>). Errors name the source and the field (magic, header, descr, fortran_order, shape).
    /// </summary>
    /// <param name="bytes">The file's first bytes.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="InvalidDataException">Not such an array.</exception>
    public static NpyHeader ParseHeader(ReadOnlySpan<byte> bytes, string sourceName)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{sourceName}: magic: not a .npy file");
        }

        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : bytes.Length >= 12 ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]), int.MaxValue - 12) : -1;
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        if (major is < 1 or > 3 || headerLength < 0 || dataStart > bytes.Length)
        {
            throw new InvalidDataException($"{sourceName}: header: unsupported .npy version {major} or truncated header");
        }

        string header = Encoding.Latin1.GetString(bytes[(major == 1 ? 10 : 12)..dataStart]);
        int width = header.Contains("'descr': '<f8'", StringComparison.Ordinal) ? 8 : header.Contains("'descr': '<f4'", StringComparison.Ordinal) ? 4
            : throw new InvalidDataException($"{sourceName}: descr: only little-endian float32 ('<f4') or float64 ('<f8') matrices are read");
        if (!header.Contains("'fortran_order': False", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{sourceName}: fortran_order: only C-order matrices are read");
        }

        int open = header.IndexOf("'shape': (", StringComparison.Ordinal);
        int close = open < 0 ? -1 : header.IndexOf(')', open);
        if (open < 0 || close < 0)
        {
            throw new InvalidDataException($"{sourceName}: shape: missing");
        }

        string[] dims = header[(open + 10)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2 || !int.TryParse(dims[0], CultureInfo.InvariantCulture, out int rows) || !int.TryParse(dims[1], CultureInfo.InvariantCulture, out int cols)
            || rows < 0 || cols <= 0 || (long)rows * cols > int.MaxValue)
        {
            throw new InvalidDataException($"{sourceName}: shape: expected a 2-D matrix (rows, columns), found '{header[(open + 10)..close]}'");
        }

        return new NpyHeader(dataStart, width, rows, cols);
    }
}

/// <summary>A parsed <c>.npy</c> header (<see cref="NpyFormat.ParseHeader"/>).</summary>
/// <param name="DataStart">Byte offset of the data.</param>
/// <param name="ElementSize">Bytes per value: 4 (float32) or 8 (float64).</param>
/// <param name="Rows">First dimension.</param>
/// <param name="Cols">Second dimension.</param>
public readonly record struct NpyHeader(int DataStart, int ElementSize, int Rows, int Cols);
