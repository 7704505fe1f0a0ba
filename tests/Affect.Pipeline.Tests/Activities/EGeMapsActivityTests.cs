using Affect.Audio;
using Affect.Corpora.Synthetic;
using Affect.Features;
using Affect.Features.EGeMaps;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>EGeMapsActivity on a tiny synthetic corpus in a folder store, and the EGEMAPS feature set built from it.</summary>
public sealed class EGeMapsActivityTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task Functionals_equal_the_library_per_file_are_memoised_and_become_the_EGEMAPS_feature_set()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        var spec = new SyntheticCorpusSpec(SyntheticCorpusKind.Usoms, 5, 3, 0, 3);
        await TestCorpora.UploadAsync(store, "tiny", SyntheticCorpusGenerator.Generate(spec));
        var ingested = await new IngestCorpusActivity(store, log).RunAsync(new IngestRequest("tiny"));
        var activity = new EGeMapsActivity(store, log);
        var batches = new List<ArtifactRef>
        {
            await activity.RunAsync(new EGeMapsBatch("tiny", ingested.Record.Key, ingested.Record.Blob, 0, 5)),
            await activity.RunAsync(new EGeMapsBatch("tiny", ingested.Record.Key, ingested.Record.Blob, 5, ingested.FileCount - 5)),
        };
        Assert.All(batches, b => Assert.False(b.Reused));
        Assert.NotEqual(batches[0].Key, batches[1].Key);
        Assert.True((await activity.RunAsync(new EGeMapsBatch("tiny", ingested.Record.Key, ingested.Record.Blob, 0, 5))).Reused);

        var memo = new MemoizedArtifacts(store, log);
        var doc = await memo.ReadJsonAsync<FunctionalsArtifact>(batches[0].Blob);
        Assert.Equal(EGeMapsV02.FunctionalNames, doc.Names);
        Assert.Equal(5, doc.Ids.Count);
        string folder = batches[0].Blob[..(batches[0].Blob.LastIndexOf('/') + 1)];
        var (values, rows, cols) = NpyFormat.Read(new MemoryStream(await store.GetBytesAsync(Containers.Artifacts, folder + doc.Matrix)), "egemaps.npy");
        Assert.Equal((5, EGeMapsV02.FunctionalCount), (rows, cols));

        // Row 0 is the library's eGeMAPS of the first file's audio (openSMILE scaling).
        var record = await memo.ReadJsonAsync<CorpusRecord>(ingested.Record.Blob);
        var clip = Affect.Audio.AudioLoader.LoadMono(new MemoryStream(await store.GetBytesAsync(Containers.Corpora, record.Files[0].Audio)), "f0", Affect.Audio.AudioLoader.DefaultSampleRate);
        var samples = new float[clip.Samples.Length];
        LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample), samples);
        Assert.Equal(EGeMapsV02.ExtractFunctionals(samples), values.AsSpan(0, cols).ToArray());
        Assert.Contains(values, v => v != 0f);

        var request = new FeatureSetRequest("tiny", BuildFeatureSetActivity.EGeMapsName, ingested.Record.Key, ingested.Record.Blob, [], null, batches);
        var built = new BuildFeatureSetActivity(store, log);
        if (record.Files.Any(f => f.Partition == "train") && record.Files.Any(f => f.Partition == "test"))
        {
            var set = await built.RunAsync(request);
            var fs = await memo.ReadJsonAsync<FeatureSetArtifact>(set.Blob);
            Assert.Equal(EGeMapsV02.FunctionalNames, fs.FeatureNames);
            Assert.Equal(record.Files.Count(f => f.Partition == "train"), fs.Train.Names.Count);
        }

        var missing = await Assert.ThrowsAsync<ArgumentException>(() => built.RunAsync(request with { EGeMaps = null }));
        Assert.Contains("EGEMAPS", missing.Message, StringComparison.Ordinal);
    }
}
