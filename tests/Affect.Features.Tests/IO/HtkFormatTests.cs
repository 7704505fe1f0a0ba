using System.Buffers.Binary;
using Affect.Features.IO;

namespace Affect.Features.Tests.IO;

public sealed class HtkFormatTests
{
    private static byte[] Htk(int frames, short bytesPerFrame, float[] values)
    {
        var b = new byte[12 + (4 * values.Length)];
        BinaryPrimitives.WriteInt32BigEndian(b, frames);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), 100000);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(8), bytesPerFrame);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(10), 9);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(12 + (4 * i)), values[i]);
        }

        return b;
    }

    [Fact]
    public void ReadsFramesRowMajor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"htk-{Guid.NewGuid():N}.htk");
        File.WriteAllBytes(path, Htk(2, 12, [1f, -2.5f, 3f, 4f, float.NaN, 6e-8f]));
        try
        {
            var (values, rows, cols) = HtkFormat.Read(path);
            Assert.Equal((2, 3), (rows, cols));
            Assert.Equal([1f, -2.5f, 3f, 4f, float.NaN, 6e-8f], values);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(2, 12, 5, "size: 32 bytes (header says 36)")]
    [InlineData(1, 6, 2, "header: frames 1, bytesPerFrame 6")]
    [InlineData(-1, 4, 0, "header: frames -1")]
    public void NamesTheFileAndFieldOfABadFile(int frames, short bytesPerFrame, int count, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"htk-{Guid.NewGuid():N}.htk");
        File.WriteAllBytes(path, Htk(frames, bytesPerFrame, new float[count]));
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => HtkFormat.Read(path));
            Assert.StartsWith($"{path}: {expected}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RejectsAFileShorterThanTheHeader()
    {
        string path = Path.Combine(Path.GetTempPath(), $"htk-{Guid.NewGuid():N}.htk");
        File.WriteAllBytes(path, new byte[7]);
        try
        {
            Assert.Contains("header: 7 bytes", Assert.Throws<InvalidDataException>(() => HtkFormat.Read(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
