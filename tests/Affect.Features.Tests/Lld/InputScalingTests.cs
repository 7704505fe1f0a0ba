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
