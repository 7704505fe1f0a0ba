using Affect.Audio;
using Affect.Features;
using Affect.Features.Functionals;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Storage;
using Affect.Storage.Tests;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>FunctionalsActivity and BoawActivity on LLD artifacts of a tiny synthetic corpus in a folder store.</summary>
public sealed class UtteranceFeatureActivityTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task FunctionalsAreWrittenOncePerBatchAndReused()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        var batches = await WriteLldBatchesAsync(store);
        var activity = new FunctionalsActivity(store, log);

        var first = await activity.RunAsync(new FunctionalsBatch("tiny", batches[0]));
        Assert.False(first.Reused);
        Assert.StartsWith("functionals/", first.Blob, StringComparison.Ordinal);
        var doc = await new MemoizedArtifacts(store, log).ReadJsonAsync<FunctionalsArtifact>(first.Blob);
        Assert.Equal(["f0", "f1", "f2", "f3"], doc.Ids);
        Assert.Equal(ComParEFunctionals.Count, doc.Names.Count);
        var (values, rows, cols) = await ReadNpyAsync(store, first, doc.Matrix);
        Assert.Equal((4, ComParEFunctionals.Count), (rows, cols));
        Assert.Equal(values.Length, rows * cols);

        var second = await activity.RunAsync(new FunctionalsBatch("tiny", batches[0]));
        Assert.True(second.Reused);
        Assert.Equal(first.Key, second.Key);
        var other = await activity.RunAsync(new FunctionalsBatch("tiny", batches[1]));
        Assert.NotEqual(first.Key, other.Key);
    }

    [Fact]
    public async Task BagOfAudioWordsLearnsOnTrainAndCoversEveryFile()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        var batches = await WriteLldBatchesAsync(store);
        var activity = new BoawActivity(store, log);
        var request = new BoawRequest("tiny", batches, CodebookSize: 8, Assignments: 2, Seed: 3, MaxIterations: 10);

        var first = await activity.RunAsync(request);
        Assert.False(first.Reused);
        var doc = await new MemoizedArtifacts(store, log).ReadJsonAsync<BoawArtifact>(first.Blob);
        Assert.Equal(8, doc.Ids.Count);
        Assert.Equal(16, doc.Words.Count);
        Assert.Equal(4, doc.TrainingFiles); // f0, f1, f4, f5 are train
        Assert.All(doc.Streams, s => Assert.Equal(4 * 120, s.TrainingFrames));
        var (values, rows, cols) = await ReadNpyAsync(store, first, doc.Matrix);
        Assert.Equal((8, 16), (rows, cols));
        for (int r = 0; r < rows; r++)
        {
            // log10(TF + 1) with 2 counts per frame: every row has some weight in each stream.
            Assert.True(values.AsSpan(r * cols, 8).ToArray().Sum() > 0);
            Assert.True(values.AsSpan((r * cols) + 8, 8).ToArray().Sum() > 0);
        }

        string prefix = first.Blob[..(first.Blob.LastIndexOf('/') + 1)];
        Assert.True(await store.ExistsAsync(Containers.Artifacts, prefix + "codebook.json"));
        Assert.True(await store.ExistsAsync(Containers.Artifacts, prefix + "codebook-lld.npy"));
        Assert.True(await store.ExistsAsync(Containers.Artifacts, prefix + "codebook-delta.npy"));

        var second = await activity.RunAsync(request);
        Assert.True(second.Reused);
        var otherSeed = await activity.RunAsync(request with { Seed = 4 });
        Assert.False(otherSeed.Reused);
        Assert.NotEqual(first.Key, otherSeed.Key);
    }

    [Fact]
    public async Task BagOfAudioWordsWithoutTrainFilesIsAClearError()
    {
        var store = new FolderBlobStore(root);
        var batches = await WriteLldBatchesAsync(store, allDevel: true);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new BoawActivity(store, new ActivityLog()).RunAsync(new BoawRequest("tiny", batches, CodebookSize: 4, Assignments: 1)));
        Assert.Contains("train", e.Message, StringComparison.Ordinal);
    }

    // Two LLD batches of 4 files (120 frames × 130 columns each) in ExtractLldActivity's layout.
    /// <summary>
    /// A recording that ends inside voiced speech: the LLD artifact carries the pitch frames decided at the end of input,
    /// so the stage's functionals equal those computed from the extracted matrix (openSMILE's).
    /// </summary>
    [Fact]
    public async Task FunctionalsOfARecordingCutInsideSpeechUseThePitchFramesDecidedAtTheEnd()
    {
        string wav = Path.Combine(AzuriteFixture.FindRepositoryRoot()!, "tests", "data", "opensmile", "set3", "wav", "espeak_en-us_f2_t2_p92_cut085.wav");
        var clip = Affect.Audio.AudioLoader.LoadMono(wav);
        var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample))).Extract(clip.Samples);
        Assert.NotNull(m.PitchFramesDecidedAtEnd);
        Assert.True(m.PitchFramesDecidedAtEnd < m.Rows - 3, $"J = {m.PitchFramesDecidedAtEnd} of {m.Rows} rows");

        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        using (var ms = new MemoryStream())
        {
            NpyFormat.Write(ms, m.Values, m.Rows, m.Columns);
            await store.PutBytesAsync(Containers.Artifacts, "lld/cut/c0.npy", ms.ToArray());
        }

        using (var ms = new MemoryStream())
        {
            NpyFormat.Write(ms, m.TrailingSpectralRow!, 1, m.Columns);
            await store.PutBytesAsync(Containers.Artifacts, "lld/cut/c0.tail.npy", ms.ToArray());
        }

        var entry = new LldIndexEntry("c0", "s1", "train", m.Rows, m.Columns, "c0.npy", "c0.json") { Tail = "c0.tail.npy", PitchFramesDecided = m.PitchFramesDecidedAtEnd };
        await store.PutBytesAsync(Containers.Artifacts, "lld/cut/index.json", MemoizedArtifacts.ToJsonBytes(new LldIndex("cut", 0, LldColumns.All, 0.01, [entry])));
        var result = await new FunctionalsActivity(store, log).RunAsync(new FunctionalsBatch("cut", new ArtifactRef("lld", "cut", "lld/cut/index.json", Reused: false)));
        var doc = await new MemoizedArtifacts(store, log).ReadJsonAsync<FunctionalsArtifact>(result.Blob);
        var (values, _, _) = await ReadNpyAsync(store, result, doc.Matrix);

        float[] expected = ComParEFunctionals.Compute(m, wav);
        Assert.Equal(expected, values);
        var stored = await new MemoizedArtifacts(store, log).ReadJsonAsync<LldIndex>("lld/cut/index.json");
        Assert.Equal(m.PitchFramesDecidedAtEnd, stored.Files[0].PitchFramesDecided);

        // J matters: the estimate for a recording that ends as its last row (K − 2 when voiced) gives other functionals.
        var wrong = new LldMatrix(m.Values, m.Rows, m.ColumnNames, m.FrameTimes, m.TrailingSpectralRow) { PitchFramesDecidedAtEnd = m.Rows - 3 };
        Assert.NotEqual(expected, ComParEFunctionals.Compute(wrong, wav));
    }

    private static async Task<List<ArtifactRef>> WriteLldBatchesAsync(IBlobStore store, bool allDevel = false)
    {
        var refs = new List<ArtifactRef>();
        ulong state = 12345;
        for (int b = 0; b < 2; b++)
        {
            string key = $"lldtest{b}";
            var entries = new List<LldIndexEntry>();
            for (int i = 0; i < 4; i++)
            {
                int id = (b * 4) + i;
                string partition = allDevel ? "devel" : (i < 2 ? "train" : "devel");
                const int rows = 120;
                var values = new float[rows * LldColumns.All.Count];
                for (int k = 0; k < values.Length; k++)
                {
                    state = (state * 6364136223846793005UL) + 1442695040888963407UL;
                    values[k] = (float)((state >> 40) / (double)(1UL << 24)) + (k % 7);
                }

                using var ms = new MemoryStream();
                NpyFormat.Write(ms, values, rows, LldColumns.All.Count);
                await store.PutBytesAsync(Containers.Artifacts, $"lld/{key}/f{id}.npy", ms.ToArray());
                entries.Add(new LldIndexEntry($"f{id}", "s1", partition, rows, LldColumns.All.Count, $"f{id}.npy", $"f{id}.json"));
            }

            var index = new LldIndex("tiny", b * 4, LldColumns.All, 0.01, entries);
            string blob = $"lld/{key}/index.json";
            await store.PutBytesAsync(Containers.Artifacts, blob, MemoizedArtifacts.ToJsonBytes(index));
            refs.Add(new ArtifactRef("lld", key, blob, Reused: false));
        }

        return refs;
    }

    private static async Task<(float[] Values, int Rows, int Cols)> ReadNpyAsync(IBlobStore store, ArtifactRef artifact, string file)
    {
        string prefix = artifact.Blob[..(artifact.Blob.LastIndexOf('/') + 1)];
        byte[] bytes = await store.GetBytesAsync(Containers.Artifacts, prefix + file);
        using var ms = new MemoryStream(bytes);
        return NpyFormat.Read(ms, file);
    }
}
