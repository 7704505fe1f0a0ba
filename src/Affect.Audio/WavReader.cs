using System.Buffers.Binary;

namespace Affect.Audio;

/// <summary>
/// Reads RIFF/WAVE files: integer PCM (8-bit unsigned, 16/24/32-bit signed), IEEE float (32/64-bit) and
/// WAVE_FORMAT_EXTENSIBLE wrapping either, with any channel count and sample rate. Headers are validated
/// field by field; a file that cannot be decoded faithfully raises <see cref="WavFormatException"/>.
/// </summary>
public static class WavReader
{
    /// <summary>Lowest accepted sample rate in Hz; lower rates indicate a corrupt header.</summary>
    public const int MinSampleRate = 1000;

    /// <summary>Highest accepted sample rate in Hz (768 kHz, the highest rate of common converters).</summary>
    public const int MaxSampleRate = 768_000;

    private const string SoxHint = "convert to PCM, e.g. `sox in.wav -e signed -b 16 out.wav`";

    /// <summary>
    /// Reads and validates the chunks up to the start of the sample data, leaving <paramref name="stream"/> positioned
    /// at the first sample byte. Unknown chunks (LIST, fact, ...) are skipped, honouring RIFF word alignment.
    /// </summary>
    /// <param name="stream">The WAV file, positioned at its first byte. Seekable streams also get a truncation check.</param>
    /// <param name="sourceName">Name used in error messages (usually the file name).</param>
    /// <exception cref="WavFormatException">The header is missing, malformed, inconsistent or describes an unsupported format.</exception>
    public static WavHeader ReadHeader(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        long start = stream.CanSeek ? stream.Position : 0;
        long fileLength = stream.CanSeek ? stream.Length - start : -1;

        Span<byte> riff = stackalloc byte[12];
        int got = StreamBytes.ReadFully(stream, riff);
        if (got == 0)
        {
            throw new WavFormatException(sourceName, "file", "the file is empty (expected a RIFF/WAVE file)");
        }

        if (got < riff.Length)
        {
            throw new WavFormatException(sourceName, "file", $"the file is only {got} bytes long (expected at least 44 bytes: RIFF header, fmt chunk and data chunk)");
        }

        if (!riff[..4].SequenceEqual("RIFF"u8))
        {
            string id = ChunkId(riff[..4]);
            string problem = id switch
            {
                "RIFX" => "big-endian RIFX files are not supported (expected 'RIFF')",
                "RF64" => "RF64 files (WAV over 4 GiB) are not supported (expected 'RIFF')",
                _ => $"'{id}' is not a RIFF file signature (expected 'RIFF'; is this a WAV file?)",
            };
            throw new WavFormatException(sourceName, "riff.id", problem);
        }

        if (!riff[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException(sourceName, "riff.format", $"'{ChunkId(riff[8..12])}' is not a WAVE form type (expected 'WAVE')");
        }

        long pos = 12;
        FmtFields? fmt = null;
        long deferredDataOffset = -1;
        long deferredDataLength = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            got = StreamBytes.ReadFully(stream, chunkHeader);
            if (got < chunkHeader.Length)
            {
                if (fmt is null)
                {
                    throw new WavFormatException(sourceName, "fmt", "the file has no 'fmt ' chunk (expected a format chunk before the data chunk)");
                }

                throw new WavFormatException(sourceName, "data", "the file has no 'data' chunk (expected a data chunk after the format chunk)");
            }

            pos += chunkHeader.Length;
            string id = ChunkId(chunkHeader[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);

            if (id == "fmt ")
            {
                fmt = ReadFmt(stream, sourceName, size, fileLength, pos);
                pos += size + (size & 1);
                if (deferredDataOffset >= 0)
                {
                    stream.Seek(start + deferredDataOffset, SeekOrigin.Begin);
                    return BuildHeader(sourceName, fmt.Value, deferredDataOffset, deferredDataLength, fileLength);
                }

                continue;
            }

            if (id == "data")
            {
                if (fmt is not null)
                {
                    return BuildHeader(sourceName, fmt.Value, pos, size, fileLength);
                }

                if (!stream.CanSeek)
                {
                    throw new WavFormatException(sourceName, "fmt", "the 'data' chunk comes before the 'fmt ' chunk and the stream cannot seek (expected 'fmt ' first)");
                }

                deferredDataOffset = pos;
                deferredDataLength = size;
            }

            SkipChunk(stream, sourceName, id, size, fileLength, pos);
            pos += size + (size & 1);
        }
    }

    /// <summary>
    /// Reads a whole WAV file: validates the header, decodes every sample and downmixes to mono by averaging the
    /// channels (x[n] = (1/C) Σ_c x_c[n]). The source sample rate is kept.
    /// </summary>
    /// <param name="stream">The WAV file, positioned at its first byte; left open.</param>
    /// <param name="sourceName">Name used in error messages and in <see cref="AudioClip.SourceName"/>.</param>
    /// <exception cref="WavFormatException">The file is malformed, truncated, unsupported or holds non-finite float samples.</exception>
    public static AudioClip Read(Stream stream, string sourceName)
    {
        WavHeader header = ReadHeader(stream, sourceName);
        if (header.FrameCount > Array.MaxLength)
        {
            throw new WavFormatException(sourceName, "data.size", $"{header.FrameCount} frames are too many to load at once (expected at most {Array.MaxLength}; stream it with {nameof(WavSampleReader)})");
        }

        var samples = new float[header.FrameCount];
        using (var reader = new WavSampleReader(stream, header, sourceName, leaveOpen: true))
        {
            int filled = 0;
            while (filled < samples.Length)
            {
                int n = reader.Read(samples.AsSpan(filled));
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }
        }

        return new AudioClip(samples, header.SampleRate, header.Channels, header.BitsPerSample, sourceName);
    }

    /// <summary>Reads the WAV file at <paramref name="path"/> (see <see cref="Read(Stream, string)"/>); the source name is the file name.</summary>
    /// <param name="path">Path of the WAV file.</param>
    public static AudioClip Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = RegularFile.OpenRead(path, Path.GetFileName(path)); // FIFOs and devices are refused, not read
        return Read(stream, Path.GetFileName(path));
    }

    private readonly record struct FmtFields(int FormatTag, int Channels, int SampleRate, int BitsPerSample, int BlockAlign);

    private static FmtFields ReadFmt(Stream stream, string sourceName, long size, long fileLength, long pos)
    {
        if (size < 16)
        {
            throw new WavFormatException(sourceName, "fmt.size", $"the format chunk is {size} bytes (expected at least 16)");
        }

        if (fileLength >= 0 && pos + size > fileLength)
        {
            throw new WavFormatException(sourceName, "fmt.size", $"the format chunk declares {size} bytes but only {fileLength - pos} remain (file truncated)");
        }

        Span<byte> fmt = stackalloc byte[40];
        int want = (int)Math.Min(size, fmt.Length);
        int got = StreamBytes.ReadFully(stream, fmt[..want]);
        if (got < want)
        {
            throw new WavFormatException(sourceName, "fmt.size", $"the format chunk declares {size} bytes but the file ends after {got} (file truncated)");
        }

        long rest = size - want + (size & 1);
        if (rest > 0)
        {
            StreamBytes.Skip(stream, rest);
        }

        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        uint byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        string tagField = "fmt.formatTag";
        if (tag == WavHeader.ExtensibleFormat)
        {
            if (size < 40)
            {
                throw new WavFormatException(sourceName, "fmt.size", $"a WAVE_FORMAT_EXTENSIBLE format chunk is {size} bytes (expected at least 40)");
            }

            int cbSize = BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]);
            if (cbSize < 22)
            {
                throw new WavFormatException(sourceName, "fmt.cbSize", $"{cbSize} is too small for WAVE_FORMAT_EXTENSIBLE (expected at least 22)");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            if (validBits > bits)
            {
                throw new WavFormatException(sourceName, "fmt.validBitsPerSample", $"{validBits} exceeds the container's {bits} bits per sample (expected at most {bits})");
            }

            ReadOnlySpan<byte> guid = fmt[24..40];
            if (!guid[2..].SequenceEqual(KsDataFormatSuffix))
            {
                throw new WavFormatException(sourceName, "fmt.subFormat", $"sub-format GUID {FormatGuid(guid)} is not a standard WAVE format GUID (expected PCM or IEEE float; {SoxHint})");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            tagField = "fmt.subFormat";
        }

        if (tag != WavHeader.PcmFormat && tag != WavHeader.FloatFormat)
        {
            string problem = tag == 0
                ? $"format tag 0x0000 is not a valid format (expected 1 = PCM, 3 = IEEE float or 0xFFFE = extensible)"
                : $"compressed format 0x{tag:X4} ({FormatName(tag)}) is not supported; {SoxHint} (expected 1 = PCM or 3 = IEEE float)";
            throw new WavFormatException(sourceName, tagField, problem);
        }

        if (channels == 0)
        {
            throw new WavFormatException(sourceName, "fmt.channels", "0 channels (expected at least 1)");
        }

        if (sampleRate < MinSampleRate || sampleRate > MaxSampleRate)
        {
            throw new WavFormatException(sourceName, "fmt.sampleRate", $"{sampleRate} Hz is not a plausible sample rate (expected {MinSampleRate} to {MaxSampleRate} Hz)");
        }

        if (tag == WavHeader.PcmFormat && bits is not (8 or 16 or 24 or 32))
        {
            throw new WavFormatException(sourceName, "fmt.bitsPerSample", $"{bits} is not supported for PCM (expected 8, 16, 24 or 32)");
        }

        if (tag == WavHeader.FloatFormat && bits is not (32 or 64))
        {
            throw new WavFormatException(sourceName, "fmt.bitsPerSample", $"{bits} is not supported for IEEE float (expected 32 or 64)");
        }

        int expectedAlign = channels * (bits / 8);
        if (blockAlign != expectedAlign)
        {
            throw new WavFormatException(sourceName, "fmt.blockAlign", $"{blockAlign} bytes per frame, but the header lies: channels × bitsPerSample / 8 = {channels} × {bits} / 8 = {expectedAlign} (expected {expectedAlign})");
        }

        long expectedRate = (long)sampleRate * blockAlign;
        if (byteRate != expectedRate)
        {
            throw new WavFormatException(sourceName, "fmt.byteRate", $"{byteRate} bytes per second, but the header lies: sampleRate × blockAlign = {sampleRate} × {blockAlign} = {expectedRate} (expected {expectedRate})");
        }

        return new FmtFields(tag, channels, (int)sampleRate, bits, blockAlign);
    }

    private static WavHeader BuildHeader(string sourceName, FmtFields fmt, long dataOffset, long dataLength, long fileLength)
    {
        if (dataLength == 0)
        {
            throw new WavFormatException(sourceName, "data.size", "the data chunk is empty, the file contains no samples (expected at least one frame)");
        }

        if (fileLength >= 0 && dataOffset + dataLength > fileLength)
        {
            long actual = Math.Max(0, fileLength - dataOffset);
            throw new WavFormatException(sourceName, "data.size", $"the data chunk declares {dataLength} bytes but only {actual} bytes follow (file truncated; expected {dataLength} bytes, got {actual})");
        }

        if (dataLength % fmt.BlockAlign != 0)
        {
            throw new WavFormatException(sourceName, "data.size", $"{dataLength} bytes is not a whole number of frames (expected a multiple of blockAlign = {fmt.BlockAlign})");
        }

        return new WavHeader(fmt.FormatTag, fmt.Channels, fmt.SampleRate, fmt.BitsPerSample, fmt.BlockAlign, dataOffset, dataLength, dataLength / fmt.BlockAlign);
    }

    private static void SkipChunk(Stream stream, string sourceName, string id, long size, long fileLength, long pos)
    {
        long skip = size + (size & 1);
        if (fileLength >= 0 && pos + size > fileLength)
        {
            throw new WavFormatException(sourceName, $"{id.TrimEnd()}.size", $"the '{id}' chunk declares {size} bytes but only {fileLength - pos} remain (file truncated; expected {size} bytes, got {fileLength - pos})");
        }

        if (fileLength >= 0)
        {
            // A missing pad byte after the last chunk is tolerated; the next header read then hits the end.
            stream.Seek(Math.Min(skip, fileLength - pos), SeekOrigin.Current);
            return;
        }

        long skipped = StreamBytes.Skip(stream, skip);
        if (skipped < size)
        {
            throw new WavFormatException(sourceName, $"{id.TrimEnd()}.size", $"the '{id}' chunk declares {size} bytes but the file ends after {skipped} (file truncated; expected {size} bytes, got {skipped})");
        }
    }

    /// <summary>Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: xxxx0000-0000-0010-8000-00AA00389B71.</summary>
    private static ReadOnlySpan<byte> KsDataFormatSuffix => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private static string FormatGuid(ReadOnlySpan<byte> g) => new Guid(g).ToString("D");

    private static string FormatName(int tag) => tag switch
    {
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0022 => "DSP Group TrueSpeech",
        0x0031 => "GSM 6.10",
        0x0040 => "G.721 ADPCM",
        0x0050 => "MPEG audio",
        0x0055 => "MPEG Layer 3 (MP3)",
        0x0092 => "Dolby AC-3",
        0x00FF => "AAC",
        0x0160 or 0x0161 or 0x0162 or 0x0163 => "Windows Media Audio",
        0x1610 => "HE-AAC",
        0x2000 => "Dolby AC-3 SPDIF",
        0xF1AC => "FLAC",
        _ => "unknown codec",
    };

    private static string ChunkId(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[id.Length];
        for (int i = 0; i < id.Length; i++)
        {
            byte b = id[i];
            chars[i] = b is >= 0x20 and < 0x7F ? (char)b : '?';
        }

        return new string(chars);
    }
}

/// <summary>Exact reads and skips on streams that may return fewer bytes than asked.</summary>
internal static class StreamBytes
{
    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    public static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Skips up to <paramref name="count"/> bytes by reading; returns the bytes skipped.</summary>
    public static long Skip(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            long available = Math.Max(0, stream.Length - stream.Position);
            long n = Math.Min(count, available);
            stream.Seek(n, SeekOrigin.Current);
            return n;
        }

        Span<byte> scratch = stackalloc byte[4096];
        long skipped = 0;
        while (skipped < count)
        {
            int n = stream.Read(scratch[..(int)Math.Min(scratch.Length, count - skipped)]);
            if (n == 0)
            {
                break;
            }

            skipped += n;
        }

        return skipped;
    }
}
