using System.Buffers.Binary;

namespace Affect.Features.IO;

/// <summary>
/// HTK parameter files as openSMILE's cHtkSink writes them: big-endian header (int32 frames, int32 period in 100 ns,
/// int16 bytes per frame, int16 parameter kind) followed by frames × width float32 values.
/// </summary>
public static class HtkFormat
{
    /// <summary>Reads an HTK float32 file as a row-major matrix.</summary>
    /// <param name="path">File path (named in errors).</param>
    /// <returns>Values, frame count and values per frame.</returns>
    /// <exception cref="InvalidDataException">A short or malformed header, or a size that disagrees with the header.</exception>
    public static (float[] Values, int Rows, int Cols) Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b.Length < 12)
        {
            throw new InvalidDataException($"{path}: header: {b.Length} bytes (expected at least 12)");
        }

        int rows = BinaryPrimitives.ReadInt32BigEndian(b);
        int bytesPerFrame = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(8));
        if (rows < 0 || bytesPerFrame <= 0 || bytesPerFrame % 4 != 0)
        {
            throw new InvalidDataException($"{path}: header: frames {rows}, bytesPerFrame {bytesPerFrame} (expected ≥ 0 and a positive multiple of 4)");
        }

        long expected = 12L + ((long)rows * bytesPerFrame);
        if (b.Length != expected)
        {
            throw new InvalidDataException($"{path}: size: {b.Length} bytes (header says {expected})");
        }

        int cols = bytesPerFrame / 4;
        var values = new float[rows * cols];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(12 + (4 * i)));
        }

        return (values, rows, cols);
    }
}
