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
}
