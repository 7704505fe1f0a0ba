namespace Affect.Audio.Tests;

public sealed class WavReaderTests
{
    private static AudioClip ReadBytes(byte[] bytes, string name = "t.wav") => WavReader.Read(new MemoryStream(bytes), name);

    [Fact]
    public void WavWriterRoundTripIsWithinQuantisation()
    {
        float[] input = TestWav.Sine(440, 16000, 1601, 0.8);
        input[5] = 1f;
        input[6] = -1f;
        byte[] bytes = WavWriter.ToPcm16Bytes(input, 16000);

        AudioClip clip = ReadBytes(bytes, "round.wav");

        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(1, clip.SourceChannels);
        Assert.Equal(16, clip.SourceBitsPerSample);
        Assert.Equal("round.wav", clip.SourceName);
        Assert.Equal(input.Length, clip.Samples.Length);
        Assert.Equal(1601 / 16000.0, clip.DurationSeconds, 12);
        for (int i = 0; i < input.Length; i++)
        {
            // The writer scales by 32767, the reader by 32768: decoded · 32768 is exactly the written integer.
            Assert.Equal(Math.Round(input[i] * 32767f, MidpointRounding.ToEven), clip.Samples[i] * 32768.0);
            Assert.True(Math.Abs(clip.Samples[i] - input[i]) <= 1.5 / 32768, $"sample {i}"); // (|x| + 0.5) / 32768
        }
    }

    [Fact]
    public void CanonicalHeaderFieldsAndStreamPosition()
    {
        byte[] bytes = WavWriter.ToPcm16Bytes(new float[10], 22050);
        var stream = new MemoryStream(bytes);

        WavHeader h = WavReader.ReadHeader(stream, "h.wav");

        Assert.Equal(new WavHeader(1, 1, 22050, 16, 2, 44, 20, 10), h);
        Assert.Equal(44, stream.Position);
    }

    [Fact]
    public void Pcm8IsUnsignedWithOffset128()
    {
        byte[] bytes = new TestWav { Bits = 8, Data = [0, 64, 128, 192, 255] }.ToBytes();
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 127f / 128f], ReadBytes(bytes).Samples);
    }

    [Fact]
    public void Pcm16MonoDecodesEveryValueExactly()
    {
        // Mono 16-bit takes a vectorised path: every one of the 65536 values, plus a tail shorter than a vector, must
        // be s / 2^15 exactly, as the general decoder gives it (also across the reader's 64 KiB buffer boundary).
        long[] values = [.. Enumerable.Range(0, 65536 + 13).Select(i => (long)(short)(i * 40503))];
        byte[] bytes = new TestWav { Bits = 16, Data = TestWav.Int(16, values) }.ToBytes();
        float[] expected = [.. values.Select(v => (float)(v / 32768.0))];
        Assert.Equal(expected, ReadBytes(bytes).Samples);
    }

    [Fact]
    public void Pcm24IsSignedAndExact()
    {
        long[] values = [-8388608, -1, 0, 1, 12345, 8388607];
        byte[] bytes = new TestWav { Bits = 24, Data = TestWav.Int(24, values) }.ToBytes();
        float[] expected = values.Select(v => (float)(v / 8388608.0)).ToArray();
        Assert.Equal(expected, ReadBytes(bytes).Samples);
    }

    [Fact]
    public void Pcm32IsSignedAndExactToFloat()
    {
        long[] values = [int.MinValue, -1, 0, 123456789, int.MaxValue];
        byte[] bytes = new TestWav { Bits = 32, Data = TestWav.Int(32, values) }.ToBytes();
        float[] expected = values.Select(v => (float)(v / 2147483648.0)).ToArray();
        Assert.Equal(expected, ReadBytes(bytes).Samples);
    }

    [Fact]
    public void Float32AndFloat64DecodeExactlyAndClipBeyondFullScale()
    {
        byte[] f32 = new TestWav { FormatTag = 3, Bits = 32, Data = TestWav.Float32(0.125f, -0.7f, 1.5f, -2f) }.ToBytes();
        Assert.Equal([0.125f, -0.7f, 1f, -1f], ReadBytes(f32).Samples);

        byte[] f64 = new TestWav { FormatTag = 3, Bits = 64, Data = TestWav.Float64(0.1, -0.3333333333, 0.999999) }.ToBytes();
        Assert.Equal([0.1f, (float)-0.3333333333, 0.999999f], ReadBytes(f64).Samples);
    }

    [Fact]
    public void StereoIsAveragedToMono()
    {
        // frames: (1000, 3000), (-32768, 32767), (100, -100)
        byte[] bytes = new TestWav { Channels = 2, Data = TestWav.Int(16, 1000, 3000, -32768, 32767, 100, -100) }.ToBytes();
        AudioClip clip = ReadBytes(bytes);
        Assert.Equal(2, clip.SourceChannels);
        Assert.Equal([2000f / 32768f, -0.5f / 32768f, 0f], clip.Samples);
    }

    [Fact]
    public void FiveChannelsAreAveraged()
    {
        byte[] bytes = new TestWav { Channels = 5, SampleRate = 48000, Bits = 24, Data = TestWav.Int(24, 100, 200, 300, 400, 500, -5, -5, -5, -5, -5) }.ToBytes();
        AudioClip clip = ReadBytes(bytes);
        Assert.Equal(48000, clip.SampleRate);
        Assert.Equal([(float)(300 / 8388608.0), (float)(-5 / 8388608.0)], clip.Samples);
    }

    [Fact]
    public void ExtensiblePcmAndFloatAreResolvedThroughTheSubFormat()
    {
        byte[] pcm = new TestWav { Extensible = true, FormatTag = 1, Channels = 2, Bits = 24, ValidBits = 20, Data = TestWav.Int(24, 4096, 8192) }.ToBytes();
        var stream = new MemoryStream(pcm);
        WavHeader h = WavReader.ReadHeader(stream, "ext.wav");
        Assert.Equal(1, h.FormatTag);
        Assert.Equal(68, h.DataOffset);
        stream.Position = 0;
        Assert.Equal([(float)(6144 / 8388608.0)], WavReader.Read(stream, "ext.wav").Samples);

        byte[] flt = new TestWav { Extensible = true, FormatTag = 3, Bits = 32, Data = TestWav.Float32(0.25f, -0.5f) }.ToBytes();
        Assert.Equal(3, WavReader.ReadHeader(new MemoryStream(flt), "x").FormatTag);
        Assert.Equal([0.25f, -0.5f], ReadBytes(flt).Samples);
    }

    [Fact]
    public void UnknownAndOddSizedChunksAreSkipped()
    {
        byte[] bytes = new TestWav
        {
            Data = TestWav.Int(16, 16384, -16384),
            ChunksBeforeData = [("LIST", "INFOabc"u8.ToArray()), ("fact", [2, 0, 0, 0]), ("junk", [1, 2, 3])],
            ChunksAfterData = [("id3 ", [9, 9, 9, 9, 9])],
        }.ToBytes();

        var stream = new MemoryStream(bytes);
        WavHeader h = WavReader.ReadHeader(stream, "list.wav");
        // RIFF(12) + LIST(8+7+1) + fact(8+4) + junk(8+3+1) + fmt(8+16) + data header(8)
        Assert.Equal(12 + 16 + 12 + 12 + 24 + 8, h.DataOffset);
        Assert.Equal(2, h.FrameCount);
        Assert.Equal([0.5f, -0.5f], ReadBytes(bytes).Samples);
    }

    [Fact]
    public void DataBeforeFmtIsAcceptedOnSeekableStreams()
    {
        byte[] bytes = new TestWav { DataBeforeFmt = true, Data = TestWav.Int(16, 8192, 3) }.ToBytes();
        Assert.Equal([0.25f, 3f / 32768f], ReadBytes(bytes).Samples);

        var ex = Assert.Throws<WavFormatException>(() => WavReader.Read(new ForwardOnlyStream(bytes), "pipe.wav"));
        Assert.Equal("fmt", ex.Field);
    }

    [Fact]
    public void ForwardOnlyStreamWithShortReadsDecodesTheSame()
    {
        float[] input = TestWav.Sine(1000, 8000, 999, 0.5);
        byte[] bytes = new TestWav { ChunksBeforeData = [("LIST", new byte[33])], Data = WavWriter.ToPcm16Bytes(input, 8000)[44..], SampleRate = 8000 }.ToBytes();
        Assert.Equal(ReadBytes(bytes).Samples, WavReader.Read(new ForwardOnlyStream(bytes), "pipe.wav").Samples);
    }

    [Fact]
    public void TruncatedForwardOnlyStreamReportsExpectedAndActualBytes()
    {
        byte[] full = WavWriter.ToPcm16Bytes(new float[100], 16000);
        byte[] cut = full[..(44 + 150)];
        var ex = Assert.Throws<WavFormatException>(() => WavReader.Read(new ForwardOnlyStream(cut), "cut.wav"));
        Assert.Equal("cut.wav", ex.File);
        Assert.Equal("data.size", ex.Field);
        Assert.Contains("expected 200 bytes, got 150", ex.Message);
    }

    [Fact]
    public void SampleReaderStreamsInBlocksIdenticalToRead()
    {
        float[] input = TestWav.Sine(300, 16000, 100_003, 0.9);
        byte[] bytes = new TestWav { Channels = 1, Bits = 16, Data = WavWriter.ToPcm16Bytes(input, 16000)[44..] }.ToBytes();
        float[] whole = ReadBytes(bytes).Samples;

        using var reader = WavSampleReader.Open(new MemoryStream(bytes), "s.wav");
        Assert.Equal(100_003, reader.FramesRemaining);
        var collected = new List<float>();
        var block = new float[4097];
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            collected.AddRange(block.AsSpan(0, n).ToArray());
        }

        Assert.Equal(0, reader.FramesRemaining);
        Assert.Equal(whole, collected);
    }

    [Fact]
    public void ReadFromPathUsesTheFileName()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-audio-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "speech1.wav");
        try
        {
            File.WriteAllBytes(path, WavWriter.ToPcm16Bytes([0.5f, -0.25f], 16000));
            AudioClip clip = WavReader.Read(path);
            Assert.Equal("speech1.wav", clip.SourceName);
            Assert.Equal(2, clip.Samples.Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void NonFiniteFloatSampleIsRejected()
    {
        byte[] bytes = new TestWav { FormatTag = 3, Bits = 32, Data = TestWav.Float32(0f, float.NaN) }.ToBytes();
        var ex = Assert.Throws<WavFormatException>(() => ReadBytes(bytes, "nan.wav"));
        Assert.Equal("data", ex.Field);
        Assert.Contains("frame 1", ex.Message);
    }

    private static readonly byte[] TwoSamples = TestWav.Int(16, 1, 2);

    public static TheoryData<string, byte[], string, string> BadFiles()
    {
        byte[] good = new TestWav { Data = TwoSamples }.ToBytes();
        var data = new TheoryData<string, byte[], string, string>
        {
            { "empty", [], "file", "empty" },
            { "too short", good[..7], "file", "7 bytes" },
            { "not RIFF", new TestWav { RiffId = "ABCD", Data = TwoSamples }.ToBytes(), "riff.id", "expected 'RIFF'" },
            { "big-endian", new TestWav { RiffId = "RIFX", Data = TwoSamples }.ToBytes(), "riff.id", "RIFX" },
            { "not WAVE", new TestWav { WaveId = "AVI ", Data = TwoSamples }.ToBytes(), "riff.format", "expected 'WAVE'" },
            { "header only", good[..12], "fmt", "no 'fmt ' chunk" },
            { "missing fmt", new TestWav { IncludeFmt = false, Data = TwoSamples }.ToBytes(), "fmt", "no 'fmt ' chunk" },
            { "missing data", new TestWav { IncludeData = false, ChunksAfterData = [("LIST", [1, 2, 3])] }.ToBytes(), "data", "no 'data' chunk" },
            { "fmt too small", new TestWav { FmtSize = 14, Data = TwoSamples }.ToBytes(), "fmt.size", "14 bytes" },
            { "MS ADPCM", new TestWav { FormatTag = 0x0002, Bits = 4, BlockAlign = 0, ByteRate = 0, Data = TwoSamples }.ToBytes(), "fmt.formatTag", "0x0002" },
            { "IMA ADPCM", new TestWav { FormatTag = 0x0011, Bits = 4, Data = TwoSamples }.ToBytes(), "fmt.formatTag", "IMA ADPCM" },
            { "MP3", new TestWav { FormatTag = 0x0055, Bits = 0, Data = TwoSamples }.ToBytes(), "fmt.formatTag", "MP3" },
            { "A-law", new TestWav { FormatTag = 0x0006, Bits = 8, Data = TwoSamples }.ToBytes(), "fmt.formatTag", "A-law" },
            { "extensible MP3", new TestWav { Extensible = true, FormatTag = 0x0055, Data = TwoSamples }.ToBytes(), "fmt.subFormat", "MP3" },
            { "PCM 12 bits", new TestWav { Bits = 12, BlockAlign = 2, ByteRate = 32000, Data = TwoSamples }.ToBytes(), "fmt.bitsPerSample", "expected 8, 16, 24 or 32" },
            { "float 16 bits", new TestWav { FormatTag = 3, Bits = 16, Data = TwoSamples }.ToBytes(), "fmt.bitsPerSample", "expected 32 or 64" },
            { "0 channels", new TestWav { Channels = 0, BlockAlign = 2, ByteRate = 32000, Data = TwoSamples }.ToBytes(), "fmt.channels", "0 channels" },
            { "rate 0", new TestWav { SampleRate = 0, ByteRate = 0, Data = TwoSamples }.ToBytes(), "fmt.sampleRate", "0 Hz" },
            { "rate absurd", new TestWav { SampleRate = 50_000_000, Data = TwoSamples }.ToBytes(), "fmt.sampleRate", "50000000 Hz" },
            { "blockAlign lies", new TestWav { Channels = 2, BlockAlign = 2, ByteRate = 64000, Data = TestWav.Int(16, 1, 2, 3, 4) }.ToBytes(), "fmt.blockAlign", "header lies" },
            { "byteRate lies", new TestWav { ByteRate = 44100, Data = TwoSamples }.ToBytes(), "fmt.byteRate", "expected 32000" },
            { "data larger than file", new TestWav { DataSize = 1000, Data = TwoSamples }.ToBytes(), "data.size", "expected 1000 bytes, got 4" },
            { "data not whole frames", new TestWav { Channels = 2, Data = TestWav.Int(16, 1, 2, 3) }.ToBytes(), "data.size", "multiple of blockAlign = 4" },
            { "zero samples", new TestWav { Data = [] }.ToBytes(), "data.size", "no samples" },
            { "LIST larger than file", new TestWav { ChunksBeforeData = [("LIST", new byte[40])] }.ToBytes()[..30], "LIST.size", "truncated" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFilesGiveWavFormatExceptionNamingFileAndField(string name, byte[] bytes, string field, string fragment)
    {
        string file = name.Replace(' ', '_') + ".wav";
        var ex = Assert.Throws<WavFormatException>(() => WavReader.Read(new MemoryStream(bytes), file));
        Assert.Equal(file, ex.File);
        Assert.Equal(field, ex.Field);
        Assert.StartsWith($"{file}: {field}: ", ex.Message);
        Assert.Contains(fragment, ex.Message);
        Assert.Contains("expected", ex.Message);
        if (field is "fmt.formatTag" or "fmt.subFormat")
        {
            Assert.Contains("sox in.wav -e signed -b 16 out.wav", ex.Message);
        }

        // The same verdict on a forward-only stream (except truncation, which needs the length or a read).
        var ex2 = Assert.Throws<WavFormatException>(() => WavReader.Read(new ForwardOnlyStream(bytes), file));
        Assert.Equal(field, ex2.Field);
    }
}
