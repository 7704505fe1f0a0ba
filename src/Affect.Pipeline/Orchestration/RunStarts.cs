using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Affect.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Affect.Pipeline.Orchestration;

/// <summary>How a run came to be started: by a corpus upload, an HTTP request, or the nightly schedule.</summary>
public static class RunTriggers
{
    /// <summary>A new or changed <c>corpora/{name}/manifest.json</c>.</summary>
    public const string Upload = "upload";

    /// <summary><c>POST /api/runs</c> (or <c>affect run</c>).</summary>
    public const string Http = "http";

    /// <summary>The nightly CRON schedule.</summary>
    public const string Nightly = "nightly";
}

/// <summary>
/// The record of a started run, <c>runs/{id}/start.json</c>. It is written create-once before the orchestration is
/// scheduled, so it doubles as the start claim: whoever writes it schedules the run, everyone else joins it.
/// </summary>
/// <param name="RunId">The run (orchestration instance) id.</param>
/// <param name="Experiment">The experiment the run belongs to (a registered spec's name, the implicit one, or <c>adhoc</c>).</param>
/// <param name="Trigger">upload, http or nightly (see <see cref="RunTriggers"/>).</param>
/// <param name="StartedAt">When the start was claimed (UTC).</param>
/// <param name="Spec">The run's spec.</param>
/// <param name="CorpusVersions">Content hash of every corpus the run reads, by corpus name.</param>
/// <param name="CodeVersion">Version of the pipeline code that started the run.</param>
public sealed record RunStartRecord(string RunId, string Experiment, string Trigger, DateTimeOffset StartedAt, ExperimentSpec Spec, IReadOnlyDictionary<string, string> CorpusVersions, string CodeVersion);

/// <summary>The answer of a start request.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Started">True when this call scheduled the run; false when it joined an existing one.</param>
public sealed record RunStart(string RunId, bool Started);

/// <summary>
/// Starts runs idempotently, the one start path of HTTP, upload and timer triggers on every host: a run's id derives
/// from its spec and the content of its corpora, a create-once <c>runs/{id}/start.json</c> decides which of several
/// concurrent callers (threads or processes) schedules it, and a finished run's history is never purged.
/// </summary>
public static class RunStarts
{
    /// <summary>Name of the start record inside <c>runs/{id}/</c>.</summary>
    public const string StartFile = "start.json";

    /// <summary>How long a start claim without an orchestration is trusted before another caller takes it over (the claimer died).</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Version of this code, recorded with every run.</summary>
    public static string CodeVersion { get; } =
        typeof(RunStarts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// A corpus's version: SHA-256 over the name and content hash of every blob under <c>corpora/{corpus}/</c>, so any
    /// changed WAV, label file or manifest gives a new version and an unchanged re-upload gives the same one.
    /// </summary>
    public static async Task<string> CorpusVersionAsync(IBlobStore store, string corpus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var canonical = new StringBuilder();
        await foreach (var blob in store.ListAsync(Containers.Corpora, corpus + "/", cancellationToken))
        {
            byte[] bytes = await store.GetBytesAsync(Containers.Corpora, blob.Name, cancellationToken);
            canonical.Append(blob.Name[(corpus.Length + 1)..]).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..32];
    }

    /// <summary>The versions of every corpus of <paramref name="spec"/>, by name.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> CorpusVersionsAsync(IBlobStore store, ExperimentSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string corpus in spec.Corpora)
        {
            versions[corpus] = await CorpusVersionAsync(store, corpus, cancellationToken);
        }

        return versions;
    }

    /// <summary>
    /// The id of the one run of <paramref name="spec"/> over corpora at <paramref name="versions"/>: the same spec on the
    /// same corpus content is the same run whoever starts it.
    /// </summary>
    public static string RunIdFor(ExperimentSpec spec, IReadOnlyDictionary<string, string> versions)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(versions);
        var canonical = new StringBuilder(spec.ToCanonicalJson());
        foreach (var (corpus, version) in versions.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            canonical.Append('\n').Append(corpus).Append('=').Append(version);
        }

        return "run-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..16];
    }

    /// <summary>
    /// Starts the run of <paramref name="spec"/> over the corpora's current content (id from <see cref="RunIdFor"/>), or
    /// joins it when it exists. A failed or terminated run is started again; a completed one is returned as it is.
    /// </summary>
    public static async Task<RunStart> StartAsync(DurableTaskClient client, IBlobStore store, ExperimentSpec spec, string experiment, string trigger, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = spec.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid experiment spec: " + string.Join("; ", problems), nameof(spec));
        }

        var versions = await CorpusVersionsAsync(store, spec, cancellationToken);
        return await StartAsync(client, store, spec, RunIdFor(spec, versions), experiment, trigger, versions, clock, cancellationToken);
    }

    /// <summary>Starts (or joins) the run <paramref name="runId"/>; see <see cref="StartAsync(DurableTaskClient, IBlobStore, ExperimentSpec, string, string, TimeProvider?, CancellationToken)"/>.</summary>
    public static async Task<RunStart> StartAsync(DurableTaskClient client, IBlobStore store, ExperimentSpec spec, string runId, string experiment, string trigger, IReadOnlyDictionary<string, string> versions, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        clock ??= TimeProvider.System;
        string claimName = $"{runId}/{StartFile}";
        var record = new RunStartRecord(runId, experiment, trigger, clock.GetUtcNow(), spec, versions, CodeVersion);
        byte[] recordBytes = JsonSerializer.SerializeToUtf8Bytes(record, BlobStoreExtensions.JsonOptions);
        try
        {
            await store.PutBytesAsync(Containers.Runs, claimName, recordBytes, WriteCondition.IfAbsent, cancellationToken);
            await ScheduleAsync(client, spec, runId, cancellationToken);
            return new RunStart(runId, true);
        }
        catch (BlobConditionFailedException)
        {
            // Someone claimed this run before: join it, unless it failed, or its claimer died before scheduling it.
        }

        var state = await client.GetInstanceAsync(runId, cancellationToken);
        if (state is { RuntimeStatus: not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated) })
        {
            return new RunStart(runId, false);
        }

        var claim = await store.GetInfoAsync(Containers.Runs, claimName, cancellationToken);
        var claimed = claim is null ? null : await store.GetJsonAsync<RunStartRecord>(Containers.Runs, claimName, cancellationToken: cancellationToken);
        if (claim is null || claimed is null || (state is null && clock.GetUtcNow() - claimed.StartedAt < ClaimTimeout))
        {
            return new RunStart(runId, false); // scheduling is under way in another caller
        }

        try
        {
            await store.PutBytesAsync(Containers.Runs, claimName, recordBytes, WriteCondition.IfMatch(claim.ETag), cancellationToken);
        }
        catch (BlobConditionFailedException)
        {
            return new RunStart(runId, false); // another caller restarts it
        }

        if (state is not null)
        {
            await client.PurgeInstanceAsync(runId, cancellation: cancellationToken); // a failed run: its history is replaced by the retry
        }

        await ScheduleAsync(client, spec, runId, cancellationToken);
        return new RunStart(runId, true);
    }

    private static async Task ScheduleAsync(DurableTaskClient client, ExperimentSpec spec, string runId, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Experiment, spec, new StartOrchestrationOptions(runId), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // When the instance exists (a twin start raced this one past the claim) the run is started either way.
            if (await client.GetInstanceAsync(runId, cancellationToken) is null)
            {
                throw;
            }
        }
    }

    /// <summary>Every start record in the store, oldest first.</summary>
    public static async Task<IReadOnlyList<RunStartRecord>> ListAsync(IBlobStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = new List<RunStartRecord>();
        await foreach (var blob in store.ListAsync(Containers.Runs, string.Empty, cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 2 && parts[1] == StartFile)
            {
                records.Add(await store.GetJsonAsync<RunStartRecord>(Containers.Runs, blob.Name, cancellationToken: cancellationToken));
            }
        }

        return [.. records.OrderBy(r => r.StartedAt).ThenBy(r => r.RunId, StringComparer.Ordinal)];
    }
}
