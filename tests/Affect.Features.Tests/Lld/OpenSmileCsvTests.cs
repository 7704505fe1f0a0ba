using System.Globalization;
using Affect.Audio;
using Affect.Features.IO;

namespace Affect.Features.Tests.Lld;

public class OpenSmileCsvTests
{
    [Fact]
    public void Values_are_formatted_exactly_like_cCsvSink()
    {
        // Every value text of a reference file survives parse → FormatValue unchanged (%e, %.0f, signs, exponents).
        string[] lines = File.ReadAllLines(Path.Combine(OpenSmileReference.Directory, "lld", "speech1.csv"));
        int checkedValues = 0;
        foreach (string line in lines.Skip(1).Take(200))
        {
            string[] f = line.Split(';');
            Assert.Equal(f[1], double.Parse(f[1], CultureInfo.InvariantCulture).ToString("F6", CultureInfo.InvariantCulture));
            foreach (string text in f.Skip(2))
            {
                float v = float.Parse(text, CultureInfo.InvariantCulture);
                if (text.Contains('e', StringComparison.Ordinal) && MathF.Floor(v) == v)
                {
                    continue; // the written value had a fraction that %e's 7 digits rounded away: not recoverable from text
                }

                Assert.Equal(text, OpenSmileCsv.FormatValue(v));
                checkedValues++;
            }
        }

        Assert.True(checkedValues > 20000);
        Assert.Equal("0", OpenSmileCsv.FormatValue(0f));
        Assert.Equal("-100", OpenSmileCsv.FormatValue(-100f));
        Assert.Equal("1.250000e-01", OpenSmileCsv.FormatValue(0.125f));
    }

    [Fact]
    public void Written_file_has_the_reference_header_and_rows_and_reads_back()
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", "speech6.wav"));
        var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmilePcm16Gain)).Extract(clip.Samples);
        var sw = new StringWriter();
        OpenSmileCsv.Write(sw, [("speech6", m), ("again", m)]);
        string[] ours = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] reference = File.ReadAllLines(Path.Combine(OpenSmileReference.Directory, "lld", "speech6.csv"));
        Assert.Equal(reference[0], ours[0]);
        Assert.Equal(1 + (2 * m.Rows), ours.Length);
        Assert.Equal(reference.Length - 1, m.Rows);
        for (int r = 1; r < reference.Length; r++)
        {
            string[] a = ours[r].Split(';'), b = reference[r].Split(';');
            Assert.Equal(b[0], a[0]);
            Assert.Equal(b[1], a[1]);
        }

        var back = OpenSmileCsv.Read(new StringReader(sw.ToString()), "mem");
        Assert.Equal(["speech6", "again"], back.Select(b => b.Name));
        Assert.Equal(m.Rows, back[1].Matrix.Rows);
        for (int i = 0; i < m.Values.Length; i++)
        {
            Assert.Equal(m.Values[i], back[0].Matrix.Values[i], Math.Abs(m.Values[i]) * 1e-6 + 1e-30);
        }
    }

    [Fact]
    public void Reading_a_malformed_file_names_the_file_line_and_field()
    {
        var e = Assert.Throws<InvalidDataException>(() => OpenSmileCsv.Read(new StringReader("name;frameTime;a\n'x';0.000000;oops\n"), "bad.csv"));
        Assert.Contains("bad.csv: line 2: a:", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => OpenSmileCsv.Read(new StringReader("foo;bar\n"), "bad.csv"));
    }

    [Fact]
    public void Fast_value_formatter_gives_the_runtime_formatters_text()
    {
        // The span formatter formats from one scaled double and hands near-ties to the runtime: compare it with
        // ToString("0.000000e+00") / ToString("F0") on seeded random bit patterns, on typical LLD magnitudes, on floats
        // nearest to 7-digit rounding ties, and on the edge cases.
        ulong state = 17;
        var values = new List<float>
        {
            0f, -0f, 1f, -1f, 0.5f, 1e-30f, 1e30f, 9.9999995f, 9.999999f, 0.099999994f, 1e15f, -1e15f, 123456789f,
            float.Epsilon, float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity,
            BitConverter.Int32BitsToSingle(0x3DCCCCCD), 16777215.5f, 0.1234567f,
        };
        for (int i = 0; i < 200_000; i++)
        {
            ulong r = Next(ref state);
            values.Add(BitConverter.Int32BitsToSingle((int)(uint)r));
            double magnitude = Math.Pow(10, ((r >> 32) % 2000 / 100.0) - 12);
            values.Add((float)(((r >> 11 & 0xFFFF) / 65536.0 - 0.5) * magnitude));
            long mantissa = 1_000_000 + (long)((r >> 20) % 9_000_000);
            int exponent = (int)((r >> 50) % 40) - 20;
            values.Add(float.Parse(string.Create(CultureInfo.InvariantCulture, $"{mantissa}5e{exponent - 7}"), CultureInfo.InvariantCulture));
        }

        foreach (float v in values)
        {
            Assert.Equal(Reference(v), OpenSmileCsv.FormatValue(v));
        }
    }

    [Fact]
    public void Stream_writer_gives_the_text_writer_bytes()
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", "speech6.wav"));
        var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmilePcm16Gain)).Extract(clip.Samples);
        var text = new StringWriter();
        OpenSmileCsv.WriteHeader(text, m.ColumnNames);
        OpenSmileCsv.WriteRows(text, "speech6 ü", m);
        var bytes = new MemoryStream();
        OpenSmileCsv.WriteHeader(bytes, m.ColumnNames);
        OpenSmileCsv.WriteRows(bytes, "speech6 ü", m);
        Assert.Equal(new System.Text.UTF8Encoding(false).GetBytes(text.ToString()), bytes.ToArray());

        // The rows themselves are the per-value formatter's text (the old row builder, value by value).
        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int r = 0; r < m.Rows; r += 37)
        {
            string expected = "'speech6 ü';" + m.FrameTimes[r].ToString("F6", CultureInfo.InvariantCulture) + string.Concat(m.Row(r).ToArray().Select(v => ";" + Reference(v)));
            Assert.Equal(expected, lines[r + 1]);
        }
    }

    // cCsvSink's rule with the runtime's formatters (the implementation before the span formatter).
    private static string Reference(float value)
    {
        double v = value;
        if (double.IsFinite(v) && Math.Floor(v) == v)
        {
            return v.ToString("F0", CultureInfo.InvariantCulture);
        }

        return double.IsFinite(v) ? v.ToString("0.000000e+00", CultureInfo.InvariantCulture) : (double.IsNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
    }

    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
