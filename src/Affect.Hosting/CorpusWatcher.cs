using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Microsoft.DurableTask.Client;

namespace Affect.Hosting;

/// <summary>
/// The upload trigger of <c>affect serve</c> (Azurite has no Event Grid): polls <c>corpora/*/manifest.json</c> and hands
/// every new or re-uploaded manifest to <see cref="Experiments.OnUploadAsync"/>, the code the Functions blob trigger calls.
/// The cursor (each manifest's ETag) lives in the store at <c>runs/watch/cursor.json</c>, written conditionally, so a
/// restart does not re-trigger and two watchers of one store agree; each run starts once per corpus version regardless.
/// </summary>
/// <param name="store">The store watched.</param>
/// <param name="client">Where runs are started.</param>
/// <param name="clock">The clock start records are stamped with.</param>
/// <param name="log">One line per start or problem.</param>
public sealed class CorpusWatcher(IBlobStore store, DurableTaskClient client, TimeProvider clock, TextWriter log)
{
    /// <summary>Blob of the cursor inside the <c>runs</c> container.</summary>
    public const string CursorBlob = "watch/cursor.json";

    /// <summary>One poll: starts the runs of every manifest changed since the cursor and advances it.</summary>
    public async Task<IReadOnlyList<RunStart>> PollAsync(CancellationToken cancellationToken = default)
    {
        var info = await store.GetInfoAsync(Containers.Runs, CursorBlob, cancellationToken);
        var cursor = info is null
            ? new SortedDictionary<string, string>(StringComparer.Ordinal)
            : new SortedDictionary<string, string>(await store.GetJsonAsync<Dictionary<string, string>>(Containers.Runs, CursorBlob, cancellationToken: cancellationToken), StringComparer.Ordinal);
        var changed = new List<(string Corpus, string ETag)>();
        await foreach (var blob in store.ListAsync(Containers.Corpora, string.Empty, cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 2 && parts[1] == "manifest.json" && (!cursor.TryGetValue(parts[0], out string? seen) || seen != blob.ETag))
            {
                changed.Add((parts[0], blob.ETag));
            }
        }

        var starts = new List<RunStart>();
        foreach (var (corpus, etag) in changed)
        {
            try
            {
                foreach (var start in await Experiments.OnUploadAsync(client, store, corpus, clock, cancellationToken))
                {
                    starts.Add(start);
                    Log(start.Started ? $"affect serve: corpus {corpus} uploaded: started run {start.RunId}" : $"affect serve: corpus {corpus} uploaded: run {start.RunId} already exists");
                }
            }
            catch (Exception e) when (e is FormatException or IOException or ArgumentException)
            {
                Log($"affect serve: corpus {corpus}: {e.Message.ReplaceLineEndings(" ")}");
            }

            cursor[corpus] = etag;
        }

        if (changed.Count > 0)
        {
            try
            {
                await store.PutBytesAsync(Containers.Runs, CursorBlob, JsonSerializer.SerializeToUtf8Bytes(cursor), info is null ? WriteCondition.IfAbsent : WriteCondition.IfMatch(info.ETag), cancellationToken);
            }
            catch (BlobConditionFailedException)
            {
                // Another watcher advanced the cursor meanwhile; the next poll re-reads it (starts are idempotent).
            }
        }

        return starts;
    }

    /// <summary>Polls every <paramref name="interval"/> until cancelled; a failed poll is logged and retried.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log($"affect serve: corpus watch: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }

            try
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Log(string line)
    {
        lock (log)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }
}
