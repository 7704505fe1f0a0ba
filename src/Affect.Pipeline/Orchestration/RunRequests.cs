using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Orchestration;

/// <summary>How runs are started from outside (HTTP, blob upload, nightly timer, CLI): request parsing, run ids, corpus discovery.</summary>
public static class RunRequests
{
    /// <summary>
    /// Body of <c>POST /api/runs</c> and content of <c>experiments/{name}.json</c>: the one spec format. Every field is
    /// optional; an absent one takes <see cref="ExperimentSpec"/>'s default (the one place defaults live).
    /// </summary>
    /// <param name="Corpora">Corpus names; null or empty means every corpus in the store.</param>
    /// <param name="Seed">Seed of the run.</param>
    /// <param name="BatchSize">Files per fan-out activity.</param>
    /// <param name="BoawSize">Words per BoAW codebook.</param>
    /// <param name="Learners">Learners to run (default all).</param>
    /// <param name="RetrainOnTrainDevel">Refit the fused learners on train + devel for their test predictions.</param>
    /// <param name="FusionPool">Weighted-fusion pool size.</param>
    /// <param name="FusionChunks">Activities the pool search fans out over.</param>
    /// <param name="BoawAssignments">Nearest words each frame is assigned to.</param>
    /// <param name="BoawIterations">Largest number of k-means iterations.</param>
    /// <param name="Lstm">Train the cross-corpus LSTMs.</param>
    /// <param name="LstmEpochs">Epochs per LSTM training.</param>
    /// <param name="AuDeep">The auDeep stage's options (absent: no auDeep stage; <c>{}</c>: auDeep's defaults).</param>
    public sealed record StartRunBody(
        IReadOnlyList<string>? Corpora,
        ulong? Seed,
        int? BatchSize,
        int? BoawSize = null,
        IReadOnlyList<string>? Learners = null,
        bool? RetrainOnTrainDevel = null,
        int? FusionPool = null,
        int? FusionChunks = null,
        int? BoawAssignments = null,
        int? BoawIterations = null,
        bool? Lstm = null,
        int? LstmEpochs = null,
        AuDeepOptions? AuDeep = null);

    /// <summary>Parses a start request body into a spec; errors name the field.</summary>
    /// <param name="json">The request body (empty means defaults).</param>
    /// <param name="allCorpora">Corpora to use when the body names none.</param>
    /// <exception cref="FormatException">When the body is not valid JSON of the expected shape or the spec is invalid.</exception>
    public static ExperimentSpec ParseStartBody(string json, IReadOnlyList<string> allCorpora)
    {
        ArgumentNullException.ThrowIfNull(allCorpora);
        StartRunBody? body = null;
        if (!string.IsNullOrWhiteSpace(json))
        {
            try
            {
                body = JsonSerializer.Deserialize<StartRunBody>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow });
            }
            catch (JsonException e)
            {
                throw new FormatException($"request body: {e.Path ?? "$"}: {e.Message}", e);
            }
        }

        var corpora = body?.Corpora is { Count: > 0 } named ? named : allCorpora;
        if (corpora.Count == 0)
        {
            throw new FormatException("request body: corpora: none given and no corpus is uploaded (corpora/{name}/manifest.json)");
        }

        var defaults = new ExperimentSpec(corpora.ToList());
        var spec = defaults with
        {
            Seed = body?.Seed ?? defaults.Seed,
            BatchSize = body?.BatchSize ?? defaults.BatchSize,
            BoawSize = body?.BoawSize ?? defaults.BoawSize,
            BoawAssignments = body?.BoawAssignments ?? defaults.BoawAssignments,
            BoawIterations = body?.BoawIterations ?? defaults.BoawIterations,
            Learners = body?.Learners ?? defaults.Learners,
            Lstm = body?.Lstm ?? defaults.Lstm,
            LstmEpochs = body?.LstmEpochs ?? defaults.LstmEpochs,
            RetrainOnTrainDevel = body?.RetrainOnTrainDevel ?? defaults.RetrainOnTrainDevel,
            FusionPool = body?.FusionPool ?? defaults.FusionPool,
            FusionChunks = body?.FusionChunks ?? defaults.FusionChunks,
            AuDeep = body?.AuDeep ?? defaults.AuDeep,
        };
        var problems = spec.Validate();
        return problems.Count == 0 ? spec : throw new FormatException("request body: " + string.Join("; ", problems));
    }

    /// <summary>A run's id derived from its spec, so the same request re-attaches to the same run instead of starting a twin.</summary>
    public static string RunIdFor(ExperimentSpec spec, string prefix = "run")
    {
        ArgumentNullException.ThrowIfNull(spec);
        string canonical = JsonSerializer.Serialize(spec, JsonSerializerOptions.Web);
        return prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    /// <summary>Names of every corpus uploaded to the store (those with a <c>manifest.json</c>), in ordinal order.</summary>
    public static async Task<IReadOnlyList<string>> ListCorporaAsync(IBlobStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(Containers.Corpora, string.Empty, cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 2 && parts[1] == "manifest.json")
            {
                names.Add(parts[0]);
            }
        }

        return [.. names];
    }
}
