using System.Text;
using Affect.Learning;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>ClassifyActivity on a tiny seeded feature set written to a folder store.</summary>
public sealed class ClassifyActivityTests : IDisposable
{
    private const string SetBlob = "featureset/tiny/featureset.json";
    private static readonly string[] Classes = ["high", "low", "mid"];
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task KelmGridWritesSensibleMetricsAndScoresAndIsReusedOnTheSecondCall()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        await WriteFeatureSetAsync(store, testLabelled: true);
        var activity = new ClassifyActivity(store, log);
        var input = new ClassifyInput(SetBlob, "set-1", "wkelm");

        var first = await activity.RunAsync(input);
        Assert.False(first.Reused);
        Assert.StartsWith("classify/", first.Blob, StringComparison.Ordinal);
        Assert.EndsWith("/metrics.json", first.Blob, StringComparison.Ordinal);
        var metrics = await new MemoizedArtifacts(store, log).ReadJsonAsync<ClassifyMetrics>(first.Blob);
        Assert.Equal("wkelm", metrics.Learner);
        Assert.Equal(Classes, metrics.Classes);
        Assert.Null(metrics.Factors);
        Assert.Equal(LearnerOptions.DefaultCGrid, metrics.Grid.Select(g => g.C!.Value));
        Assert.All(metrics.Grid, g => Assert.InRange(g.DevelUar, 0.0, 1.0));
        var best = metrics.Grid.MaxBy(g => g.DevelUar)!;
        Assert.Equal(best.C, metrics.C);
        Assert.Equal(best.DevelUar, metrics.DevelUar!.Value, 12);
        Assert.True(metrics.TestUar > 0.8, $"test UAR {metrics.TestUar} on separated clusters");
        Assert.InRange(metrics.TestWar!.Value, 0.0, 1.0);
        Assert.Equal(15, metrics.TestConfusion!.Sum(r => r.Sum()));
        Assert.Equal([6, 6, 3], metrics.DevelConfusion!.Select(r => r.Sum()));
        var confusion = metrics.TestConfusion!;
        double diagonal = Enumerable.Range(0, 3).Sum(i => confusion[i][i]);
        Assert.Equal(metrics.TestWar.Value, diagonal / 15, 12);

        string folder = first.Blob[..(first.Blob.LastIndexOf('/') + 1)];
        string scores = Encoding.UTF8.GetString(await ReadAsync(store, folder + "test.scores.csv"));
        var lines = scores.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,high,low,mid,predicted", lines[0]);
        Assert.Equal(16, lines.Length);
        Assert.StartsWith("test000,", lines[1], StringComparison.Ordinal);
        Assert.True(await store.ExistsAsync(Containers.Artifacts, folder + "devel.scores.csv"));

        var second = await activity.RunAsync(input);
        Assert.True(second.Reused);
        Assert.Equal(first.Key, second.Key);
        var other = await activity.RunAsync(input with { FeatureSetKey = "set-2" });
        Assert.NotEqual(first.Key, other.Key);
    }

    [Fact]
    public async Task KplsOnAnUnlabelledTestPartitionSelectsFactorsAndReportsNoTestMetrics()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        await WriteFeatureSetAsync(store, testLabelled: false);
        var result = await new ClassifyActivity(store, log).RunAsync(new ClassifyInput(SetBlob, "set-1", "kpls", MaxFactors: 6));
        var metrics = await new MemoizedArtifacts(store, log).ReadJsonAsync<ClassifyMetrics>(result.Blob);
        Assert.Null(metrics.C);
        Assert.InRange(metrics.Factors!.Value, 2, 6);
        Assert.Equal(5, metrics.Grid.Count);
        Assert.Null(metrics.TestUar);
        Assert.Null(metrics.TestWar);
        Assert.Null(metrics.TestConfusion);
        Assert.NotNull(metrics.DevelUar);
    }

    [Fact]
    public async Task RowCountMismatchNamesTheMatrixBlob()
    {
        var store = new FolderBlobStore(root);
        await WriteFeatureSetAsync(store, testLabelled: true, extraTestName: true);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new ClassifyActivity(store, new ActivityLog()).RunAsync(new ClassifyInput(SetBlob, "set-1", "kelm")));
        Assert.Contains("artifacts/featureset/tiny/test.npy: 15 rows, but test.names has 16", e.Message, StringComparison.Ordinal);
    }

    // train 30, devel 15, test 15 rows (classes cycled high, low, mid, except devel: 6/6/3) in 12 dimensions.
    private static async Task WriteFeatureSetAsync(IBlobStore store, bool testLabelled, bool extraTestName = false)
    {
        var train = Partition(1, 30, "train");
        var devel = Partition(2, 15, "devel", minorityLast: true);
        var test = Partition(3, 15, "test");
        var set = new FeatureSetArtifact(
            new FeatureSetPartition("train.npy", train.Names, train.Labels),
            new FeatureSetPartition("devel.npy", devel.Names, devel.Labels),
            new FeatureSetPartition("test.npy", extraTestName ? [.. test.Names, "ghost"] : test.Names, testLabelled ? test.Labels : null));
        await store.PutBytesAsync(Containers.Artifacts, SetBlob, MemoizedArtifacts.ToJsonBytes(set));
        foreach (var (name, p) in new[] { ("train", train), ("devel", devel), ("test", test) })
        {
            await store.PutBytesAsync(Containers.Artifacts, $"featureset/tiny/{name}.npy", NpyMatrix.WriteFloat32(p.X));
        }
    }

    private static (RealMatrix X, string[] Names, string?[] Labels) Partition(ulong seed, int n, string prefix, bool minorityLast = false)
    {
        const int d = 12;
        var centres = new SplitMix64(77);
        var mean = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, d).Select(_ => 3 * Uniform(ref centres)).ToArray()).ToArray();
        var rng = new SplitMix64(seed);
        var x = new RealMatrix(n, d);
        var labels = new string?[n];
        for (int i = 0; i < n; i++)
        {
            int c = minorityLast ? (i < 12 ? i % 2 : 2) : i % 3;
            labels[i] = Classes[c];
            for (int j = 0; j < d; j++)
            {
                x[i, j] = mean[c][j] + Uniform(ref rng);
            }
        }

        return (x, [.. Enumerable.Range(0, n).Select(i => $"{prefix}{i:D3}")], labels);
    }

    private static double Uniform(ref SplitMix64 rng) => ((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5;

    private static async Task<byte[]> ReadAsync(IBlobStore store, string blob)
    {
        await using var s = await store.OpenReadAsync(Containers.Artifacts, blob);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }
}
