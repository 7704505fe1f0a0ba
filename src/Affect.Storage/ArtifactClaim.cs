using System.Diagnostics;
using System.Text.Json;

namespace Affect.Storage;

/// <summary>
/// A renewed lease on one piece of work (an artifact folder), held as a claim blob written only if absent, so two
/// runners sharing a store (two <c>affect demo --out SAME</c>, or serve and a resumed run) compute each artifact once:
/// the second waits for the first's commit instead of duplicating it. The holder renews the claim every third of
/// <see cref="Lease"/>; a claim not renewed for a whole lease, or held by a process of this host that no longer runs
/// (a killed run), is stale and may be taken over with a conditional write.
/// </summary>
public sealed class ArtifactClaim : IAsyncDisposable
{
    /// <summary>File name of the claim inside the artifact folder.</summary>
    public const string FileName = "claim.json";

    private readonly IBlobStore store;
    private readonly string container;
    private readonly string name;
    private readonly CancellationTokenSource stop = new();
    private readonly Task heartbeat;
    private string etag;
    private int disposed;

    private ArtifactClaim(IBlobStore store, string container, string name, string etag, TimeSpan lease)
    {
        this.store = store;
        this.container = container;
        this.name = name;
        this.etag = etag;
        heartbeat = Task.Run(() => RenewAsync(lease, stop.Token));
    }

    /// <summary>How long a claim stays valid without renewal (20 s; renewed every third of it).</summary>
    public static TimeSpan Lease { get; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Claims <paramref name="name"/> in <paramref name="container"/>: the claim when it was absent or stale, null when
    /// another live runner holds it.
    /// </summary>
    public static async Task<ArtifactClaim?> TryAcquireAsync(IBlobStore store, string container, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            var info = await store.PutBytesAsync(container, name, Holder.Now().ToBytes(), WriteCondition.IfAbsent, cancellationToken);
            return new ArtifactClaim(store, container, name, info.ETag, Lease);
        }
        catch (BlobConditionFailedException)
        {
        }

        var current = await store.GetInfoAsync(container, name, cancellationToken);
        if (current is null)
        {
            return null; // released meanwhile: the caller looks again
        }

        Holder? holder;
        try
        {
            holder = JsonSerializer.Deserialize<Holder>(await store.GetBytesAsync(container, name, cancellationToken), BlobStoreExtensions.JsonOptions);
        }
        catch (Exception e) when (e is JsonException or BlobNotFoundException)
        {
            holder = null; // a claim cut short by a crash is stale
        }

        if (holder is not null && !holder.IsStale(DateTimeOffset.UtcNow, Lease))
        {
            return null;
        }

        try
        {
            var taken = await store.PutBytesAsync(container, name, Holder.Now().ToBytes(), WriteCondition.IfMatch(current.ETag), cancellationToken);
            return new ArtifactClaim(store, container, name, taken.ETag, Lease);
        }
        catch (BlobConditionFailedException)
        {
            return null; // another runner took it over first
        }
    }

    /// <summary>Stops renewing and deletes the claim (once; later calls do nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        try
        {
            await heartbeat;
        }
        catch (OperationCanceledException)
        {
        }

        await store.DeleteAsync(container, name, CancellationToken.None);
        stop.Dispose();
    }

    private async Task RenewAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(lease / 3, cancellationToken);
            try
            {
                etag = (await store.PutBytesAsync(container, name, Holder.Now().ToBytes(), WriteCondition.IfMatch(etag), cancellationToken)).ETag;
            }
            catch (BlobConditionFailedException)
            {
                return; // taken over after a stall: the commit is still safe (same key ⇒ same bytes), only duplicated
            }
            catch (IOException)
            {
                // A store hiccup: try again at the next beat; the lease has two more beats of slack.
            }
        }
    }

    private sealed record Holder(string Host, int ProcessId, DateTimeOffset RenewedAt)
    {
        public static Holder Now() => new(Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow);

        public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, BlobStoreExtensions.JsonOptions);

        public bool IsStale(DateTimeOffset now, TimeSpan lease)
        {
            if (now - RenewedAt > lease)
            {
                return true;
            }

            if (Host != Environment.MachineName || ProcessId == Environment.ProcessId)
            {
                return false;
            }

            try
            {
                using var process = Process.GetProcessById(ProcessId);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true; // no such process on this host: its holder was killed
            }
        }
    }
}
