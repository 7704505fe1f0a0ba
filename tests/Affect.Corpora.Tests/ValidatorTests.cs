using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Tests;

public sealed class ValidatorTests
{
    private static CorpusProblem Single(IReadOnlyList<CorpusProblem> problems, string file, string field)
    {
        Assert.True(problems.Count == 1, "expected one problem, got: " + string.Join(" | ", problems));
        var p = problems[0];
        Assert.Equal(file, p.File);
        Assert.Equal(field, p.Field);
        return p;
    }

    [Fact]
    public void Valid_fixture_has_no_problems()
    {
        var f = new CorpusFixture();
        Assert.Empty(f.Validate());
        Assert.Empty(f.ValidateOnDisk());
    }

    [Fact]
    public void Missing_audio_is_named()
    {
        var f = new CorpusFixture();
        f.Files.Remove("audio/a2.wav");
        var p = Single(f.Validate(), "manifest.json", "files[1].audio");
        Assert.Contains("audio/a2.wav", p.Message);
    }

    [Fact]
    public void Bad_wav_is_named_with_its_header_field()
    {
        var f = new CorpusFixture();
        var bytes = (byte[])f.Files["audio/a1.wav"].Clone();
        Encoding.ASCII.GetBytes("RIFX").CopyTo(bytes, 0);
        f.Files["audio/a1.wav"] = bytes;
        f.SetText("audio/a2.wav", "not a wav file at all, just text that is long enough");
        var problems = f.Validate();
        Assert.Contains(problems, p => p.File == "audio/a1.wav" && p.Field == "riff.id" && p.Message.Contains("RIFX"));
        Assert.Contains(problems, p => p.File == "audio/a2.wav" && p.Field == "riff.id");
    }

    [Fact]
    public void Wrong_sample_rate_is_named()
    {
        var f = new CorpusFixture();
        f.Files["audio/a1.wav"] = WavWriter.ToPcm16Bytes(new float[44100 * 2], 44100);
        var p = Single(f.Validate(), "audio/a1.wav", "fmt.sampleRate");
        Assert.Contains("16000", p.Message);
    }

    [Fact]
    public void Missing_label_file_is_named()
    {
        var f = new CorpusFixture();
        f.Files.Remove("labels/a1.csv");
        Single(f.Validate(), "manifest.json", "files[0].labels.path");
    }

    [Theory]
    [InlineData("abc", "not a number")]
    [InlineData("NaN", "not finite")]
    [InlineData("Infinity", "not finite")]
    [InlineData("", "not a number")]
    public void Bad_label_cell_names_line_and_column(string cell, string expected)
    {
        var f = new CorpusFixture();
        f.Edit("labels/a1.csv", csv =>
        {
            var lines = csv.Split('\n');
            var cells = lines[2].Split(',');
            cells[2] = cell;
            lines[2] = string.Join(',', cells);
            return string.Join('\n', lines);
        });
        var p = Single(f.Validate(), "labels/a1.csv", "line 3, column A_r2");
        Assert.Contains(expected, p.Message);
    }

    [Fact]
    public void Missing_rater_column_is_named()
    {
        var f = new CorpusFixture();
        f.Edit("labels/a2.csv", csv => csv.Replace("A_r2", "A_r9"));
        var p = Single(f.Validate(), "labels/a2.csv", "line 1, column A_r2");
        Assert.Contains("files[1].labels.raters.arousal", p.Message);
    }

    [Fact]
    public void Missing_time_column_and_ragged_row_are_named()
    {
        var f = new CorpusFixture();
        f.Edit("labels/a1.csv", csv => csv.Replace("time,", "t,"));
        Single(f.Validate(), "labels/a1.csv", "line 1");
        f = new CorpusFixture();
        f.Edit("labels/a1.csv", csv => csv.Replace("\n0.08,", "\n0.08,1,"));
        Single(f.Validate(), "labels/a1.csv", "line 4");
    }

    [Fact]
    public void Time_column_inconsistent_with_rate_is_named()
    {
        var f = new CorpusFixture();
        f.SetText("labels/a1.csv", CorpusFixture.Csv(100, 50));
        var problems = f.Validate();
        Assert.Contains(problems, p => p.File == "labels/a1.csv" && p.Field == "line 4, column time" && p.Message.Contains("labels.rate"));
    }

    [Fact]
    public void Labels_not_covering_the_audio_are_named()
    {
        var f = new CorpusFixture();
        f.Files["audio/a2.wav"] = CorpusFixture.Wav(3.5);
        var p = Single(f.Validate(), "labels/a2.csv", "rows");
        Assert.Contains("3.5 s", p.Message);
        f.Files["audio/a2.wav"] = CorpusFixture.Wav(2.9);
        Assert.Empty(f.Validate());
    }

    [Fact]
    public void Categorical_corpus_checks_audio_but_needs_no_label_files()
    {
        var f = new CorpusFixture();
        f.Files.Clear();
        f.SetText("manifest.json", CorpusFixture.CategoricalJson);
        foreach (string id in new[] { "u1", "u2", "u3" })
        {
            f.Files[$"audio/{id}.wav"] = CorpusFixture.Wav(1);
        }

        Single(f.Validate(), "manifest.json", "files[3].audio");
    }

    [Fact]
    public void No_train_file_is_reported()
    {
        var f = new CorpusFixture();
        f.Edit("manifest.json", j => j.Replace("\"train\"", "\"devel\""));
        Single(f.Validate(), "manifest.json", "files");
    }

    [Fact]
    public void ValidateFolder_reports_parse_errors_and_still_checks_files()
    {
        var f = new CorpusFixture();
        f.Edit("manifest.json", j => j.Replace("\"speaker\": \"s1\", ", ""));
        f.Files.Remove("audio/a2.wav");
        var problems = f.ValidateOnDisk();
        Assert.Contains(problems, p => p.File == "manifest.json" && p.Field == "files[0].speaker");
        Assert.Contains(problems, p => p.File == "manifest.json" && p.Field == "files[1].audio");
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void ValidateFolder_reports_malformed_json_and_missing_manifest()
    {
        var f = new CorpusFixture();
        f.SetText("manifest.json", "{ not json");
        Assert.Contains(f.ValidateOnDisk(), p => p.File == "manifest.json" && p.Field == "$");
        f.Files.Remove("manifest.json");
        Assert.Contains(f.ValidateOnDisk(), p => p.File == "manifest.json" && p.Field == "file");
    }

    [Fact]
    public void Folder_source_rejects_path_tricks()
    {
        string dir = Directory.CreateTempSubdirectory("affect-src-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ok.csv"), "time\n0\n");
            var source = new FolderCorpusSource(dir);
            Assert.True(source.Exists("ok.csv"));
            Assert.False(source.Exists("missing.csv"));
            Assert.Throws<ArgumentException>(() => source.Exists("../ok.csv"));
            Assert.Throws<ArgumentException>(() => source.Open("/etc/passwd"));
            Assert.Throws<ArgumentException>(() => source.Open("a\\..\\..\\x"));
            Assert.Throws<ArgumentException>(() => source.Exists("a/./ok.csv"));
            using var s = source.Open("ok.csv");
            Assert.Equal(1, LabelTable.Parse(s, "ok.csv").RowCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
