using System.Text.RegularExpressions;
using Affect.Audio;
using Affect.Corpora.Import;

namespace Affect.Corpora.Tests.Import;

/// <summary>Every bad input gives one line naming the file and field, and leaves no output folder (nor a temporary one) behind.</summary>
public sealed class ImportErrorTests : IDisposable
{
    private readonly string dir = SourceTrees.TempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Out => Path.Combine(dir, "out", "corpus");

    private Exception Fails(string layout, string source, ImportOptions? options = null, string? outDir = null)
    {
        var e = Record.Exception(() => CorpusImporter.Import(CorpusLayouts.Find(layout)!, new FolderImportSource(source), options ?? ImportOptions.Default, "corpus", outDir ?? Out));
        Assert.NotNull(e);
        Assert.True(e is CorpusImportException or WavFormatException, e.ToString());
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(Out) && Directory.EnumerateFileSystemEntries(Out).Any(), "a half-written corpus was left");
        if (Directory.Exists(Path.Combine(dir, "out")))
        {
            Assert.Empty(Directory.GetDirectories(Path.Combine(dir, "out"), ".*"));
        }

        return e;
    }

    private string EmoDb() => SourceTrees.EmoDb(Path.Combine(dir, "emodb"), speakers: 3, seconds: 0.05);

    [Fact]
    public void Unknown_emotion_letter_names_the_file_and_character()
    {
        string src = EmoDb();
        SourceTrees.Write(src, "wav/03a05Xb.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("wav/03a05Xb.wav: name[6]: emotion letter 'X' is not one of W, L, E, A, F, T, N", Fails("emodb", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_outside_the_emodb_scheme_and_a_non_wav_file_are_refused()
    {
        string src = EmoDb();
        SourceTrees.Write(src, "wav/speaker3-angry.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("wav/speaker3-angry.wav: name: 'speaker3-angry' does not follow EmoDB's scheme", Fails("emodb", src).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(src, "wav", "speaker3-angry.wav"));
        SourceTrees.Write(src, "wav/03a01Fa.mp3", "ID3");
        Assert.StartsWith("wav/03a01Fa.mp3: name: is not a WAV file", Fails("emodb", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wav_that_is_not_riff_names_the_file_and_header_field_and_the_output_is_not_created()
    {
        string src = EmoDb();
        SourceTrees.Write(src, "wav/16b10Nc.wav", "this is not a RIFF file at all, just text....");
        Assert.StartsWith("wav/16b10Nc.wav: riff", Fails("emodb", src).Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void A_symbolic_link_out_of_the_source_is_refused()
    {
        string src = EmoDb();
        string outside = Path.Combine(dir, "secret.wav");
        File.WriteAllBytes(outside, SourceTrees.Wav(1, 0.05, 1));
        File.CreateSymbolicLink(Path.Combine(src, "wav", "03a07Wa.wav"), outside);
        Assert.StartsWith("wav/03a07Wa.wav: path: is a symbolic link that leads outside the source folder", Fails("emodb", src).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(src, "wav", "03a07Wa.wav"));
        Directory.CreateSymbolicLink(Path.Combine(src, "more"), dir);
        Assert.StartsWith("more: path: is a symbolic link that leads outside", Fails("emodb", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regex_without_a_group_or_not_matching_names_the_file_and_option()
    {
        string src = Path.Combine(dir, "folder");
        SourceTrees.Write(src, "a_happy.wav", SourceTrees.Wav(1, 0.05, 1));
        SourceTrees.Write(src, "b-sad.wav", SourceTrees.Wav(1, 0.05, 1));
        var options = ImportOptions.Default with { ClassFrom = new Regex("_[a-z]+"), SpeakerFrom = new Regex("^([a-z])") };
        Assert.StartsWith("a_happy.wav: --class-from: the pattern '_[a-z]+' has no capture group", Fails("folder", src, options).Message, StringComparison.Ordinal);
        options = options with { ClassFrom = new Regex("_([a-z]+)") };
        Assert.StartsWith("b-sad.wav: --class-from: the pattern '_([a-z]+)' does not match this path", Fails("folder", src, options).Message, StringComparison.Ordinal);
        Assert.StartsWith("a_happy.wav: --class-from: the folder layout needs --class-from", Fails("folder", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_csv_problems_name_the_line_and_column()
    {
        string src = Path.Combine(dir, "folder");
        for (int i = 0; i < 4; i++)
        {
            SourceTrees.Write(src, $"x/c{i}.wav", SourceTrees.Wav(i, 0.05, i));
        }

        SourceTrees.Write(src, "y/c0.wav", SourceTrees.Wav(1, 0.05, 1));
        ImportOptions With(string csv) => ImportOptions.Default with { Labels = "labels.csv", LabelsText = csv };
        Assert.StartsWith("labels.csv: line 2, column file: '../escape.wav' has a '..' segment", Fails("folder", src, With("file,label,speaker\n../escape.wav,a,s1\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith("labels.csv: line 2, column file: 'x/c0.flac' is not a WAV file", Fails("folder", src, With("file,label,speaker\nx/c0.flac,a,s1\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith("labels.csv: line 3, column file: 'x/missing.wav' does not exist", Fails("folder", src, With("file,label,speaker\nx/c0.wav,a,s1\nx/missing.wav,a,s1\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith("labels.csv: header: no column named 'label'", Fails("folder", src, With("file,emo_class,speaker\nx/c0.wav,a,s1\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith("labels.csv: line 2: has 2 cells (expected 3", Fails("folder", src, With("file,label,speaker\nx/c0.wav,a\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith("y/c0.wav: id: 'c0' is also the id of x/c0.wav", Fails("folder", src, With("file,label,speaker\nx/c0.wav,a,s1\ny/c0.wav,b,s2\n")).Message, StringComparison.Ordinal);
        Assert.StartsWith(
            "labels.csv: partition: speaker 's1' of x/c1.wav is in test and in train (x/c0.wav)",
            Fails("folder", src, With("file,label,speaker,partition\nx/c0.wav,a,s1,train\nx/c1.wav,a,s1,test\n")).Message,
            StringComparison.Ordinal);
        Assert.StartsWith("labels.csv: line 2, column partition: 'holdout' is not a partition", Fails("folder", src, With("file,label,speaker,partition\nx/c0.wav,a,s1,holdout\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare2018_wav_missing_from_the_label_file_and_hidden_train_labels_are_refused()
    {
        string src = SourceTrees.Compare2018(Path.Combine(dir, "compare"));
        SourceTrees.Write(src, "wav/train_0099.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("wav/train_0099.wav: label: is not listed in lab/labels.csv", Fails("compare2018", src).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(src, "wav", "train_0099.wav"));
        File.WriteAllText(Path.Combine(src, "lab", "labels.csv"), File.ReadAllText(Path.Combine(src, "lab", "labels.csv")).Replace("train_0002.wav,M", "train_0002.wav,?", StringComparison.Ordinal));
        Assert.StartsWith("lab/labels.csv: line 3, column label: '?' hides the label of a train file", Fails("compare2018", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recola_rating_with_a_bad_cell_names_the_line_and_rater()
    {
        string src = SourceTrees.Recola(Path.Combine(dir, "recola"));
        string path = Path.Combine(src, "ratings_individual", "valence", "dev_1.csv");
        var lines = File.ReadAllLines(path);
        lines[5] = lines[5][..^6] + "abc";
        File.WriteAllLines(path, lines);
        Assert.StartsWith("ratings_individual/valence/dev_1.csv: line 6, column FF3: 'abc' is not a finite number", Fails("recola", src).Message, StringComparison.Ordinal);
        File.Delete(path);
        Assert.StartsWith("ratings_individual/valence/dev_1.csv: file: does not exist", Fails("recola", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ravdess_and_recola_names_outside_their_schemes_name_the_field()
    {
        string src = SourceTrees.Ravdess(Path.Combine(dir, "ravdess"), actors: 2);
        SourceTrees.Write(src, "Actor_02/03-01-09-01-01-01-02.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("Actor_02/03-01-09-01-01-01-02.wav: name.emotion: 09 is not a valid emotion (expected 01–08)", Fails("ravdess", src).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(src, "Actor_02", "03-01-09-01-01-01-02.wav"));
        SourceTrees.Write(src, "Actor_02/01-01-01-01-01-01-02.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("Actor_02/01-01-01-01-01-01-02.wav: name.modality: 01 is not a valid modality (expected 03, audio-only", Fails("ravdess", src).Message, StringComparison.Ordinal);

        string recola = SourceTrees.Recola(Path.Combine(dir, "recola"));
        SourceTrees.Write(recola, "recordings_audio/P16.wav", SourceTrees.Wav(1, 0.05, 1));
        Assert.StartsWith("recordings_audio/P16.wav: name: 'P16' does not start with train_, dev_ or test_", Fails("recola", recola).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feeltrace_time_going_backwards_names_the_line()
    {
        string src = SourceTrees.Semaine(Path.Combine(dir, "semaine"), sessions: 2);
        string trace = Path.Combine(src, "Sessions", "2", "R2S2TUCPoV.txt");
        var lines = File.ReadAllLines(trace);
        lines[10] = "0.001 0.5";
        File.WriteAllLines(trace, lines);
        Assert.StartsWith("Sessions/2/R2S2TUCPoV.txt: line 11: time 0.001 s is before the previous row's", Fails("semaine", src).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_inside_the_source_or_not_empty_is_refused_before_anything_is_written()
    {
        string src = EmoDb();
        Directory.CreateDirectory(Path.Combine(dir, "out2", "out"));
        File.WriteAllText(Path.Combine(dir, "out2", "out", "keep.txt"), "mine");
        Assert.Contains("--out: already exists and is not empty", Fails("emodb", src, outDir: Path.Combine(dir, "out2", "out")).Message, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "out2", "out", "keep.txt")));
        Assert.Contains("--out: lies inside the source folder", Fails("emodb", src, outDir: Path.Combine(src, "imported")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Speaker_split_is_deterministic_and_keeps_a_train_speaker()
    {
        var split = SpeakerSplit.Parse("60/20/20");
        string[] speakers = [.. Enumerable.Range(0, 10).Select(i => $"s{i}")];
        Assert.Equal(split.Assign(speakers, 7), split.Assign(speakers.Reverse(), 7));
        Assert.Equal([6, 2, 2], new[] { CorpusPartition.Train, CorpusPartition.Devel, CorpusPartition.Test }.Select(p => split.Assign(speakers, 7).Values.Count(v => v == p)));
        Assert.Equal(CorpusPartition.Train, Assert.Single(split.Assign(["only"], 1)).Value);
        Assert.Throws<FormatException>(() => SpeakerSplit.Parse("0/50/50"));
        Assert.Throws<FormatException>(() => SpeakerSplit.Parse("60-20-20"));
    }
}
