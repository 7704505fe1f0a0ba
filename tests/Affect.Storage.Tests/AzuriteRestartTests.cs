namespace Affect.Storage.Tests;

/// <summary>A persistent Azurite started through <see cref="AzuriteFixture.StartAsync"/> keeps its data across a kill and restart.</summary>
public sealed class AzuriteRestartTests : IDisposable
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "affect-azurite-data-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
    }

    [Fact]
    public async Task Blobs_survive_killing_and_restarting_a_persistent_azurite()
    {
        int blobPort;
        using (var first = await AzuriteFixture.StartAsync(_location))
        {
            blobPort = first.BlobPort;
            Assert.Equal(_location, first.Location);
            var store = new AzureBlobStore(first.ConnectionString);
            await store.PutBytesAsync("runs", "r1/run.json", "{\"status\":\"running\"}"u8.ToArray());
        }

        using var second = await AzuriteFixture.StartAsync(_location, blobPort: blobPort);
        var reopened = new AzureBlobStore(second.ConnectionString);

        Assert.Equal(blobPort, second.BlobPort);
        Assert.Equal("{\"status\":\"running\"}"u8.ToArray(), await reopened.GetBytesAsync("runs", "r1/run.json"));
    }
}
