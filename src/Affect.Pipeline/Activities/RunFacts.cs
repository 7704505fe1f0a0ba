using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// The report's "run facts" section: data provenance (synthetic or imported, said first and plainly), code version,
/// seed, the full spec, corpora with their content hashes, chance levels and where the per-file scores are. The store
/// and wall time are not content of the report artifact (it must stay byte-identical); the console summary gives them.
/// </summary>
public static class RunFacts
{
    /// <summary>Appends the section.</summary>
    public static void Append(StringBuilder sb, RunResults results)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(results);
        var about = results.About;
        sb.Append("<h2>Run facts</h2>\n");
        if (about is not null)
        {
            var synthetic = about.Provenance.Where(p => p.Value == "synthetic").Select(p => p.Key).ToList();
            sb.Append("<p class=\"provenance\"><b>Data: ")
              .Append(synthetic.Count == about.Provenance.Count ? "synthetic corpora only" : synthetic.Count == 0 ? "imported corpora" : "synthetic and imported corpora")
              .Append("</b>").Append(synthetic.Count > 0 ? " — the synthetic ones are built-in stand-ins generated from the seed, not the paper's recordings, so compare shapes with the paper, not values." : ".").Append("</p>\n");
        }

        sb.Append("<table class=\"facts\"><tr><th>fact</th><th>value</th></tr>\n");
        Row(sb, "code version", about?.CodeVersion ?? "—");
        Row(sb, "seed", results.Spec.Seed.ToString(CultureInfo.InvariantCulture));
        Row(sb, "run key", results.RunKey);
        Row(sb, "spec", JsonSerializer.Serialize(results.Spec, MemoizedArtifacts.Json));
        foreach (var c in results.Corpora)
        {
            string provenance = about?.Provenance.GetValueOrDefault(c.Name) ?? "unknown";
            string chance = about?.ChanceUar.TryGetValue(c.Name, out double u) == true ? $", chance UAR {(100 * u).ToString("F1", CultureInfo.InvariantCulture)} %" : string.Empty;
            Row(sb, $"corpus {c.Name}", $"{provenance}, {c.Kind}, {c.Files} files{chance}; fingerprint {c.Fingerprint}");
        }

        foreach (var (stage, where) in about?.PerFileScores ?? new Dictionary<string, string>())
        {
            Row(sb, $"per-file scores: {stage}", where);
        }

        Row(sb, "store and wall time", "printed by the command that ran it (not stored here, so identical runs give identical reports)");
        sb.Append("</table>\n");
    }

    private static void Row(StringBuilder sb, string fact, string value) =>
        sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(fact)).Append("</td><td class=\"l\"><code>").Append(WebUtility.HtmlEncode(value)).Append("</code></td></tr>\n");
}
