using System.Security.Cryptography;
using System.Text;
using Affect.Storage;

namespace Affect.Pipeline.Orchestration;

/// <summary>How runs are started from outside (HTTP, blob upload, nightly timer, CLI): request parsing, run ids, corpus discovery.</summary>
public static class RunRequests
{
    /// <summary>
    /// Parses a start request (body of <c>POST /api/runs</c>, content of <c>experiments/{name}.json</c>, or the CLI's flags as
    /// JSON) into a spec with <see cref="ExperimentSpec.Parse"/>, the one parser; errors name the field path.
    /// </summary>
    /// <param name="json">The request body (empty means defaults).</param>
    /// <param name="allCorpora">Corpora to use when the body names none.</param>
    /// <exception cref="FormatException">When the body is not valid JSON of the spec's shape or the spec is invalid.</exception>
    public static ExperimentSpec ParseStartBody(string json, IReadOnlyList<string> allCorpora) => ExperimentSpec.Parse(json, allCorpora);

    /// <summary>A run's id derived from its spec, so the same request re-attaches to the same run instead of starting a twin.</summary>
    public static string RunIdFor(ExperimentSpec spec, string prefix = "run")
    {
        ArgumentNullException.ThrowIfNull(spec);
        string canonical = spec.ToCanonicalJson();
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
