using System.Text;
using Affect.Audio;
using Affect.Corpora.Synthetic;

namespace Affect.Corpora.Tests;

/// <summary>The four default corpora, generated once for all tests of the class.</summary>
public sealed class DefaultCorpora
{
    public const ulong Seed = 2018;

    public Dictionary<SyntheticCorpusKind, IReadOnlyList<CorpusFile>> Files { get; } =
        Enum.GetValues<SyntheticCorpusKind>().ToDictionary(k => k, k => SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(k, Seed)));

    public CorpusManifest Manifest(SyntheticCorpusKind kind) =>
        CorpusManifest.Parse(Encoding.UTF8.GetString(Files[kind][^1].Content), "manifest.json");

    public byte[] File(SyntheticCorpusKind kind, string path) => Files[kind].Single(f => f.RelativePath == path).Content;
}

public sealed class SyntheticCorpusTests(DefaultCorpora corpora) : IClassFixture<DefaultCorpora>
{
    [Theory]
    [InlineData(SyntheticCorpusKind.Recola)]
    [InlineData(SyntheticCorpusKind.Semaine)]
    [InlineData(SyntheticCorpusKind.CreativeIt)]
    [InlineData(SyntheticCorpusKind.Usoms)]
    public void Default_corpora_pass_the_validator(SyntheticCorpusKind kind)
    {
        var files = corpora.Files[kind];
        Assert.Equal("manifest.json", files[^1].RelativePath);
        var manifest = corpora.Manifest(kind);
        Assert.Empty(CorpusValidator.Validate(manifest, new InMemoryCorpusSource(files)));
        Assert.Equal(SyntheticCorpusSpec.Default(kind, 1).CorpusName, manifest.Name);
        Assert.Equal(3, manifest.Files.Select(f => f.Partition).Distinct().Count());
        foreach (var speakerGroup in manifest.Files.GroupBy(f => f.Speaker))
        {
            Assert.Single(speakerGroup.Select(f => f.Partition).Distinct());
        }
    }

    [Fact]
    public void Same_spec_gives_identical_bytes_and_another_seed_differs()
    {
        var spec = new SyntheticCorpusSpec(SyntheticCorpusKind.Semaine, 5, 3, 0.15, 1);
        var a = SyntheticCorpusGenerator.Generate(spec);
        var b = SyntheticCorpusGenerator.Generate(spec);
        var c = SyntheticCorpusGenerator.Generate(spec with { Seed = 6 });
        Assert.Equal(a.Select(f => f.RelativePath), b.Select(f => f.RelativePath));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Content, b[i].Content);
        }

        Assert.NotEqual(a[0].Content, c[0].Content);
        Assert.NotEqual(a[1].Content, c[1].Content);

        // The default corpora are deterministic too (compared against a fresh generation of one of them).
        var usoms = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, DefaultCorpora.Seed));
        Assert.True(usoms.Zip(corpora.Files[SyntheticCorpusKind.Usoms]).All(p => p.First.RelativePath == p.Second.RelativePath && p.First.Content.AsSpan().SequenceEqual(p.Second.Content)));
    }

    [Fact]
    public void Kinds_with_the_same_seed_differ()
    {
        Assert.NotEqual(corpora.File(SyntheticCorpusKind.Semaine, "audio/s01_r01.wav").Take(20000), corpora.File(SyntheticCorpusKind.CreativeIt, "audio/s01_r01.wav").Take(20000));
    }

    [Fact]
    public void WriteTo_writes_a_folder_that_validates()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = new SyntheticCorpusSpec(SyntheticCorpusKind.Recola, 3, 3, 0.2, 1);
            var manifest = SyntheticCorpusGenerator.WriteTo(spec, dir);
            Assert.Equal(3, manifest.Files.Count);
            Assert.Empty(CorpusValidator.ValidateFolder(dir));
            Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories));
            var header = WavReader.ReadHeader(System.IO.File.OpenRead(Path.Combine(dir, "audio", "s01_r01.wav")), "s01_r01.wav");
            Assert.Equal((1, 16000, 16), (header.Channels, header.SampleRate, header.BitsPerSample));
            Assert.Equal(12.0, header.DurationSeconds, 3);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Label_rates_and_raters_follow_the_real_corpora()
    {
        foreach (var (kind, rate, raters) in new[] { (SyntheticCorpusKind.Recola, 25.0, 6), (SyntheticCorpusKind.Semaine, 50.0, 8), (SyntheticCorpusKind.CreativeIt, 60.0, 3) })
        {
            var entry = corpora.Manifest(kind).Files[0];
            Assert.Equal(rate, entry.Labels!.Rate);
            Assert.Equal(raters, entry.Labels.Raters["arousal"].Count);
            Assert.Equal(raters, entry.Labels.Raters["valence"].Count);
        }
    }

    [Fact]
    public void Usoms_demo_classes_are_imbalanced_all_present_in_train_and_utterances_span_several_lstm_windows()
    {
        var manifest = corpora.Manifest(SyntheticCorpusKind.Usoms);
        Assert.Equal(80, manifest.Files.Count);
        double Share(string c) => manifest.Files.Count(f => f.Label == c) / (double)manifest.Files.Count;
        Assert.InRange(Share("M"), 0.35, 0.8);
        Assert.True(Share("M") > Share("L") && Share("M") > Share("H"), "M is the majority class");
        Assert.Equal(["H", "L", "M"], manifest.Files.Where(f => f.Partition == CorpusPartition.Train).Select(f => f.Label!).Distinct().Order());
        foreach (var entry in manifest.Files)
        {
            var header = WavReader.ReadHeader(new MemoryStream(corpora.File(SyntheticCorpusKind.Usoms, entry.Audio)), entry.Audio);
            Assert.InRange(header.DurationSeconds, 9, 12);
        }
    }

    [Fact]
    public void Invalid_spec_lists_every_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Recola, 1, 2, 0, 1)));
        Assert.Contains("Speakers", ex.Message);
        Assert.Contains("Minutes", ex.Message);
    }

    internal static (List<double> Arousal, List<double> Valence) RaterMeans(IReadOnlyList<CorpusFile> files)
    {
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(files[^1].Content), "manifest.json");
        var a = new List<double>();
        var v = new List<double>();
        foreach (var entry in manifest.Files)
        {
            var content = files.Single(f => f.RelativePath == entry.Labels!.Path).Content;
            var table = LabelTable.Parse(new MemoryStream(content), entry.Labels!.Path);
            var ar = entry.Labels.Raters["arousal"];
            var va = entry.Labels.Raters["valence"];
            for (int r = 0; r < table.RowCount; r++)
            {
                a.Add(ar.Average(c => table.Column(c)[r]));
                v.Add(va.Average(c => table.Column(c)[r]));
            }
        }

        return (a, v);
    }

    internal static double[] Samples(byte[] wav)
    {
        var header = WavReader.ReadHeader(new MemoryStream(wav), "x.wav");
        var r = new double[header.FrameCount];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = BitConverter.ToInt16(wav, (int)header.DataOffset + (2 * i)) / 32768.0;
        }

        return r;
    }
}
