using System.Buffers.Binary;
using System.Text;

namespace Affect.Audio.Tests;

/// <summary>Test-side WAV writer: every header field can be set (or set wrong) independently of the data.</summary>
internal sealed record TestWav
{
    public int FormatTag { get; init; } = 1;
    public int Channels { get; init; } = 1;
    public long SampleRate { get; init; } = 16000;
    public int Bits { get; init; } = 16;
    public int? BlockAlign { get; init; }
    public long? ByteRate { get; init; }
    public bool Extensible { get; init; }
    public int ValidBits { get; init; }
    public int? FmtSize { get; init; }
    public byte[] Data { get; init; } = [];
    public long? DataSize { get; init; }
    public bool IncludeFmt { get; init; } = true;
    public bool IncludeData { get; init; } = true;
    public bool DataBeforeFmt { get; init; }
    public string RiffId { get; init; } = "RIFF";
    public string WaveId { get; init; } = "WAVE";
    public IReadOnlyList<(string Id, byte[] Payload)> ChunksBeforeData { get; init; } = [];
    public IReadOnlyList<(string Id, byte[] Payload)> ChunksAfterData { get; init; } = [];

    public static readonly byte[] GuidSuffix = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public byte[] ToBytes()
    {
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes(WaveId));
        byte[] fmt = BuildFmt();
        foreach (var (id, payload) in ChunksBeforeData)
        {
            WriteChunk(body, id, payload, payload.Length);
        }

        if (DataBeforeFmt)
        {
            WriteData(body);
            if (IncludeFmt)
            {
                WriteChunk(body, "fmt ", fmt, FmtSize ?? fmt.Length);
            }
        }
        else
        {
            if (IncludeFmt)
            {
                WriteChunk(body, "fmt ", fmt, FmtSize ?? fmt.Length);
            }

            WriteData(body);
        }

        foreach (var (id, payload) in ChunksAfterData)
        {
            WriteChunk(body, id, payload, payload.Length);
        }

        var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes(RiffId));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)body.Length);
        file.Write(size);
        body.Position = 0;
        body.CopyTo(file);
        return file.ToArray();
    }

    private void WriteData(MemoryStream body)
    {
        if (IncludeData)
        {
            WriteChunk(body, "data", Data, DataSize ?? Data.Length);
        }
    }

    private byte[] BuildFmt()
    {
        int blockAlign = BlockAlign ?? (Channels * Bits / 8);
        long byteRate = ByteRate ?? (SampleRate * blockAlign);
        var fmt = new byte[Extensible ? 40 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)(Extensible ? 0xFFFE : FormatTag));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)byteRate);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)Bits);
        if (Extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)(ValidBits == 0 ? Bits : ValidBits));
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 0x3); // FL | FR channel mask
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), (ushort)FormatTag);
            GuidSuffix.CopyTo(fmt.AsSpan(26));
        }

        return fmt;
    }

    private static void WriteChunk(MemoryStream body, string id, byte[] payload, long declaredSize)
    {
        body.Write(Encoding.ASCII.GetBytes(id));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)declaredSize);
        body.Write(size);
        body.Write(payload);
        if ((payload.Length & 1) == 1)
        {
            body.WriteByte(0);
        }
    }

    /// <summary>Encodes interleaved integer sample values (8-bit given unsigned) at the given bit depth.</summary>
    public static byte[] Int(int bits, params long[] values)
    {
        int width = bits / 8;
        var bytes = new byte[values.Length * width];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            for (int b = 0; b < width; b++)
            {
                bytes[(i * width) + b] = (byte)(v >> (8 * b));
            }
        }

        return bytes;
    }

    public static byte[] Float32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Float64(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static float[] Sine(double frequency, int sampleRate, int count, double amplitude = 1.0)
    {
        var s = new float[count];
        for (int i = 0; i < count; i++)
        {
            s[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return s;
    }
}

/// <summary>A read-only stream that cannot seek and returns short reads, like a network or pipe stream.</summary>
internal sealed class ForwardOnlyStream(byte[] data, int maxChunk = 7) : Stream
{
    private int _pos;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
