using System.Buffers.Binary;

namespace Affect.Features.Functionals;

/// <summary>
/// Reader for HTK parameter files as openSMILE's cHtkSink writes them: big-endian header (int32 frames, int32 period
/// in 100 ns, int16 bytes per frame, int16 parameter kind) followed by frames × width float32 values.
/// </summary>
public static class HtkFeatureFile
{
    /// <summary>Reads an HTK file into a row-major float matrix.</summary>
    /// <param name="path">File path (named in errors).</param>
    public static (float[] Data, int Frames, int Width) Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b.Length < 12)
        {
            throw new InvalidDataException($"{path}: header: {b.Length} bytes (expected at least 12)");
        }

        int frames = BinaryPrimitives.ReadInt32BigEndian(b);
        int bytesPerFrame = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(8));
        if (frames < 0 || bytesPerFrame <= 0 || bytesPerFrame % 4 != 0)
        {
            throw new InvalidDataException($"{path}: header: frames {frames}, bytesPerFrame {bytesPerFrame} (expected ≥ 0 and a positive multiple of 4)");
        }

        long expected = 12L + ((long)frames * bytesPerFrame);
        if (b.Length != expected)
        {
            throw new InvalidDataException($"{path}: size: {b.Length} bytes (header says {expected})");
        }

        int width = bytesPerFrame / 4;
        var data = new float[frames * width];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(12 + (4 * i)));
        }

        return (data, frames, width);
    }
}
