using System.Text.RegularExpressions;
using Affect.Audio;
using Affect.Corpora.Import;

namespace Affect.Corpora.Tests.Import;

/// <summary>Each layout on a miniature tree with the official names and headers, written to disk, converted and validated.</summary>
public sealed class CorpusImporterTests : IDisposable
{
    private readonly string dir = SourceTrees.TempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private ImportResult Import(string layout, string source, ImportOptions? options = null, string name = "corpus") =>
        CorpusImporter.Import(CorpusLayouts.Find(layout)!, new FolderImportSource(source), options ?? ImportOptions.Default, name, Path.Combine(dir, "out", name));

    [Fact]
    public void EmoDb_maps_speaker_and_emotion_letter_converts_44k_stereo_and_splits_by_speaker()
    {
        var result = Import("emodb", SourceTrees.EmoDb(Path.Combine(dir, "emodb")));
        var m = result.Manifest;
        Assert.Equal(35, m.Files.Count);
        Assert.Equal(["anger", "boredom", "disgust", "fear", "happiness", "sadness", "neutral"], m.Classes);
        var first = m.Files.Single(f => f.Id == "03a01Wa");
        Assert.Equal(("03", "anger"), (first.Speaker, first.Label));
        Assert.Equal("sadness", m.Files.Single(f => f.Id == "08a06Ta").Label);
        Assert.Equal((34, 1), (result.Copied, result.Converted));
        Assert.Empty(CorpusValidator.ValidateFolder(result.Directory));

        // the 44.1 kHz stereo source is now 16 kHz mono 16-bit PCM of the same duration
        using (var stream = File.OpenRead(Path.Combine(result.Directory, "audio", "03a01Wa.wav")))
        {
            var header = WavReader.ReadHeader(stream, "03a01Wa.wav");
            Assert.Equal((16000, 1, 16), (header.SampleRate, header.Channels, header.BitsPerSample));
            Assert.Equal(0.3, header.DurationSeconds, 2);
        }

        // a copied file is byte-identical to its source
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "emodb", "wav", "08a01Wa.wav")), File.ReadAllBytes(Path.Combine(result.Directory, "audio", "08a01Wa.wav")));

        // speaker-independent: each speaker in one partition; 5 speakers at 60/20/20 give 3/1/1
        var bySpeaker = m.Files.GroupBy(f => f.Speaker).ToDictionary(g => g.Key, g => g.Select(f => f.Partition).Distinct().Single());
        Assert.Equal([3, 1, 1], new[] { CorpusPartition.Train, CorpusPartition.Devel, CorpusPartition.Test }.Select(p => bySpeaker.Values.Count(v => v == p)));
    }

    [Fact]
    public void Same_source_and_seed_give_the_same_manifest_and_a_different_seed_another_split()
    {
        string src = SourceTrees.EmoDb(Path.Combine(dir, "emodb"), speakers: 10, seconds: 0.05);
        string a = Import("emodb", src, name: "a").Manifest.ToJson();
        string b = Import("emodb", src, name: "b").Manifest.ToJson();
        Assert.Equal(a.Replace("\"a\"", "\"b\"", StringComparison.Ordinal), b);
        var splits = Enumerable.Range(1, 4).Select(seed => string.Join(",", SpeakerSplit.Default.Assign(["03", "08", "09", "10", "11", "12", "13", "14", "15", "16"], (ulong)seed).OrderBy(p => p.Key).Select(p => p.Value))).Distinct().Count();
        Assert.True(splits > 1);
    }

    [Fact]
    public void Ravdess_takes_emotion_and_actor_from_the_seven_fields()
    {
        var m = Import("ravdess", SourceTrees.Ravdess(Path.Combine(dir, "ravdess"))).Manifest;
        Assert.Equal(40, m.Files.Count);
        Assert.Equal(RavdessLayout.Emotions, m.Classes);
        var f = m.Files.Single(x => x.Id == "03-01-05-01-01-01-02");
        Assert.Equal(("actor02", "angry"), (f.Speaker, f.Label));
    }

    [Fact]
    public void Compare2018_takes_partitions_from_file_name_prefixes_and_hides_test_labels()
    {
        var result = Import("compare2018", SourceTrees.Compare2018(Path.Combine(dir, "compare")));
        var m = result.Manifest;
        Assert.Equal(["L", "M", "H"], m.Classes);
        Assert.Equal([6, 3, 3], new[] { CorpusPartition.Train, CorpusPartition.Devel, CorpusPartition.Test }.Select(p => m.Files.Count(f => f.Partition == p)));
        Assert.All(m.Files.Where(f => f.Partition == CorpusPartition.Test), f => Assert.Null(f.Label));
        Assert.Equal("M", m.Files.Single(f => f.Id == "devel_0002").Label);
        Assert.Contains(result.Notes, n => n.Contains("no speaker ids", StringComparison.Ordinal));
    }

    [Fact]
    public void Recola_reads_avec2016_individual_ratings_at_25_hz_and_leaves_out_unrated_test_recordings()
    {
        var result = Import("recola", SourceTrees.Recola(Path.Combine(dir, "recola")));
        var m = result.Manifest;
        Assert.Equal(CorpusKind.Dimensional, m.Kind);
        Assert.Equal(["dev_1", "train_1", "train_2"], m.Files.Select(f => f.Id));
        Assert.Equal(CorpusPartition.Devel, m.Files[0].Partition);
        var labels = m.Files[1].Labels!;
        Assert.Equal(25, labels.Rate);
        Assert.Equal(["arousal_FF1", "arousal_FF2", "arousal_FF3", "arousal_FM1", "arousal_FM2", "arousal_FM3"], labels.Raters["arousal"]);
        Assert.Contains(result.Notes, n => n.StartsWith("recordings_audio/test_1.wav: left out", StringComparison.Ordinal));
        string[] csv = File.ReadAllLines(Path.Combine(result.Directory, "labels", "train_1.csv"));
        Assert.Equal(52, csv.Length); // header + 51 frames (0 .. 2 s)
        Assert.StartsWith("0.04,", csv[2], StringComparison.Ordinal);
        Assert.Empty(CorpusValidator.ValidateFolder(result.Directory));
    }

    [Fact]
    public void Semaine_resamples_feeltrace_to_50_hz_per_session_and_notes_unannotated_sessions()
    {
        var result = Import("semaine", SourceTrees.Semaine(Path.Combine(dir, "semaine")));
        var m = result.Manifest;
        Assert.Equal(["Sessions_1", "Sessions_2", "Sessions_3"], m.Files.Select(f => f.Id));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "semaine", "Sessions", "1", "2009.01.01.10.00.00_User HeadMounted_Poppy.wav")), File.ReadAllBytes(Path.Combine(result.Directory, "audio", "Sessions_1.wav")));
        Assert.Equal(50, m.Files[0].Labels!.Rate);
        Assert.Equal(["arousal_R1", "arousal_R2"], m.Files[0].Labels!.Raters["arousal"]);
        Assert.Contains(result.Notes, n => n.StartsWith("Sessions/99: left out", StringComparison.Ordinal));
        Assert.Empty(CorpusValidator.ValidateFolder(result.Directory));
    }

    [Fact]
    public void CreativeIt_maps_activation_to_arousal_at_60_hz()
    {
        var result = Import("creativeit", SourceTrees.CreativeIt(Path.Combine(dir, "creativeit")), ImportOptions.Default with { SpeakerFrom = new Regex("_(Actor[0-9]+)") });
        var m = result.Manifest;
        Assert.Equal(3, m.Files.Count);
        Assert.Equal(60, m.Files[0].Labels!.Rate);
        Assert.Equal(["arousal_A1", "arousal_A2", "arousal_A3"], m.Files[0].Labels!.Raters["arousal"]);
        Assert.Equal("Actor1", m.Files[0].Speaker);
        Assert.Empty(CorpusValidator.ValidateFolder(result.Directory));
    }

    [Fact]
    public void Folder_layout_takes_class_and_speaker_from_regex_groups_and_given_partitions()
    {
        string src = Path.Combine(dir, "folder");
        string[] classes = ["happy", "sad"];
        for (int s = 1; s <= 4; s++)
        {
            foreach (string c in classes)
            {
                SourceTrees.Write(src, $"{(s <= 2 ? "train" : s == 3 ? "devel" : "test")}/spk{s}_{c}_01.wav", SourceTrees.Wav(s, 0.1, s));
            }
        }

        var options = ImportOptions.Default with { ClassFrom = new Regex("_([a-z]+)_"), SpeakerFrom = new Regex("(spk[0-9]+)"), PartitionFrom = new Regex("^([a-z]+)/") };
        var m = Import("folder", src, options).Manifest;
        Assert.Equal(["happy", "sad"], m.Classes);
        Assert.Equal(CorpusPartition.Devel, m.Files.Single(f => f.Id == "spk3_sad_01").Partition);
        Assert.Equal("spk4", m.Files.Single(f => f.Id == "spk4_happy_01").Speaker);
    }

    [Fact]
    public void Folder_layout_reads_a_label_csv()
    {
        string src = Path.Combine(dir, "folder");
        for (int i = 0; i < 6; i++)
        {
            SourceTrees.Write(src, $"clips/c{i}.wav", SourceTrees.Wav(i, 0.1, i));
        }

        string csv = "file,label,speaker\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"clips/c{i}.wav,{(i % 2 == 0 ? "pos" : "neg")},s{i / 2}\n"));
        var m = Import("folder", src, ImportOptions.Default with { LabelsText = csv, Labels = "labels.csv", Classes = ["neg", "pos"] }).Manifest;
        Assert.Equal(["neg", "pos"], m.Classes);
        Assert.Equal("s2", m.Files.Single(f => f.Id == "c5").Speaker);
    }
}
