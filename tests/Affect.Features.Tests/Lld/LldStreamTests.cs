using Affect.Audio;
using Affect.Features.Voicing;

namespace Affect.Features.Tests.Lld;

public class LldStreamTests
{
    private static readonly LowLevelDescriptors Extractor = new(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmilePcm16Gain));

    // SplitMix64 (Steele, Lea & Flood 2014): the block sizes of each case are reproducible from the seed.
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static (float[] Values, double[] Times, int Rows) Stream(ReadOnlySpan<float> signal, ulong seed, LldStream stream)
    {
        var values = new List<float>();
        var times = new List<double>();
        int width = stream.Columns;
        var buffer = new float[width * 7];
        var timeBuffer = new double[7];
        ulong state = seed;
        int pos = 0;
        while (pos < signal.Length)
        {
            // Mostly small blocks (1–400 samples), sometimes large ones (up to 20000), sometimes empty.
            ulong r = Next(ref state);
            int size = (r % 10) switch { 0 => 0, 1 => (int)((r >> 8) % 20000), _ => 1 + (int)((r >> 8) % 400) };
            size = Math.Min(size, signal.Length - pos);
            stream.Write(signal.Slice(pos, size));
            pos += size;
            int n;
            while ((n = stream.ReadRows(buffer.AsSpan(0, width * (1 + (int)(Next(ref state) % 7))), timeBuffer)) > 0)
            {
                values.AddRange(buffer.AsSpan(0, n * width).ToArray());
                times.AddRange(timeBuffer.AsSpan(0, n).ToArray());
            }
        }

        stream.Complete();
        while (stream.AvailableRows > 0)
        {
            int n = stream.ReadRows(buffer, timeBuffer);
            values.AddRange(buffer.AsSpan(0, n * width).ToArray());
            times.AddRange(timeBuffer.AsSpan(0, n).ToArray());
        }

        return (values.ToArray(), times.ToArray(), times.Count);
    }

    [Theory]
    [InlineData("wav/speech1.wav", 1UL)]
    [InlineData("wav/speech4.wav", 2UL)]
    [InlineData("set2/wav/emodb_14a05Fa.wav", 3UL)]
    [InlineData("set2/wav/tone220_2s.wav", 4UL)]
    [InlineData("set3/wav/espeak_en-us_f2_t2_p92_cut085.wav", 5UL)]
    [InlineData("set3/wav/espeak_de_t0_p48_cut085.wav", 6UL)]
    [InlineData("wav/long60.wav", 7UL)] // long enough for Extract's parallel path (speech1 and speech4 take it too)
    public void Random_block_sizes_give_bit_identical_output_to_Extract(string file, ulong seed)
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, file));
        LldMatrix batch = Extractor.Extract(clip.Samples);
        LldStream stream = Extractor.CreateStream();
        var (values, times, rows) = Stream(clip.Samples, seed, stream);
        Assert.Equal(batch.Rows, rows);
        Assert.Equal(batch.Rows, stream.RowsEmitted);
        Assert.Equal(batch.FrameTimes, times);
        for (int i = 0; i < values.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(batch.Values[i]))
            {
                Assert.Fail($"{file}: row {i / batch.Columns} {batch.ColumnNames[i % batch.Columns]}: stream {values[i]:R} vs Extract {batch.Values[i]:R}");
            }
        }

        Assert.NotNull(batch.TrailingSpectralRow);
        Assert.Equal(batch.TrailingSpectralRow, stream.TrailingSpectralRow);
        Assert.Equal(batch.PitchFramesDecidedAtEnd, stream.PitchFramesDecidedAtEnd);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(959)]
    [InlineData(960)]
    [InlineData(1119)]
    [InlineData(1120)]
    [InlineData(1601)]
    public void Short_signals_stream_like_Extract(int length)
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", "speech2.wav"));
        float[] cut = clip.Samples[8000..(8000 + length)];
        LldMatrix batch = Extractor.Extract(cut);
        var (values, times, rows) = Stream(cut, (ulong)length, Extractor.CreateStream());
        Assert.Equal(LowLevelDescriptors.RowCount(length), rows);
        Assert.Equal(batch.Values, values);
        Assert.Equal(batch.FrameTimes, times);
    }

    [Fact]
    public void Three_minutes_stream_in_bounded_memory()
    {
        // 3 min of a gliding harmonic tone with noise bursts, generated block by block (never held whole).
        LldStream stream = Extractor.CreateStream();
        const int total = 16000 * 180;
        var block = new float[1600];
        var rows = new float[130 * 64];
        ulong state = 7;
        int maxHeld = 0, maxQueued = 0;
        long read = 0;
        for (int start = 0; start < total; start += block.Length)
        {
            for (int i = 0; i < block.Length; i++)
            {
                double t = (start + i) / 16000.0;
                double f0 = 120 + (60 * Math.Sin(2 * Math.PI * 0.3 * t));
                double noise = ((Next(ref state) >> 11) / (double)(1UL << 53)) - 0.5;
                bool voiced = ((start + i) / 8000) % 3 != 2;
                block[i] = (float)(voiced ? (0.3 * Math.Sin(2 * Math.PI * f0 * t)) + (0.1 * Math.Sin(4 * Math.PI * f0 * t)) : 0.05 * noise);
            }

            stream.Write(block);
            maxHeld = Math.Max(maxHeld, stream.HeldSamples);
            maxQueued = Math.Max(maxQueued, stream.AvailableRows);
            int n;
            while ((n = stream.ReadRows(rows)) > 0)
            {
                read += n;
            }
        }

        stream.Complete();
        read += stream.ReadRows(new float[130 * stream.AvailableRows]);
        Assert.Equal(LowLevelDescriptors.RowCount(total), read);
        Assert.True(maxHeld <= 32768, $"held {maxHeld} samples");
        Assert.True(maxQueued <= 64, $"{maxQueued} rows queued before the caller read them");
    }

    [Theory]
    [InlineData("set2/wav/emodb_12a01Lb.wav")]
    [InlineData("set3/wav/espeak_en-us_f2_t2_p92_cut085.wav")]
    [InlineData("set3/wav/espeak_en-us_f2_t1_p90_cut085.wav")]
    public void Voicing_columns_equal_the_batch_voicing_implementation(string file)
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, file));
        var samples = new float[clip.Samples.Length];
        LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmilePcm16Gain, samples);
        LldMatrix m = Extractor.Extract(clip.Samples);
        float[] voicing = VoicingDescriptors.Compute(samples, m.Rows);
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < 6; c++)
            {
                Assert.Equal(voicing[(r * 12) + c], m[r, c]);
                Assert.Equal(voicing[(r * 12) + 6 + c], m[r, LldColumns.LldCount + c]);
            }
        }
    }

    [Fact]
    public void Write_after_Complete_is_rejected()
    {
        LldStream stream = Extractor.CreateStream();
        stream.Write(new float[2000]);
        stream.Complete();
        stream.Complete();
        Assert.True(stream.IsCompleted);
        var e = Assert.Throws<InvalidOperationException>(() => stream.Write(new float[10]));
        Assert.Contains("Complete", e.Message, StringComparison.Ordinal);
    }
}
