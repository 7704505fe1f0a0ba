using System.Buffers.Binary;

namespace Affect.Features.IO;

/// <summary>HTK parameter files (big-endian: int32 frames, int32 period in 100 ns, int16 bytes per frame, int16 kind; float32 data).</summary>
public static class HtkFormat
{
    /// <summary>Reads an HTK float32 file as a row-major matrix.</summary>
    /// <param name="stream">Source.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <returns>Values, frame count and values per frame.</returns>
    /// <exception cref="InvalidDataException">Truncated or malformed file.</exception>
    public static (float[] Values, int Rows, int Cols) Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> head = stackalloc byte[12];
        try
        {
            stream.ReadExactly(head);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{sourceName}: header: shorter than 12 bytes");
        }

        int rows = BinaryPrimitives.ReadInt32BigEndian(head);
        int bytesPerFrame = BinaryPrimitives.ReadInt16BigEndian(head[8..]);
        if (rows < 0 || bytesPerFrame <= 0 || bytesPerFrame % 4 != 0)
        {
            throw new InvalidDataException($"{sourceName}: header: invalid frame count {rows} or bytes per frame {bytesPerFrame}");
        }

        int cols = bytesPerFrame / 4;
        var bytes = new byte[(long)rows * bytesPerFrame];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{sourceName}: data: truncated (expected {rows} frames of {bytesPerFrame} bytes)");
        }

        var values = new float[rows * cols];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(i * 4));
        }

        return (values, rows, cols);
    }
}
