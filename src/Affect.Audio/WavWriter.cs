using System.Buffers.Binary;

namespace Affect.Audio;

/// <summary>Writes RIFF/WAVE files with 16-bit PCM samples, the format of every corpus the pipeline produces.</summary>
public static class WavWriter
{
    /// <summary>Writes mono <paramref name="samples"/> in [-1, 1] as 16-bit PCM (rounded, clipped) to <paramref name="output"/>.</summary>
    /// <param name="output">The destination stream; written sequentially, not seeked.</param>
    /// <param name="samples">Mono samples; values outside [-1, 1] are clipped.</param>
    /// <param name="sampleRate">Samples per second, e.g. 16000.</param>
    public static void WritePcm16(Stream output, ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        long dataBytes = (long)samples.Length * 2;
        if (dataBytes > uint.MaxValue - 36)
        {
            throw new ArgumentException("Audio too long for a RIFF/WAVE file (over 4 GiB of samples).", nameof(samples));
        }

        Span<byte> header = stackalloc byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(36 + dataBytes));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)dataBytes);
        output.Write(header);

        var buffer = new byte[8192];
        int pos = 0;
        foreach (float s in samples)
        {
            float clipped = float.IsNaN(s) ? 0f : Math.Clamp(s, -1f, 1f);
            short v = (short)Math.Round(clipped * 32767f, MidpointRounding.ToEven);
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(pos), v);
            pos += 2;
            if (pos == buffer.Length)
            {
                output.Write(buffer, 0, pos);
                pos = 0;
            }
        }

        output.Write(buffer, 0, pos);
    }

    /// <summary>Returns a complete 16-bit PCM WAV file as bytes.</summary>
    public static byte[] ToPcm16Bytes(ReadOnlySpan<float> samples, int sampleRate)
    {
        using var ms = new MemoryStream(44 + (samples.Length * 2));
        WritePcm16(ms, samples, sampleRate);
        return ms.ToArray();
    }
}
