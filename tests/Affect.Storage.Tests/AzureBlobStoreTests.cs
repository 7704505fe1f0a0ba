using Azure.Core;
using Azure.Storage.Blobs;

namespace Affect.Storage.Tests;

/// <summary>The blob store contract on Azure Blob Storage, served by a real Azurite process.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract
{
    private readonly AzureBlobStore _store = new(azurite.ConnectionString, FastRetries(azurite.ConnectionString));

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task BlobStore_Open_with_the_connection_string_reaches_the_same_account()
    {
        var opened = Assert.IsType<AzureBlobStore>(BlobStore.Open(azurite.ConnectionString));
        await opened.PutBytesAsync(Container, "via-open", "hi"u8.ToArray());

        Assert.Equal("hi"u8.ToArray(), await _store.GetBytesAsync(Container, "via-open"));
        Assert.Equal(azurite.BlobPort, opened.Endpoint.Port);
    }

    [Fact]
    public async Task The_constructor_taking_a_service_client_works()
    {
        var store = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString, AzureBlobStore.DefaultOptions(azurite.ConnectionString)));
        await store.PutBytesAsync(Container, "x", "1"u8.ToArray());

        Assert.Equal("1"u8.ToArray(), await _store.GetBytesAsync(Container, "x"));
    }

    [Fact]
    public async Task A_write_after_the_container_was_deleted_elsewhere_recreates_it()
    {
        await _store.PutBytesAsync(Container, "first", "1"u8.ToArray());
        var service = new BlobServiceClient(azurite.ConnectionString, AzureBlobStore.DefaultOptions(azurite.ConnectionString));
        await service.GetBlobContainerClient(Container).DeleteAsync();

        await _store.PutBytesAsync(Container, "second", "2"u8.ToArray());

        Assert.Equal(["second"], (await ListAsync()).Select(b => b.Name));
    }

    [Fact]
    public async Task Listed_etags_are_usable_as_write_conditions()
    {
        await _store.PutBytesAsync(Container, "x", "1"u8.ToArray());
        var listed = Assert.Single(await ListAsync());

        var next = await _store.PutBytesAsync(Container, "x", "2"u8.ToArray(), WriteCondition.IfMatch(listed.ETag));

        Assert.StartsWith("\"", next.ETag, StringComparison.Ordinal);
        Assert.NotEqual(listed.ETag, next.ETag);
    }

    /// <summary>The emulator's options with short retry delays, so the failing-source tests stay fast.</summary>
    private static BlobClientOptions FastRetries(string connectionString)
    {
        var options = AzureBlobStore.DefaultOptions(connectionString);
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxRetries = 2;
        return options;
    }
}
