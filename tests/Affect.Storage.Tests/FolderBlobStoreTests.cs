namespace Affect.Storage.Tests;

/// <summary>The blob store contract on a folder store, plus the folder layout and its own limits.</summary>
public sealed class FolderBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "affect-folder-store-" + Guid.NewGuid().ToString("N"));
    private readonly FolderBlobStore _store;

    public FolderBlobStoreTests()
    {
        _store = new FolderBlobStore(_root);
    }

    protected override IBlobStore Store => _store;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_blob_is_a_file_under_its_container_directory()
    {
        await _store.PutBytesAsync(Container, "a/b/c.txt", "abc"u8.ToArray());

        Assert.Equal("abc"u8.ToArray(), File.ReadAllBytes(Path.Combine(_root, Container, "a", "b", "c.txt")));
        Assert.Equal(Path.GetFullPath(_root), _store.Root);
    }

    [Fact]
    public async Task Failed_writes_leave_no_file_in_the_container_or_the_staging_area()
    {
        await _store.PutBytesAsync(Container, "keep", "k"u8.ToArray());

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync(Container, "broken", new FailingStream(new byte[500_000], 200_000, seekable: false)));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => _store.PutBytesAsync(Container, "keep", "x"u8.ToArray(), WriteCondition.IfAbsent));

        var containerFiles = Directory.GetFiles(Path.Combine(_root, Container), "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 });
        Assert.Equal([Path.Combine(_root, Container, "keep")], containerFiles);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".staging"), ".tmp-*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public async Task Same_length_overwrites_in_quick_succession_get_distinct_etags()
    {
        var etags = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            etags.Add((await _store.PutBytesAsync(Container, "same", new byte[] { (byte)i })).ETag);
        }

        Assert.Equal(etags.Count, etags.Distinct().Count());
    }

    [Fact]
    public async Task Two_store_instances_on_one_root_share_the_commit_lock()
    {
        var other = new FolderBlobStore(_root);
        var writes = Enumerable.Range(0, 10).Select(async i =>
        {
            var store = i % 2 == 0 ? _store : other;
            try
            {
                await store.PutBytesAsync(Container, "shared", new byte[] { (byte)i }, WriteCondition.IfAbsent);
                return 1;
            }
            catch (BlobConditionFailedException)
            {
                return 0;
            }
        });

        Assert.Equal(1, (await Task.WhenAll(writes)).Sum());
        Assert.Single(await other.ListAsync(Container).CollectAsync());
    }

    [Fact]
    public async Task A_blob_and_a_folder_of_blobs_with_one_name_is_refused_clearly()
    {
        await _store.PutBytesAsync(Container, "a/b", "x"u8.ToArray());

        var clash = await Assert.ThrowsAsync<IOException>(() => _store.PutBytesAsync(Container, "a", "y"u8.ToArray()));
        Assert.Contains($"'{Container}/a'", clash.Message, StringComparison.Ordinal);

        // Deleting the last blob under 'a/' removes the empty folder, so 'a' can become a blob.
        Assert.True(await _store.DeleteAsync(Container, "a/b"));
        await _store.PutBytesAsync(Container, "a", "y"u8.ToArray());
        Assert.Equal("y"u8.ToArray(), await _store.GetBytesAsync(Container, "a"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => _store.OpenReadAsync(Container, "a/b"));
    }

    [Fact]
    public async Task Hidden_files_are_blobs_like_any_other()
    {
        await _store.PutBytesAsync(Container, ".keep", "k"u8.ToArray());
        await _store.PutBytesAsync(Container, "d/.hidden", "h"u8.ToArray());

        Assert.Equal([".keep", "d/.hidden"], (await ListAsync()).Select(b => b.Name));
    }

    [Fact]
    public async Task Reading_a_folder_name_is_a_missing_blob()
    {
        await _store.PutBytesAsync(Container, "dir/file", "x"u8.ToArray());

        await Assert.ThrowsAsync<BlobNotFoundException>(() => _store.OpenReadAsync(Container, "dir"));
        Assert.Null(await _store.GetInfoAsync(Container, "dir"));
        Assert.False(await _store.DeleteAsync(Container, "dir"));
    }

    [Fact]
    public void Stale_temporaries_from_a_crashed_writer_are_removed_on_open()
    {
        var stale = Path.Combine(_root, ".staging", ".tmp-stale");
        var fresh = Path.Combine(_root, ".staging", ".tmp-fresh");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.WriteAllBytes(fresh, [4]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));

        _ = new FolderBlobStore(_root);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }
}
