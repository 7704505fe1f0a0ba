using System.Runtime.CompilerServices;
using Affect.Audio;
using Affect.Storage;

namespace Affect.Hosting.Tests;

/// <summary>Corpus upload: every file under corpora/NAME/, the manifest last, and a blob that reads back differently is caught.</summary>
public sealed class CorpusTransferTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "affect-transfer-tests", Guid.NewGuid().ToString("N"));

    public CorpusTransferTests()
    {
        string corpus = Path.Combine(dir, "corpus");
        Directory.CreateDirectory(Path.Combine(corpus, "audio"));
        var tone = Enumerable.Range(0, 1600).Select(i => (float)(0.2 * Math.Sin(i * 0.05))).ToArray();
        foreach (string id in new[] { "a", "b", "c" })
        {
            File.WriteAllBytes(Path.Combine(corpus, "audio", id + ".wav"), WavWriter.ToPcm16Bytes(tone, 16000));
        }

        File.WriteAllText(Path.Combine(corpus, "manifest.json"), """
            { "schemaVersion": 1, "name": "tiny", "kind": "categorical", "sampleRate": 16000, "classes": ["x", "y"],
              "files": [
                { "id": "a", "audio": "audio/a.wav", "speaker": "s1", "partition": "train", "label": "x" },
                { "id": "b", "audio": "audio/b.wav", "speaker": "s2", "partition": "train", "label": "y" },
                { "id": "c", "audio": "audio/c.wav", "speaker": "s3", "partition": "test", "label": null } ] }
            """);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Upload_writes_every_file_then_the_manifest_renamed()
    {
        var store = new RecordingStore(new FolderBlobStore(Path.Combine(dir, "store")), corruptName: null);
        var upload = await CorpusTransfer.UploadAsync(store, Path.Combine(dir, "corpus"), "renamed");
        Assert.Equal(("renamed", 4), (upload.Name, upload.Files));
        Assert.Equal(["renamed/audio/a.wav", "renamed/audio/b.wav", "renamed/audio/c.wav", "renamed/manifest.json"], store.Puts);
        string manifest = System.Text.Encoding.UTF8.GetString(await store.GetBytesAsync("corpora", "renamed/manifest.json"));
        Assert.Contains("\"name\": \"renamed\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_that_reads_back_different_fails_naming_the_file_and_the_manifest_is_not_written()
    {
        var store = new RecordingStore(new FolderBlobStore(Path.Combine(dir, "store")), corruptName: "tiny/audio/b.wav");
        var e = await Assert.ThrowsAsync<IOException>(() => CorpusTransfer.UploadAsync(store, Path.Combine(dir, "corpus"), null));
        Assert.StartsWith("audio/b.wav: sha256: the stored blob corpora/tiny/audio/b.wav reads back as", e.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetInfoAsync("corpora", "tiny/manifest.json"));
    }

    /// <summary>A real store that records the order of writes and can flip one byte of one blob on its way in.</summary>
    private sealed class RecordingStore(IBlobStore inner, string? corruptName) : IBlobStore
    {
        public List<string> Puts { get; } = [];

        public async Task<BlobInfo> PutAsync(string container, string name, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
        {
            Puts.Add(name);
            if (name != corruptName)
            {
                return await inner.PutAsync(container, name, content, condition, cancellationToken);
            }

            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken);
            byte[] bytes = copy.ToArray();
            bytes[^1] ^= 0x01;
            using var corrupted = new MemoryStream(bytes);
            return await inner.PutAsync(container, name, corrupted, condition, cancellationToken);
        }

        public Task<Stream> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(container, name, cancellationToken);

        public Task<BlobInfo?> GetInfoAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetInfoAsync(container, name, cancellationToken);

        public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var b in inner.ListAsync(container, prefix, cancellationToken))
            {
                yield return b;
            }
        }

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
    }
}
