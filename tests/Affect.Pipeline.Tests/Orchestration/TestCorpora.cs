using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>Small synthetic corpora uploaded to a store, the way a user uploads them (manifest last).</summary>
internal static class TestCorpora
{
    public static readonly string[] Names = ["usoms", "recola"];

    public static async Task UploadAsync(IBlobStore store, ulong seed = 7)
    {
        await UploadAsync(store, "usoms", SyntheticCorpusGenerator.Generate(SmallUsoms(seed)));
        var recola = SyntheticCorpusSpec.Default(SyntheticCorpusKind.Recola, seed) with { Minutes = 0.25 };
        await UploadAsync(store, "recola", SyntheticCorpusGenerator.Generate(recola));
    }

    /// <summary>A categorical corpus smaller than the demo's (9 speakers × 6 utterances of 3–6 s), to keep pipeline tests fast.</summary>
    public static SyntheticCorpusSpec SmallUsoms(ulong seed) =>
        SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, seed) with { Speakers = 9, UtterancesPerSpeaker = 6, MinUtteranceSeconds = 3, MaxUtteranceSeconds = 6 };

    public static async Task UploadAsync(IBlobStore store, string corpus, IReadOnlyList<CorpusFile> files)
    {
        foreach (var f in files.OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
        {
            await store.PutBytesAsync(Containers.Corpora, $"{corpus}/{f.RelativePath}", f.Content);
        }
    }

    /// <summary>A run over the test corpora with small BoAW codebooks and two learners, to keep tests fast.</summary>
    public static ExperimentSpec Spec(ulong seed, int batchSize) =>
        new(Names, seed) { Features = new(BatchSize: batchSize), Boaw = new(Size: 16, Iterations: 5), Learners = new(Names: ["kelm", "wkpls"]) };

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
