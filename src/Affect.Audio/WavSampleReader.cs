using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Affect.Audio;

/// <summary>
/// Streams the samples of a WAV file as mono float blocks (channel mean, x[n] = (1/C) Σ_c x_c[n]) in bounded memory,
/// so long recordings never need to be loaded whole. Integer PCM is scaled to [-1, 1) by 2^(bits-1)
/// (8-bit is unsigned with offset 128); float samples are clipped to [-1, 1].
/// </summary>
public sealed class WavSampleReader : IDisposable
{
    private const int BufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly string _sourceName;
    private readonly bool _leaveOpen;
    private byte[]? _buffer;
    private long _framesRead;

    /// <summary>Creates a reader over <paramref name="stream"/>, which must be positioned at the first sample byte (as <see cref="WavReader.ReadHeader"/> leaves it).</summary>
    /// <param name="stream">The WAV stream positioned at the start of the data chunk's samples.</param>
    /// <param name="header">The header returned by <see cref="WavReader.ReadHeader"/> for this stream.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    public WavSampleReader(Stream stream, WavHeader header, string sourceName, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(sourceName);
        _stream = stream;
        Header = header;
        _sourceName = sourceName;
        _leaveOpen = leaveOpen;
        int frames = Math.Max(1, BufferBytes / header.BlockAlign);
        _buffer = ArrayPool<byte>.Shared.Rent(frames * header.BlockAlign);
    }

    /// <summary>Reads the header of <paramref name="stream"/> and returns a reader positioned at its first sample.</summary>
    /// <param name="stream">The WAV file positioned at its first byte.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <exception cref="WavFormatException">The header is invalid.</exception>
    public static WavSampleReader Open(Stream stream, string sourceName, bool leaveOpen = false)
    {
        WavHeader header = WavReader.ReadHeader(stream, sourceName);
        return new WavSampleReader(stream, header, sourceName, leaveOpen);
    }

    /// <summary>The validated header of the file being read.</summary>
    public WavHeader Header { get; }

    /// <summary>Mono frames not yet returned by <see cref="Read"/>.</summary>
    public long FramesRemaining => Header.FrameCount - _framesRead;

    /// <summary>
    /// Decodes up to <c>destination.Length</c> mono frames into <paramref name="destination"/>; returns how many were
    /// written, 0 once every frame of the data chunk has been read.
    /// </summary>
    /// <exception cref="WavFormatException">The file ends before the data chunk does, or a float sample is NaN or infinite.</exception>
    public int Read(Span<float> destination)
    {
        byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(WavSampleReader));
        int blockAlign = Header.BlockAlign;
        int framesPerBuffer = buffer.Length / blockAlign;
        int total = 0;
        while (total < destination.Length && FramesRemaining > 0)
        {
            int frames = (int)Math.Min(Math.Min(destination.Length - total, framesPerBuffer), FramesRemaining);
            int bytes = frames * blockAlign;
            int got = StreamBytes.ReadFully(_stream, buffer.AsSpan(0, bytes));
            if (got < bytes)
            {
                long actual = (_framesRead * blockAlign) + got;
                throw new WavFormatException(_sourceName, "data.size", $"the file ends after {actual} of the {Header.DataLength} sample bytes the data chunk declares (file truncated; expected {Header.DataLength} bytes, got {actual})");
            }

            Decode(buffer.AsSpan(0, bytes), destination.Slice(total, frames));
            _framesRead += frames;
            total += frames;
        }

        return total;
    }

    /// <summary>Returns the pooled buffer and closes the stream unless the reader was created with leaveOpen.</summary>
    public void Dispose()
    {
        byte[]? buffer = _buffer;
        if (buffer is null)
        {
            return;
        }

        _buffer = null;
        ArrayPool<byte>.Shared.Return(buffer);
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes, Span<float> mono)
    {
        int channels = Header.Channels;
        int bits = Header.BitsPerSample;
        int width = bits / 8;
        if (Header.FormatTag == WavHeader.FloatFormat)
        {
            DecodeFloat(bytes, mono, channels, bits == 64);
            return;
        }

        if (bits == 16 && channels == 1 && BitConverter.IsLittleEndian)
        {
            DecodeMono16(MemoryMarshal.Cast<byte, short>(bytes[..(2 * mono.Length)]), mono);
            return;
        }

        // 8-bit PCM is unsigned with 128 as zero; the wider PCM formats are signed two's complement.
        double scale = 1.0 / ((double)(1L << (bits - 1)) * channels);
        int pos = 0;
        for (int f = 0; f < mono.Length; f++)
        {
            long sum = 0;
            for (int c = 0; c < channels; c++, pos += width)
            {
                sum += bits switch
                {
                    8 => bytes[pos] - 128,
                    16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[pos..]),
                    24 => bytes[pos] | (bytes[pos + 1] << 8) | ((sbyte)bytes[pos + 2] << 16),
                    _ => BinaryPrimitives.ReadInt32LittleEndian(bytes[pos..]),
                };
            }

            mono[f] = (float)(sum * scale);
        }
    }

    // Mono 16-bit PCM, the common case: s / 2¹⁵ is exact in float, so the vector path gives the general loop's bits.
    private static void DecodeMono16(ReadOnlySpan<short> pcm, Span<float> mono)
    {
        const float Scale = 1f / 32768f;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(Scale);
            for (; i <= pcm.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(pcm[i..]), out Vector<int> low, out Vector<int> high);
                (Vector.ConvertToSingle(low) * scale).CopyTo(mono[i..]);
                (Vector.ConvertToSingle(high) * scale).CopyTo(mono[(i + Vector<int>.Count)..]);
            }
        }

        for (; i < pcm.Length; i++)
        {
            mono[i] = pcm[i] * Scale;
        }
    }

    private void DecodeFloat(ReadOnlySpan<byte> bytes, Span<float> mono, int channels, bool wide)
    {
        int width = wide ? 8 : 4;
        int pos = 0;
        for (int f = 0; f < mono.Length; f++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++, pos += width)
            {
                double v = wide ? BinaryPrimitives.ReadDoubleLittleEndian(bytes[pos..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[pos..]);
                if (!double.IsFinite(v))
                {
                    throw new WavFormatException(_sourceName, "data", $"sample {c} of frame {_framesRead + f} is {v} (expected finite IEEE float values)");
                }

                sum += v;
            }

            mono[f] = (float)Math.Clamp(sum / channels, -1.0, 1.0);
        }
    }
}
