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
        Span<byte> pre = stackalloc byte[10];
        stream.ReadExactly(pre);
        if (!pre[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{sourceName}: magic: not a .npy file");
        }

        int headerLength;
        if (pre[6] == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
        }
        else
        {
            Span<byte> two = stackalloc byte[2];
            stream.ReadExactly(two);
            headerLength = (int)(BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(two) << 16));
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string header = Encoding.ASCII.GetString(headerBytes);
        if (!header.Contains("'descr': '<f4'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{sourceName}: descr: only little-endian float32 ('<f4') is supported");
        }

        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{sourceName}: fortran_order: only C order is supported");
        }

        int open = header.IndexOf("'shape': (", StringComparison.Ordinal);
        int close = open < 0 ? -1 : header.IndexOf(')', open);
        if (open < 0 || close < 0)
        {
            throw new InvalidDataException($"{sourceName}: shape: missing");
        }

        string[] dims = header[(open + 10)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2 || !int.TryParse(dims[0], CultureInfo.InvariantCulture, out int rows) || !int.TryParse(dims[1], CultureInfo.InvariantCulture, out int cols))
        {
            throw new InvalidDataException($"{sourceName}: shape: expected 2 dimensions, found '{header[(open + 10)..close]}'");
        }

        var values = new float[rows * cols];
        var bytes = new byte[values.Length * 4];
        stream.ReadExactly(bytes);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return (values, rows, cols);
    }
}
