using System.Reflection;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Publishes a finished run under <c>runs/{runId}/</c>: its results.json (byte for byte the memoized artifact), its
/// report.html with this run's per-stage timings section filled in, timings.json, and a run.json record.
/// </summary>
public sealed class PublishRunActivity(IBlobStore store) : IPipelineActivity<RunPublication, string>
{
    /// <inheritdoc />
    public async Task<string> RunAsync(RunPublication input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string prefix = $"{input.RunId}/";
        BlobName.Validate(Containers.Runs, prefix + ReportBlobs.ResultsFile);
        byte[] results = await store.GetBytesAsync(Containers.Artifacts, input.Results, cancellationToken);
        await store.PutBytesAsync(Containers.Runs, prefix + ReportBlobs.ResultsFile, results, cancellationToken: cancellationToken);
        byte[] html = await store.GetBytesAsync(Containers.Artifacts, ReportBlobs.HtmlBlobFor(input.Results), cancellationToken);
        if (input.Timings is { } timings)
        {
            html = System.Text.Encoding.UTF8.GetBytes(ReportHtml.WithTimings(System.Text.Encoding.UTF8.GetString(html), timings));
            await store.PutBytesAsync(Containers.Runs, prefix + RunTimings.FileName, MemoizedArtifacts.ToJsonBytes(timings), cancellationToken: cancellationToken);
        }

        await store.PutBytesAsync(Containers.Runs, prefix + ReportBlobs.HtmlFile, html, cancellationToken: cancellationToken);

        var record = new RunRecord(
            input.RunId,
            "completed",
            input.Spec,
            typeof(PublishRunActivity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            input.Activities.Count(a => !a.Reused),
            input.Activities.Count(a => a.Reused),
            input.Activities);
        await store.PutBytesAsync(Containers.Runs, prefix + "run.json", MemoizedArtifacts.ToJsonBytes(record), cancellationToken: cancellationToken);
        return prefix + ReportBlobs.ResultsFile;
    }
}

/// <summary>Input of <see cref="PublishRunActivity"/>.</summary>
/// <param name="RunId">The orchestration instance id, used as the run id.</param>
/// <param name="Spec">The run's spec.</param>
/// <param name="Results">The results.json artifact blob.</param>
/// <param name="Activities">Every activity output of the run.</param>
public sealed record RunPublication(string RunId, ExperimentSpec Spec, string Results, IReadOnlyList<ArtifactRef> Activities)
{
    /// <summary>The run's per-stage timings (written to timings.json and into the published report.html), or null.</summary>
    public RunTimings? Timings { get; init; }
}

/// <summary>The content of <c>runs/{runId}/run.json</c>.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Status">Final status.</param>
/// <param name="Spec">The run's spec (corpora, seed).</param>
/// <param name="CodeVersion">Version of the pipeline code that ran.</param>
/// <param name="Computed">Activities that did work.</param>
/// <param name="Reused">Activities whose output already existed.</param>
/// <param name="Activities">Every activity output.</param>
public sealed record RunRecord(string RunId, string Status, ExperimentSpec Spec, string CodeVersion, int Computed, int Reused, IReadOnlyList<ArtifactRef> Activities);
