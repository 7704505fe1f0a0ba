using System.Buffers.Binary;
using Affect.Audio;

namespace Affect.Features.Tests.Lld;

/// <summary>
/// openSMILE's wave source scales 16-bit PCM by 1/32767 and 24-bit PCM by 1/(32767·256), and mixes channels down as
/// (Σ channels)/n before scaling. The same recording stored as 16-bit mono, 24-bit mono or 16-bit stereo with equal
/// channels therefore gives openSMILE bit-identical samples; our front-end must give bit-identical LLDs too.
/// </summary>
public sealed class InputScalingTests
{
    private static LldMatrix Extract(byte[] wav, string name)
    {
        var clip = AudioLoader.LoadMono(new MemoryStream(wav), name);
        return new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample))).Extract(clip.Samples);
    }

    private static byte[] Wav(short[] pcm16, int bits, int channels)
    {
        int width = bits / 8;
        int dataBytes = pcm16.Length * width * channels;
        var b = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), 16000);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), 16000 * width * channels);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)(width * channels));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), (short)bits);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), dataBytes);
        int pos = 44;
        foreach (short s in pcm16)
        {
            for (int c = 0; c < channels; c++, pos += width)
            {
                if (bits == 16)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(pos), s);
                }
                else
                {
                    int v = s << 8;
                    b[pos] = (byte)v;
                    b[pos + 1] = (byte)(v >> 8);
                    b[pos + 2] = (byte)(v >> 16);
                }
            }
        }

        return b;
    }

    private static short[] ReferencePcm()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(OpenSmileReference.Directory, "set2", "wav", "emodb_14a01Wa.wav"));
        var clip = WavReader.Read(new MemoryStream(file), "emodb_14a01Wa.wav");
        return clip.Samples.ToArray().Select(x => (short)Math.Round(x * 32768f)).ToArray();
    }

    [Fact]
    public void Pcm24_and_stereo_copies_of_a_16_bit_recording_give_bit_identical_llds()
    {
        short[] pcm = ReferencePcm();
        LldMatrix mono16 = Extract(Wav(pcm, 16, 1), "mono16.wav");
        LldMatrix mono24 = Extract(Wav(pcm, 24, 1), "mono24.wav");
        LldMatrix stereo16 = Extract(Wav(pcm, 16, 2), "stereo16.wav");
        Assert.Equal(mono16.Values, mono24.Values);
        Assert.Equal(mono16.Values, stereo16.Values);
    }

    [Theory]
    [InlineData(LowLevelDescriptorOptions.OpenSmilePcm16Gain)] // equal to OpenSmilePcm24Gain: both are 1 + 1/32767
    [InlineData(1.0)]
    [InlineData(0.37)]
    public void Gain_is_applied_element_by_element_in_place_and_out_of_place(double gain)
    {
        // The vectorised gain must give the scalar formula's bits for every length (vector tails) and in place.
        var random = new Random(11);
        foreach (int length in new[] { 0, 1, 7, 8, 9, 31, 1000, 1003 })
        {
            float[] x = [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            float g = (float)gain;
            float[] expected = [.. x.Select(v => g == (float)LowLevelDescriptorOptions.OpenSmilePcm16Gain ? v * 32768f / 32767f : v * g)];
            var outOfPlace = new float[length];
            LowLevelDescriptorOptions.ApplyInputGain(x, g, outOfPlace);
            Assert.Equal(expected, outOfPlace);
            LowLevelDescriptorOptions.ApplyInputGain(x, g, x);
            Assert.Equal(expected, x);
        }
    }

    [Theory]
    [InlineData(4.0, LowLevelDescriptorOptions.OpenSmilePcm16Gain)]
    [InlineData(4.0, 1.0)]
    [InlineData(1.5, LowLevelDescriptorOptions.OpenSmilePcm16Gain)] // below the parallel threshold
    public void ExtractInPlace_gives_Extracts_bits_and_leaves_the_scaled_signal(double seconds, double gain)
    {
        var random = new Random(5);
        float[] signal = [.. Enumerable.Range(0, (int)(seconds * 16000)).Select(i => (float)((0.4 * Math.Sin(i * 0.07)) + (0.05 * ((random.NextDouble() * 2) - 1))))];
        var extractor = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: gain));
        LldMatrix expected = extractor.Extract(signal);
        float[] scaled = new float[signal.Length];
        LowLevelDescriptorOptions.ApplyInputGain(signal, (float)gain, scaled);

        float[] work = [.. signal];
        LldMatrix actual = extractor.ExtractInPlace(work);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.FrameTimes, actual.FrameTimes);
        if (LowLevelDescriptors.RowCount(signal.Length) >= 300)
        {
            Assert.Equal(scaled, work);
        }
    }

    [Fact]
    public void Pcm24_gain_is_openSMILEs_divisor()
    {
        Assert.Equal(8388608.0 / 8388352.0, LowLevelDescriptorOptions.OpenSmileGainFor(24));
        Assert.Equal(32768.0 / 32767.0, LowLevelDescriptorOptions.OpenSmileGainFor(16));
        Assert.Equal(1.0, LowLevelDescriptorOptions.OpenSmileGainFor(32));
        var x = new float[] { 1234f / 8388608f, -8388608f / 8388608f, 8388607f / 8388608f };
        var y = new float[3];
        LowLevelDescriptorOptions.ApplyInputGain(x, (float)LowLevelDescriptorOptions.OpenSmilePcm24Gain, y);
        Assert.Equal(new[] { 1234f / 8388352f, -8388608f / 8388352f, 8388607f / 8388352f }, y);
    }
}
