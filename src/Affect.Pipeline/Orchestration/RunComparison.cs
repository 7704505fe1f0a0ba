using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Affect.Pipeline.Activities;
using Affect.Storage;

namespace Affect.Pipeline.Orchestration;

/// <summary>One metric of one table row in two runs.</summary>
/// <param name="Table">table1 … table4 or submissions.</param>
/// <param name="Row">The row's identifying text fields, joined with " | ".</param>
/// <param name="Metric">The field name (a UAR, WAR or CC).</param>
/// <param name="Previous">Its value in the previous run (null: absent there).</param>
/// <param name="Current">Its value in this run (null: absent here).</param>
/// <param name="Delta">Current − previous when both exist.</param>
public sealed record MetricDelta(string Table, string Row, string Metric, double? Previous, double? Current, double? Delta);

/// <summary>Work of one stage in a run: activities computed and reused.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Computed">Activities that did work.</param>
/// <param name="Reused">Activities whose artifact already existed.</param>
public sealed record StageWork(string Stage, int Computed, int Reused);

/// <summary>A version that may have changed between two runs.</summary>
/// <param name="Name">What is versioned (code, or a corpus name).</param>
/// <param name="Previous">Version in the previous run (null: not used there).</param>
/// <param name="Current">Version in this run (null: not used here).</param>
public sealed record VersionChange(string Name, string? Previous, string? Current)
{
    /// <summary>Whether the version differs.</summary>
    public bool Changed => !string.Equals(Previous, Current, StringComparison.Ordinal);
}

/// <summary>The content of <c>runs/{id}/comparison.json</c>: a run against the previous run of the same experiment.</summary>
/// <param name="RunId">This run.</param>
/// <param name="PreviousRunId">The previous completed run of the experiment.</param>
/// <param name="Experiment">The experiment.</param>
/// <param name="Threshold">A metric that dropped by more than this is a regression.</param>
/// <param name="Regressions">Metrics that dropped by more than <paramref name="Threshold"/>, largest drop first.</param>
/// <param name="Metrics">Every UAR, WAR and CC of every table row, with its delta.</param>
/// <param name="Stages">Per stage, activities recomputed and reused in this run.</param>
/// <param name="Code">The code version change.</param>
/// <param name="Corpora">Each corpus's version change.</param>
public sealed record RunComparison(
    string RunId,
    string PreviousRunId,
    string Experiment,
    double Threshold,
    IReadOnlyList<MetricDelta> Regressions,
    IReadOnlyList<MetricDelta> Metrics,
    IReadOnlyList<StageWork> Stages,
    VersionChange Code,
    IReadOnlyList<VersionChange> Corpora)
{
    /// <summary>Name of the comparison inside <c>runs/{id}/</c>.</summary>
    public const string FileName = "comparison.json";

    private static readonly string[] Tables = ["table1", "table2", "table3", "table4", "submissions"];

    /// <summary>
    /// Compares two runs' <c>results.json</c> (every numeric UAR/WAR/CC field of every row of Tables 1–4 and the
    /// submissions, rows matched by their text fields), their stage work and their versions. Pure.
    /// </summary>
    public static RunComparison Compare(RunStartRecord previous, JsonElement previousResults, RunStartRecord current, JsonElement currentResults, RunRecord currentRun, double threshold)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(currentRun);
        var before = MetricsOf(previousResults);
        var after = MetricsOf(currentResults);
        var metrics = new List<MetricDelta>();
        foreach (var key in after.Keys.Union(before.Keys).OrderBy(k => Array.IndexOf(Tables, k.Table)).ThenBy(k => k.Row, StringComparer.Ordinal).ThenBy(k => k.Metric, StringComparer.Ordinal))
        {
            double? p = before.TryGetValue(key, out double pv) ? pv : null;
            double? c = after.TryGetValue(key, out double cv) ? cv : null;
            metrics.Add(new MetricDelta(key.Table, key.Row, key.Metric, p, c, p is { } a && c is { } b ? Math.Round(b - a, 6) : null));
        }

        var regressions = metrics.Where(m => m.Delta < -threshold).OrderBy(m => m.Delta).ToList();
        var stages = currentRun.Activities.GroupBy(a => a.Stage, StringComparer.Ordinal)
            .Select(g => new StageWork(g.Key, g.Count(a => !a.Reused), g.Count(a => a.Reused))).ToList();
        var corpora = current.CorpusVersions.Keys.Union(previous.CorpusVersions.Keys).Order(StringComparer.Ordinal)
            .Select(c => new VersionChange(c, previous.CorpusVersions.GetValueOrDefault(c), current.CorpusVersions.GetValueOrDefault(c))).ToList();
        return new RunComparison(current.RunId, previous.RunId, current.Experiment, threshold, regressions, metrics, stages, new VersionChange("code", previous.CodeVersion, current.CodeVersion), corpora);
    }

    /// <summary>The comparison as an HTML report section: regressions first, then versions, stages and every delta.</summary>
    public string ToHtmlSection()
    {
        var html = new StringBuilder();
        html.Append("<section id=\"comparison\"><h2>Against the previous run ").Append(WebUtility.HtmlEncode(PreviousRunId)).Append("</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h3>Regressions (drop &gt; {Threshold})</h3>\n");
        html.Append(Regressions.Count == 0 ? "<p>None.</p>\n" : MetricTable(Regressions));
        html.Append("<h3>Versions</h3>\n<table><tr><th>what</th><th>previous</th><th>this run</th><th>changed</th></tr>\n");
        foreach (var v in Corpora.Prepend(Code))
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(v.Name)).Append("</td><td>").Append(WebUtility.HtmlEncode(v.Previous ?? "–")).Append("</td><td>")
                .Append(WebUtility.HtmlEncode(v.Current ?? "–")).Append("</td><td>").Append(v.Changed ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n<h3>Stages</h3>\n<table><tr><th>stage</th><th>recomputed</th><th>reused</th></tr>\n");
        foreach (var s in Stages)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(s.Stage)}</td><td>{s.Computed}</td><td>{s.Reused}</td></tr>\n");
        }

        html.Append("</table>\n<h3>Every metric</h3>\n").Append(MetricTable(Metrics)).Append("</section>\n");
        return html.ToString();
    }

    private static string MetricTable(IEnumerable<MetricDelta> rows)
    {
        var html = new StringBuilder("<table><tr><th>table</th><th>row</th><th>metric</th><th>previous</th><th>this run</th><th>delta</th></tr>\n");
        foreach (var m in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{m.Table}</td><td>{WebUtility.HtmlEncode(m.Row)}</td><td>{m.Metric}</td><td>{m.Previous:0.0000}</td><td>{m.Current:0.0000}</td><td>{m.Delta:+0.0000;-0.0000;0}</td></tr>\n");
        }

        return html.Append("</table>\n").ToString();
    }

    private static Dictionary<(string Table, string Row, string Metric), double> MetricsOf(JsonElement results)
    {
        var metrics = new Dictionary<(string, string, string), double>();
        if (results.ValueKind != JsonValueKind.Object)
        {
            return metrics;
        }

        foreach (var table in results.EnumerateObject())
        {
            string name = table.Name.ToLowerInvariant();
            if (!Tables.Contains(name) || table.Value.ValueKind != JsonValueKind.Object || !TryGet(table.Value, "rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var row in rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
            {
                string id = string.Join(" | ", row.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()));
                foreach (var field in row.EnumerateObject())
                {
                    if (field.Value.ValueKind == JsonValueKind.Number && IsMetric(field.Name))
                    {
                        metrics[(name, id, field.Name)] = field.Value.GetDouble();
                    }
                }
            }
        }

        return metrics;
    }

    // UAR, WAR and CC fields (devel/test), not the paper's reference values.
    private static bool IsMetric(string field)
    {
        string f = field.ToLowerInvariant();
        return !f.StartsWith("paper", StringComparison.Ordinal) && (f.EndsWith("uar", StringComparison.Ordinal) || f.EndsWith("war", StringComparison.Ordinal) || f.EndsWith("cc", StringComparison.Ordinal) || f is "uar" or "war" or "cc");
    }

    private static bool TryGet(JsonElement o, string name, out JsonElement value)
    {
        foreach (var p in o.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>Writes the comparison of every finished nightly run against the previous run of its experiment.</summary>
public static class RunComparisons
{
    /// <summary>Default regression threshold: a drop of more than 0.01 (one point of UAR/WAR/CC).</summary>
    public const double DefaultThreshold = 0.01;

    /// <summary>
    /// For each nightly run that has finished (<c>run.json</c>) but has no <c>comparison.json</c>, compares it with the
    /// latest earlier finished run of the same experiment, writes <c>runs/{id}/comparison.json</c> (create-once) and adds
    /// the comparison section to its <c>report.html</c>. Returns the comparisons written.
    /// </summary>
    public static async Task<IReadOnlyList<RunComparison>> WritePendingAsync(IBlobStore store, double threshold = DefaultThreshold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var starts = await RunStarts.ListAsync(store, cancellationToken);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in starts)
        {
            if (await store.ExistsAsync(Containers.Runs, $"{s.RunId}/run.json", cancellationToken))
            {
                finished.Add(s.RunId);
            }
        }

        var written = new List<RunComparison>();
        foreach (var current in starts.Where(s => s.Trigger == RunTriggers.Nightly && finished.Contains(s.RunId)))
        {
            if (await store.ExistsAsync(Containers.Runs, $"{current.RunId}/{RunComparison.FileName}", cancellationToken))
            {
                continue;
            }

            var previous = starts.LastOrDefault(s => s.Experiment == current.Experiment && s.RunId != current.RunId && s.StartedAt <= current.StartedAt && finished.Contains(s.RunId));
            if (previous is null)
            {
                continue;
            }

            var comparison = RunComparison.Compare(
                previous,
                await ResultsAsync(store, previous.RunId, cancellationToken),
                current,
                await ResultsAsync(store, current.RunId, cancellationToken),
                await store.GetJsonAsync<RunRecord>(Containers.Runs, $"{current.RunId}/run.json", MemoizedArtifacts.Json, cancellationToken),
                threshold);
            try
            {
                await store.PutBytesAsync(Containers.Runs, $"{current.RunId}/{RunComparison.FileName}", MemoizedArtifacts.ToJsonBytes(comparison), WriteCondition.IfAbsent, cancellationToken);
            }
            catch (BlobConditionFailedException)
            {
                continue; // another service wrote it
            }

            string reportName = $"{current.RunId}/{ReportBlobs.HtmlFile}";
            if (await store.ExistsAsync(Containers.Runs, reportName, cancellationToken))
            {
                string html = Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Runs, reportName, cancellationToken));
                int end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
                html = end < 0 ? html + comparison.ToHtmlSection() : html[..end] + comparison.ToHtmlSection() + html[end..];
                await store.PutBytesAsync(Containers.Runs, reportName, Encoding.UTF8.GetBytes(html), cancellationToken: cancellationToken);
            }

            written.Add(comparison);
        }

        return written;
    }

    private static async Task<JsonElement> ResultsAsync(IBlobStore store, string runId, CancellationToken cancellationToken)
    {
        byte[] bytes = await store.GetBytesAsync(Containers.Runs, $"{runId}/{ReportBlobs.ResultsFile}", cancellationToken);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.Clone();
    }
}
