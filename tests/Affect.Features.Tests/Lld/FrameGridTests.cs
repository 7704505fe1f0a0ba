using Affect.Audio;
using Affect.Features.IO;
using Affect.Features.Parity;

namespace Affect.Features.Tests.Lld;

public class FrameGridTests
{
    private static readonly LowLevelDescriptors Extractor = new(new LowLevelDescriptorOptions(IncludeDeltas: true));

    public static TheoryData<string> Set1Files() =>
        new(System.IO.Directory.GetFiles(Path.Combine(OpenSmileReference.Directory, "lld"), "*.csv").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    public static TheoryData<string> Set2Files() =>
        new(System.IO.Directory.GetFiles(Path.Combine(OpenSmileReference.Directory, "set2", "lld_htk"), "*.htk").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Set1Files))]
    public void Set1_row_count_and_frame_times_equal_openSMILE(string name)
    {
        using var reader = new StreamReader(Path.Combine(OpenSmileReference.Directory, "lld", name + ".csv"));
        var (_, reference) = OpenSmileCsv.Read(reader, name).Single();
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", name + ".wav"));
        LldMatrix ours = Extractor.Extract(clip.Samples);
        Assert.Equal(reference.Rows, ours.Rows);
        Assert.Equal(reference.ColumnNames, ours.ColumnNames);
        for (int r = 0; r < ours.Rows; r++)
        {
            Assert.Equal(reference.FrameTimes[r], ours.FrameTimes[r], 6);
        }
    }

    [Theory]
    [MemberData(nameof(Set2Files))]
    public void Set2_row_count_equals_openSMILE_and_values_are_finite(string name)
    {
        var reference = LldParityReport.ReadHtkMatrix(Path.Combine(OpenSmileReference.Directory, "set2", "lld_htk", name + ".htk"));
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "set2", "wav", name + ".wav"));
        LldMatrix ours = Extractor.Extract(clip.Samples);
        Assert.Equal(reference.Rows, ours.Rows);
        Assert.Equal(LowLevelDescriptors.RowCount(clip.Samples.Length), ours.Rows);
        Assert.All(ours.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Set2_manifest_frame_times_match_the_first_and_last_row()
    {
        string[] lines = File.ReadAllLines(Path.Combine(OpenSmileReference.Directory, "set2", "manifest.csv"));
        string[] head = lines[0].Split(',');
        int file = Array.IndexOf(head, "file"), rows = Array.IndexOf(head, "lld_rows"), last = Array.IndexOf(head, "last_frameTime"), samples = Array.IndexOf(head, "samples");
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            long n = long.Parse(f[samples], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(int.Parse(f[rows], System.Globalization.CultureInfo.InvariantCulture), LowLevelDescriptors.RowCount(n));
            if (f[file].Contains("long", StringComparison.Ordinal))
            {
                continue;
            }

            var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "set2", f[file]));
            LldMatrix m = Extractor.Extract(clip.Samples);
            Assert.Equal(0.0, m.FrameTimes[0]);
            Assert.Equal(double.Parse(f[last], System.Globalization.CultureInfo.InvariantCulture), m.FrameTimes[^1], 6);
        }
    }

    [Theory]
    [InlineData("speech1.wav")]
    [InlineData("silence.wav")]
    [InlineData("tone220.wav")]
    [InlineData("noise.wav")]
    public void A_0_3_second_cut_gives_26_finite_rows(string wav)
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", wav));
        float[] cut = clip.Samples[..4800];
        LldMatrix m = Extractor.Extract(cut);
        Assert.Equal(26, m.Rows);
        Assert.Equal(130, m.Columns);
        Assert.All(m.Values, v => Assert.True(float.IsFinite(v), $"{wav}: non-finite value"));
        Assert.Equal(0.24, m.FrameTimes[^1], 6);
        Assert.Equal(0.24, m.FrameTimes[^2], 6);
    }

    [Fact]
    public void Fewer_samples_than_one_60_ms_frame_give_no_rows()
    {
        Assert.Equal(0, Extractor.Extract(new float[959]).Rows);
        Assert.Equal(2, Extractor.Extract(new float[960]).Rows);
    }

    [Fact]
    public void Without_deltas_the_matrix_has_the_65_LLD_columns_with_the_same_values()
    {
        var clip = WavReader.Read(Path.Combine(OpenSmileReference.Directory, "wav", "speech6.wav"));
        LldMatrix full = Extractor.Extract(clip.Samples);
        LldMatrix plain = new LowLevelDescriptors(new LowLevelDescriptorOptions(IncludeDeltas: false)).Extract(clip.Samples);
        Assert.Equal(LldColumns.Lld, plain.ColumnNames);
        Assert.Equal(full.Rows, plain.Rows);
        for (int r = 0; r < full.Rows; r++)
        {
            Assert.True(full.Row(r)[..65].SequenceEqual(plain.Row(r)));
        }
    }

    [Fact]
    public void Options_reject_other_sample_rates_and_bad_gains_in_one_message()
    {
        var e = Assert.Throws<ArgumentException>(() => new LowLevelDescriptors(new LowLevelDescriptorOptions(SampleRate: 8000, InputGain: -1)));
        Assert.Contains("SampleRate", e.Message, StringComparison.Ordinal);
        Assert.Contains("InputGain", e.Message, StringComparison.Ordinal);
    }
}
