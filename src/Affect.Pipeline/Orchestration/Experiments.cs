using System.Text;
using Affect.Storage;
using Microsoft.DurableTask.Client;

namespace Affect.Pipeline.Orchestration;

/// <summary>An experiment: a named spec that uploads and the nightly schedule re-run.</summary>
/// <param name="Name">Its name (<c>experiments/{name}.json</c>, or <see cref="Experiments.ImplicitName"/>).</param>
/// <param name="Spec">The spec, parsed by the one parser of HTTP bodies (<see cref="RunRequests.ParseStartBody"/>).</param>
public sealed record Experiment(string Name, ExperimentSpec Spec);

/// <summary>
/// The registered experiments of a store and the decision what an upload or a nightly tick starts: the one piece of
/// code behind <c>affect serve</c>'s watcher and schedule and the Functions blob and timer triggers.
/// </summary>
public static class Experiments
{
    /// <summary>Container of registered experiment specs, <c>{name}.json</c> each.</summary>
    public const string Container = "experiments";

    /// <summary>Name of the implicit experiment (every uploaded corpus, default settings) used when none is registered.</summary>
    public const string ImplicitName = "all-corpora";

    /// <summary>Experiment name of runs started over HTTP.</summary>
    public const string AdHocName = "adhoc";

    /// <summary>Every registered experiment, in name order; a spec that does not parse fails with its blob's name.</summary>
    /// <exception cref="FormatException">Naming <c>experiments/{name}.json</c> and the field.</exception>
    public static async Task<IReadOnlyList<Experiment>> ListAsync(IBlobStore store, IReadOnlyList<string> allCorpora, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = new List<Experiment>();
        await foreach (var blob in store.ListAsync(Container, string.Empty, cancellationToken))
        {
            if (blob.Name.Contains('/', StringComparison.Ordinal) || !blob.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            string json = Encoding.UTF8.GetString(await store.GetBytesAsync(Container, blob.Name, cancellationToken));
            try
            {
                found.Add(new Experiment(blob.Name[..^".json".Length], RunRequests.ParseStartBody(json, allCorpora)));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{Container}/{blob.Name}: {e.Message}", e);
            }
        }

        return found;
    }

    /// <summary>
    /// What an upload of <paramref name="corpus"/> starts: every registered experiment that reads it and whose corpora
    /// are all uploaded; when no registered experiment reads it, the implicit one over every uploaded corpus.
    /// </summary>
    public static async Task<IReadOnlyList<Experiment>> ForUploadAsync(IBlobStore store, string corpus, CancellationToken cancellationToken = default)
    {
        var available = await RunRequests.ListCorporaAsync(store, cancellationToken);
        if (!available.Contains(corpus, StringComparer.Ordinal))
        {
            return [];
        }

        var registered = await ListAsync(store, available, cancellationToken);
        var reading = registered.Where(e => e.Spec.Corpora.Contains(corpus, StringComparer.Ordinal)).ToList();
        return reading.Count > 0
            ? [.. reading.Where(e => e.Spec.Corpora.All(c => available.Contains(c, StringComparer.Ordinal)))]
            : [new Experiment(ImplicitName, RunRequests.ParseStartBody(string.Empty, available))];
    }

    /// <summary>What a nightly tick re-runs: every registered experiment whose corpora are uploaded, or the implicit one when none is registered.</summary>
    public static async Task<IReadOnlyList<Experiment>> ForNightAsync(IBlobStore store, CancellationToken cancellationToken = default)
    {
        var available = await RunRequests.ListCorporaAsync(store, cancellationToken);
        if (available.Count == 0)
        {
            return [];
        }

        var registered = await ListAsync(store, available, cancellationToken);
        return registered.Count > 0
            ? [.. registered.Where(e => e.Spec.Corpora.All(c => available.Contains(c, StringComparer.Ordinal)))]
            : [new Experiment(ImplicitName, RunRequests.ParseStartBody(string.Empty, available))];
    }

    /// <summary>Starts what an upload of <paramref name="corpus"/> calls for (see <see cref="ForUploadAsync"/>); each run once per corpus version.</summary>
    public static async Task<IReadOnlyList<RunStart>> OnUploadAsync(DurableTaskClient client, IBlobStore store, string corpus, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var starts = new List<RunStart>();
        foreach (var experiment in await ForUploadAsync(store, corpus, cancellationToken))
        {
            starts.Add(await RunStarts.StartAsync(client, store, experiment.Spec, experiment.Name, RunTriggers.Upload, clock, cancellationToken));
        }

        return starts;
    }

    /// <summary>
    /// Starts the nightly re-runs of the tick at <paramref name="tick"/>: one run per experiment, id
    /// <c>nightly-{name}-{yyyyMMddHHmm}</c> so that several schedulers of one store start each night's run once.
    /// </summary>
    public static async Task<IReadOnlyList<RunStart>> OnNightAsync(DurableTaskClient client, IBlobStore store, DateTimeOffset tick, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var starts = new List<RunStart>();
        foreach (var experiment in await ForNightAsync(store, cancellationToken))
        {
            var versions = await RunStarts.CorpusVersionsAsync(store, experiment.Spec, cancellationToken);
            string id = $"nightly-{experiment.Name}-{tick.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture)}";
            starts.Add(await RunStarts.StartAsync(client, store, experiment.Spec, id, experiment.Name, RunTriggers.Nightly, versions, clock, cancellationToken));
        }

        return starts;
    }
}
