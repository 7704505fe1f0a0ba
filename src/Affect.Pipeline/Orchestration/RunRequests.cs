using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Orchestration;

/// <summary>How runs are started from outside (HTTP, blob upload, nightly timer, CLI): request parsing, run ids, corpus discovery.</summary>
public static class RunRequests
{
    /// <summary>Body of <c>POST /api/runs</c>.</summary>
    /// <param name="Corpora">Corpus names; null or empty means every corpus in the store.</param>
    /// <param name="Seed">Seed of the run (default 1).</param>
    /// <param name="BatchSize">Files per fan-out activity (default 4).</param>
    /// <param name="BoawSize">Words per BoAW codebook (default 1000).</param>
    /// <param name="Learners">Learners to run (default all).</param>
    /// <param name="RetrainOnTrainDevel">Refit the fused learners on train + devel for their test predictions (default false).</param>
    /// <param name="FusionPool">Weighted-fusion pool size (default 100000).</param>
    /// <param name="FusionChunks">Activities the pool search fans out over (default 4).</param>
    public sealed record StartRunBody(IReadOnlyList<string>? Corpora, ulong? Seed, int? BatchSize, int? BoawSize = null, IReadOnlyList<string>? Learners = null, bool? RetrainOnTrainDevel = null, int? FusionPool = null, int? FusionChunks = null);

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

        var spec = new ExperimentSpec(
            corpora.ToList(),
            body?.Seed ?? 1,
            body?.BatchSize ?? 4,
            body?.BoawSize ?? 1000,
            Learners: body?.Learners,
            RetrainOnTrainDevel: body?.RetrainOnTrainDevel ?? false,
            FusionPool: body?.FusionPool ?? 100_000,
            FusionChunks: body?.FusionChunks ?? 4);
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
