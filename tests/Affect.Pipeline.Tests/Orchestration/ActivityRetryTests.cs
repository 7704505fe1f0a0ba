using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The activities' retry policy in a real run: a storage hiccup is retried, bad input fails at the first attempt.</summary>
public sealed class ActivityRetryTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    /// <summary>
    /// A folder store whose reads of one corpus's audio, once <see cref="Armed"/> (after ingest, whose validator reports
    /// unreadable files as corpus problems), fail with <paramref name="failure"/> the first <paramref name="times"/> times.
    /// </summary>
    private sealed class FailingReads(IBlobStore inner, Func<Exception> failure, int times) : IBlobStore
    {
        private int failures;

        public volatile bool Armed;

        public int Failures => Volatile.Read(ref failures);

        public Task<Stream> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
        {
            if (Armed && container == Containers.Corpora && name.StartsWith("recola/audio/", StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= times)
            {
                throw failure();
            }

            return inner.OpenReadAsync(container, name, cancellationToken);
        }

        public Task<BlobInfo> PutAsync(string container, string name, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default) =>
            inner.PutAsync(container, name, content, condition, cancellationToken);

        public Task<BlobInfo?> GetInfoAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetInfoAsync(container, name, cancellationToken);

        public IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
    }

    private async Task<(FailingReads Store, Task<ExperimentOutcome> Run, DurableEngineHost Host)> StartAsync(Func<Exception> failure, int times)
    {
        var folder = new FolderBlobStore(root);
        await LstmCompletionTests.UploadDimensionalAsync(folder);
        var store = new FailingReads(folder, failure, times);
        var log = new ActivityLog();
        log.Completed += a => store.Armed |= a.Stage == "ingest";
        var host = await DurableEngineHost.StartAsync(DurableEngineOptions.InMemory, store, log);
        var spec = new ExperimentSpec(["recola"], Seed: 1) { Features = new(BatchSize: 100), Lstm = new(Enabled: false) };
        return (store, PipelineRunner.RunAsync(host.Client, spec, "retry").WaitAsync(TimeSpan.FromMinutes(2)), host);
    }

    [Fact]
    public async Task A_transient_storage_failure_is_retried_and_the_run_completes()
    {
        var (store, run, host) = await StartAsync(() => new IOException("connection reset by peer"), times: 1);
        await using (host)
        {
            // The audio summary's first read failed; without a retry of that activity the run would have failed with it.
            var outcome = await run;
            Assert.NotNull(outcome.Results);
            Assert.True(store.Failures > 1, $"{store.Failures} read(s)");
        }
    }

    [Fact]
    public async Task Bad_input_fails_the_run_at_the_first_attempt()
    {
        var (store, run, host) = await StartAsync(() => new InvalidDataException("corpora/recola/audio/x.wav: RIFF header: not a WAV file"), times: int.MaxValue);
        await using (host)
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => run);
            Assert.Contains("RIFF header: not a WAV file", failure.Reason, StringComparison.Ordinal);
            Assert.Equal(1, store.Failures);
        }
    }
}
