using Affect.Features.Boaw;

namespace Affect.Features.Tests.Boaw;

public sealed class BoawCodebookTests
{
    private const int Half = 6;
    private static readonly string[] Columns = BoawTestData.Columns(Half);

    private static BoawOptions Small(ulong seed = 1, int assignments = 3, bool log = true) =>
        new(CodebookSize: 16, Assignments: assignments, Seed: seed, MaxIterations: 20, LogWeighting: log);

    [Fact]
    public void SameSeedGivesByteIdenticalCodebookAndHistograms()
    {
        var train = BoawTestData.Utterances(12, Columns.Length, 1);
        var devel = BoawTestData.Utterances(4, Columns.Length, 2, "d");
        var a = BoawCodebook.Learn(train, Columns, Small(seed: 42));
        var b = BoawCodebook.Learn(train, Columns, Small(seed: 42));
        var fa = a.ToFiles();
        var fb = b.ToFiles();
        Assert.Equal(fa.Keys, fb.Keys);
        foreach (var name in fa.Keys)
        {
            Assert.Equal(fa[name], fb[name]);
        }

        foreach (var u in devel)
        {
            Assert.Equal(Bits(a.Histogram(u)), Bits(b.Histogram(u)));
        }

        var c = BoawCodebook.Learn(train, Columns, Small(seed: 43));
        Assert.NotEqual(fa["codebook-lld.npy"], c.ToFiles()["codebook-lld.npy"]);
        Assert.NotEqual(fa["codebook-delta.npy"], c.ToFiles()["codebook-delta.npy"]);
        Assert.Contains(devel, u => !a.Histogram(u).SequenceEqual(c.Histogram(u)));
    }

    [Fact]
    public void SubsampledTrainingIsDeterministicToo()
    {
        var train = BoawTestData.Utterances(10, Columns.Length, 5);
        var options = Small() with { MaxTrainingFrames = 300, Method = CodebookMethod.Random };
        var a = BoawCodebook.Learn(train, Columns, options);
        var b = BoawCodebook.Learn(train, Columns, options);
        Assert.Equal(a.ToFiles()["codebook-lld.npy"], b.ToFiles()["codebook-lld.npy"]);
        Assert.All(a.Streams, s => Assert.Equal(300, s.TrainingFrames));
    }

    [Fact]
    public void StreamsSplitLldsAndDeltasAndHistogramsConcatenate()
    {
        var train = BoawTestData.Utterances(8, Columns.Length, 3);
        var book = BoawCodebook.Learn(train, Columns, Small());
        Assert.Equal(["lld", "delta"], book.Streams.Select(s => s.Stream.Name));
        Assert.Equal(Enumerable.Range(0, Half), book.Streams[0].Stream.Columns);
        Assert.Equal(Enumerable.Range(Half, Half), book.Streams[1].Stream.Columns);
        Assert.Equal(32, book.HistogramLength);
        Assert.Equal("lld_0", book.WordNames[0]);
        Assert.Equal("delta_15", book.WordNames[31]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void EachFrameContributesExactlyAssignmentsCounts(int a)
    {
        var train = BoawTestData.Utterances(8, Columns.Length, 4);
        var raw = BoawCodebook.Learn(train, Columns, Small(assignments: a, log: false));
        var logged = BoawCodebook.Learn(train, Columns, Small(assignments: a, log: true));
        var u = BoawTestData.Utterances(1, Columns.Length, 99, "x")[0];
        float[] h = raw.Histogram(u);
        Assert.Equal(u.Rows * a, h.Take(16).Sum());
        Assert.Equal(u.Rows * a, h.Skip(16).Sum());
        Assert.All(h, v => Assert.Equal(Math.Round(v), v));
        float[] hl = logged.Histogram(u);
        for (int w = 0; w < h.Length; w++)
        {
            Assert.Equal((float)Math.Log10(h[w] + 1.0), hl[w]);
        }
    }

    [Fact]
    public void StandardizationIsFittedOnTrainingFramesOnly()
    {
        var train = BoawTestData.Utterances(6, Columns.Length, 8);
        var devel = BoawTestData.Utterances(3, Columns.Length, 9, "d", offset: 100);
        var book = BoawCodebook.Learn(train, Columns, Small());
        var all = train.SelectMany(u => Enumerable.Range(0, u.Rows).Select(r => u.Values.AsSpan(r * Columns.Length, Columns.Length).ToArray())).ToArray();
        for (int c = 0; c < Half; c++)
        {
            double mean = all.Average(f => (double)f[c]);
            double sd = Math.Sqrt(all.Sum(f => (f[c] - mean) * (f[c] - mean)) / (all.Length - 1));
            Assert.Equal(mean, book.Streams[0].Means[c], 4);
            Assert.Equal(sd, book.Streams[0].Stds[c], 4);
        }

        // The devel bag uses the training statistics: brute-force it from them.
        var sc = book.Streams[0];
        var u0 = devel[0];
        var counts = new int[16];
        for (int r = 0; r < u0.Rows; r++)
        {
            var z = Enumerable.Range(0, Half).Select(c => (u0.Values[(r * Columns.Length) + c] - sc.Means[c]) / sc.Stds[c]).ToArray();
            var order = Enumerable.Range(0, 16).OrderBy(j => BoawTestData.Distance(z, sc.Words.AsSpan(j * Half, Half))).ThenBy(j => j).Take(3);
            foreach (int j in order)
            {
                counts[j]++;
            }
        }

        Assert.Equal(counts.Select(n => (float)Math.Log10(n + 1.0)), book.Histogram(u0).Take(16));

        // Devel data never reaches the codebook: learning with devel files appended to another call changes nothing.
        var again = BoawCodebook.Learn(train, Columns, Small());
        Assert.Equal(book.ToFiles()["codebook.json"], again.ToFiles()["codebook.json"]);
    }

    [Fact]
    public void SavedCodebookReloadsToIdenticalBagsAndBytes()
    {
        var train = BoawTestData.Utterances(8, Columns.Length, 12);
        var book = BoawCodebook.Learn(train, Columns, Small());
        string dir = Directory.CreateTempSubdirectory("affect-boaw").FullName;
        try
        {
            book.Save(dir);
            var loaded = BoawCodebook.Load(dir);
            Assert.Equal(book.Options, loaded.Options);
            foreach (var (name, bytes) in book.ToFiles())
            {
                Assert.Equal(bytes, loaded.ToFiles()[name]);
            }

            foreach (var u in BoawTestData.Utterances(3, Columns.Length, 13, "t"))
            {
                Assert.Equal(Bits(book.Histogram(u)), Bits(loaded.Histogram(u)));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void NaNFrameIsAnErrorNamingFileFrameAndColumn()
    {
        var train = BoawTestData.Utterances(4, Columns.Length, 14);
        var bad = train[2].Values.ToArray();
        bad[(5 * Columns.Length) + 7] = float.NaN;
        var withNaN = train.Select((u, i) => i == 2 ? u with { Values = bad } : u).ToList();
        var e = Assert.Throws<InvalidDataException>(() => BoawCodebook.Learn(withNaN, Columns, Small()));
        Assert.Contains("u002.wav", e.Message, StringComparison.Ordinal);
        Assert.Contains("frame 5", e.Message, StringComparison.Ordinal);
        Assert.Contains(Columns[7], e.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);

        var book = BoawCodebook.Learn(train, Columns, Small());
        var e2 = Assert.Throws<InvalidDataException>(() => book.Histogram(withNaN[2]));
        Assert.Contains("u002.wav", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidOptionsReportEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new BoawOptions(CodebookSize: 0, Assignments: 0, MaxIterations: -1, MaxTrainingFrames: -2).Validate());
        Assert.Contains("codebookSize", e.Message, StringComparison.Ordinal);
        Assert.Contains("assignments", e.Message, StringComparison.Ordinal);
        Assert.Contains("maxIterations", e.Message, StringComparison.Ordinal);
        Assert.Contains("maxTrainingFrames", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BoawOptions(CodebookSize: 5, Assignments: 6).Validate());
    }

    [Fact]
    public void EmptyUtteranceGivesZeros()
    {
        var book = BoawCodebook.Learn(BoawTestData.Utterances(6, Columns.Length, 15), Columns, Small());
        Assert.All(book.Histogram(new BoawFrames("empty.wav", [], 0)), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CsvHasNameWordColumnsAndClass()
    {
        var w = new StringWriter();
        BoawTable.WriteCsv(w, ["lld_0", "lld_1"], [new BoawRow("a", [0.5f, 0f], "H"), new BoawRow("b", [1f, 2f])], withClass: true);
        Assert.Equal("name;lld_0;lld_1;class\n'a';0.5;0;H\n'b';1;2;?\n", w.ToString());
    }

    private static int[] Bits(float[] v) => v.Select(BitConverter.SingleToInt32Bits).ToArray();
}
