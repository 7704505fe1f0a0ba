using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Affect.Functions;

/// <summary>
/// Thin Durable Functions wrappers: the orchestrator and every activity call the shared code of Affect.Pipeline,
/// registered under the same <see cref="TaskNames"/> the local engines use.
/// </summary>
public sealed class ExperimentFunctions(
    IngestCorpusActivity ingest,
    SummarizeAudioActivity summarize,
    ExtractLldActivity extractLld,
    WriteReportActivity report,
    PublishRunActivity publish)
{
    /// <summary>The experiment orchestration (flat: no sub-orchestrations).</summary>
    [Function(TaskNames.Experiment)]
    public static Task<ExperimentOutcome> RunExperiment([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.GetInput<ExperimentSpec>() ?? throw new ArgumentException("The orchestration needs an ExperimentSpec input.");
        return new ExperimentOrchestration().RunAsync(context, spec);
    }

    /// <summary>Stage 1: ingest and validate a corpus.</summary>
    [Function(TaskNames.IngestCorpus)]
    public Task<IngestedCorpus> IngestCorpus([ActivityTrigger] IngestRequest input, CancellationToken cancellationToken) =>
        ingest.RunAsync(input, cancellationToken);

    /// <summary>Audio summary of a batch of files.</summary>
    [Function(TaskNames.SummarizeAudio)]
    public Task<ArtifactRef> SummarizeAudio([ActivityTrigger] AudioSummaryBatch input, CancellationToken cancellationToken) =>
        summarize.RunAsync(input, cancellationToken);

    /// <summary>Stage 2: ComParE 2016 LLDs and deltas of a batch of files.</summary>
    [Function(TaskNames.ExtractLld)]
    public Task<ArtifactRef> ExtractLld([ActivityTrigger] LldBatch input, CancellationToken cancellationToken) =>
        extractLld.RunAsync(input, cancellationToken);

    /// <summary>Stage 12: results.json and report.html.</summary>
    [Function(TaskNames.WriteReport)]
    public Task<ArtifactRef> WriteReport([ActivityTrigger] ReportRequest input, CancellationToken cancellationToken) =>
        report.RunAsync(input, cancellationToken);

    /// <summary>Publishes a finished run under runs/{runId}/.</summary>
    [Function(TaskNames.PublishRun)]
    public Task<string> PublishRun([ActivityTrigger] RunPublication input, CancellationToken cancellationToken) =>
        publish.RunAsync(input, cancellationToken);
}
