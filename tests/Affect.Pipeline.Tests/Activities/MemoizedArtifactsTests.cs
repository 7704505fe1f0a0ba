using System.Text;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>
/// Artifacts are committed with an integrity record and verified on reuse and on read: a truncated, overwritten or
/// partly committed artifact is reported by file and recomputed, never used (issue 19.2).
/// </summary>
public sealed class MemoizedArtifactsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "affect-memo-" + Guid.NewGuid().ToString("N"));
    private readonly FolderBlobStore store;
    private readonly ActivityLog log = new();
    private readonly MemoizedArtifacts artifacts;
    private int computations;

    public MemoizedArtifactsTests()
    {
        store = new FolderBlobStore(root);
        artifacts = new MemoizedArtifacts(store, log);
    }

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task An_intact_artifact_is_reused_without_computing()
    {
        var first = await GetAsync();
        var second = await GetAsync();
        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(1, computations);
        Assert.Empty(log.Corrupt);
        Assert.True(await store.ExistsAsync(Containers.Artifacts, "stage/k1/" + ArtifactIntegrity.FileName));
        Assert.Equal(Main, await artifacts.ReadJsonAsync<Doc>("stage/k1/main.json"));
    }

    [Theory]
    [InlineData("main.json", "truncate", "artifacts/stage/k1/main.json: 10 bytes, committed ")]
    [InlineData("side.bin", "flip", "artifacts/stage/k1/side.bin: sha256 ")]
    [InlineData("side.bin", "delete", "artifacts/stage/k1/side.bin: missing (committed 4096 bytes)")]
    [InlineData("sha256.json", "delete", "artifacts/stage/k1/sha256.json: missing (the commit did not finish")]
    [InlineData("sha256.json", "truncate", "artifacts/stage/k1/sha256.json: ")]
    public async Task A_damaged_artifact_is_reported_by_file_and_recomputed(string file, string damage, string expected)
    {
        await GetAsync();
        string path = Path.Combine(root, Containers.Artifacts, "stage", "k1", file);
        byte[] good = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(path, good[..10]);
                break;
            case "flip":
                var flipped = (byte[])good.Clone();
                flipped[100] ^= 1;
                File.WriteAllBytes(path, flipped);
                break;
            case "delete":
                File.Delete(path);
                break;
        }

        if (file != ArtifactIntegrity.FileName && damage != "delete")
        {
            // Reading the damaged file directly is refused, naming it.
            var e = await Assert.ThrowsAnyAsync<InvalidDataException>(() => artifacts.ReadBytesAsync("stage/k1/" + file));
            Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        }

        var again = await GetAsync();
        Assert.False(again.Reused);
        Assert.Equal(2, computations);
        var corrupt = Assert.Single(log.Corrupt);
        Assert.StartsWith(expected, corrupt.Problem, StringComparison.Ordinal);
        Assert.Equal(("stage", "k1"), (corrupt.Stage, corrupt.Key));
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal(Main, await artifacts.ReadJsonAsync<Doc>("stage/k1/main.json"));

        // Repaired: the next run reuses it.
        Assert.True((await GetAsync()).Reused);
        Assert.Equal(2, computations);
    }

    [Fact]
    public async Task A_truncated_json_artifact_read_names_the_blob()
    {
        await store.PutBytesAsync(Containers.Artifacts, "other/k2/metrics.json", "{\"name\": \"x\", \"val"u8.ToArray());
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => artifacts.ReadJsonAsync<Doc>("other/k2/metrics.json"));
        Assert.StartsWith("artifacts/other/k2/metrics.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_runners_on_one_store_compute_an_artifact_once()
    {
        // Four runners (separate logs and MemoizedArtifacts, one store, as two processes sharing --out) race for 3 keys.
        int computed = 0;
        var runners = Enumerable.Range(0, 4).Select(_ => new ActivityLog()).Select(l => (Log: l, Memo: new MemoizedArtifacts(new FolderBlobStore(root), l))).ToList();
        var work = runners.SelectMany(r => new[] { "a", "b", "c" }.Select(key => r.Memo.GetOrCreateAsync("race", key, "main.json", async ct =>
        {
            Interlocked.Increment(ref computed);
            await Task.Delay(300, ct);
            return ArtifactFiles.Only(Encoding.UTF8.GetBytes(key));
        })));
        var refs = await Task.WhenAll(work);
        Assert.Equal(3, computed);
        Assert.Equal(3, refs.Count(r => !r.Reused));
        Assert.All(runners, r => Assert.Empty(r.Log.Corrupt));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, Containers.Artifacts, "race"), ArtifactClaim.FileName, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_claim_left_by_a_killed_process_is_taken_over_at_once()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync();
        string claim = $"{{\"host\": \"{Environment.MachineName}\", \"processId\": {gone.Id}, \"renewedAt\": \"{DateTimeOffset.UtcNow:O}\"}}";
        await store.PutBytesAsync(Containers.Artifacts, "stage/k1/" + ArtifactClaim.FileName, Encoding.UTF8.GetBytes(claim));
        var started = DateTime.UtcNow;
        var r = await GetAsync();
        Assert.False(r.Reused);
        Assert.True(DateTime.UtcNow - started < ArtifactClaim.Lease / 2, "waited for the dead holder's lease");
        Assert.False(await store.ExistsAsync(Containers.Artifacts, "stage/k1/" + ArtifactClaim.FileName));
    }

    [Fact]
    public async Task A_live_claim_makes_the_second_runner_wait_for_the_commit()
    {
        await using var held = await ArtifactClaim.TryAcquireAsync(store, Containers.Artifacts, "stage/k1/" + ArtifactClaim.FileName);
        Assert.NotNull(held);
        Assert.Null(await ArtifactClaim.TryAcquireAsync(store, Containers.Artifacts, "stage/k1/" + ArtifactClaim.FileName));
        var waiting = GetAsync();
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, computations);

        // The holder commits (as the other runner would) and releases: the waiter reuses it.
        var files = Files();
        await store.PutBytesAsync(Containers.Artifacts, "stage/k1/side.bin", files.Side["side.bin"]);
        await store.PutBytesAsync(Containers.Artifacts, "stage/k1/main.json", files.Main);
        var record = ArtifactIntegrity.Of(files.Side.Append(new KeyValuePair<string, byte[]>("main.json", files.Main)));
        await store.PutBytesAsync(Containers.Artifacts, "stage/k1/" + ArtifactIntegrity.FileName, record.ToBytes());
        await held!.DisposeAsync();
        var r = await waiting;
        Assert.True(r.Reused);
        Assert.Equal(0, computations);
    }

    private static readonly Doc Main = new("main", 42);

    private Task<ArtifactRef> GetAsync() => artifacts.GetOrCreateAsync("stage", "k1", "main.json", _ =>
    {
        computations++;
        return Task.FromResult(Files());
    });

    private static ArtifactFiles Files()
    {
        var side = new byte[4096];
        for (int i = 0; i < side.Length; i++)
        {
            side[i] = (byte)(i * 7);
        }

        return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(Main), new Dictionary<string, byte[]> { ["side.bin"] = side });
    }

    private sealed record Doc(string Name, int Value);
}
