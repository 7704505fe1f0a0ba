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
    FunctionalsActivity functionals,
    BoawActivity boaw,
    BuildFeatureSetActivity featureSet,
    ClassifyActivity classify,
    EnqueueLstmTrainingActivity enqueueLstm,
    CheckLstmModelActivity checkLstm,
    CrossTaskPredictActivity crossTask,
    DiscretizeActivity discretize,
    FusionSearchChunkActivity fusionChunk,
    FuseActivity fuse,
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

    /// <summary>Stage 3: ComParE functionals of an LLD batch.</summary>
    [Function(TaskNames.ComputeFunctionals)]
    public Task<ArtifactRef> ComputeFunctionals([ActivityTrigger] FunctionalsBatch input, CancellationToken cancellationToken) =>
        functionals.RunAsync(input, cancellationToken);

    /// <summary>Stage 4: bag-of-audio-words of a corpus.</summary>
    [Function(TaskNames.ComputeBoaw)]
    public Task<ArtifactRef> ComputeBoaw([ActivityTrigger] BoawRequest input, CancellationToken cancellationToken) =>
        boaw.RunAsync(input, cancellationToken);

    /// <summary>Assembles a feature set by partition.</summary>
    [Function(TaskNames.BuildFeatureSet)]
    public Task<ArtifactRef> BuildFeatureSet([ActivityTrigger] FeatureSetRequest input, CancellationToken cancellationToken) =>
        featureSet.RunAsync(input, cancellationToken);

    /// <summary>Stage 10: a learner on a feature set.</summary>
    [Function(TaskNames.Classify)]
    public Task<ArtifactRef> Classify([ActivityTrigger] ClassifyInput input, CancellationToken cancellationToken) =>
        classify.RunAsync(input, cancellationToken);

    /// <summary>Stage 7: queues an LSTM training job for the GPU trainer.</summary>
    [Function(TaskNames.EnqueueLstmTraining)]
    public Task<LstmTrainingTicket> EnqueueLstmTraining([ActivityTrigger] LstmTrainingRequest input, CancellationToken cancellationToken) =>
        enqueueLstm.RunAsync(input, cancellationToken);

    /// <summary>Stage 7: whether a queued model exists yet.</summary>
    [Function(TaskNames.CheckLstmModel)]
    public Task<LstmModelStatus> CheckLstmModel([ActivityTrigger] string modelKey, CancellationToken cancellationToken) =>
        checkLstm.RunAsync(modelKey, cancellationToken);

    /// <summary>Stage 8: one LSTM's frame-level predictions and utterance scores on a categorical corpus.</summary>
    [Function(TaskNames.PredictCrossTask)]
    public Task<ArtifactRef> PredictCrossTask([ActivityTrigger] CrossTaskRequest input, CancellationToken cancellationToken) =>
        crossTask.RunAsync(input, cancellationToken);

    /// <summary>Stage 9: thresholds of a cross-task system.</summary>
    [Function(TaskNames.Discretize)]
    public Task<ArtifactRef> Discretize([ActivityTrigger] DiscretizeRequest input, CancellationToken cancellationToken) =>
        discretize.RunAsync(input, cancellationToken);

    /// <summary>Stage 11: the best weights of one chunk of the weighted-fusion pool.</summary>
    [Function(TaskNames.SearchFusionChunk)]
    public Task<ArtifactRef> SearchFusionChunk([ActivityTrigger] FusionChunkRequest input, CancellationToken cancellationToken) =>
        fusionChunk.RunAsync(input, cancellationToken);

    /// <summary>Stage 11: fuses one system's members and scores devel and test.</summary>
    [Function(TaskNames.Fuse)]
    public Task<ArtifactRef> Fuse([ActivityTrigger] FuseRequest input, CancellationToken cancellationToken) =>
        fuse.RunAsync(input, cancellationToken);

    /// <summary>Stage 12: results.json and report.html.</summary>
    [Function(TaskNames.WriteReport)]
    public Task<ArtifactRef> WriteReport([ActivityTrigger] ReportRequest input, CancellationToken cancellationToken) =>
        report.RunAsync(input, cancellationToken);

    /// <summary>Publishes a finished run under runs/{runId}/.</summary>
    [Function(TaskNames.PublishRun)]
    public Task<string> PublishRun([ActivityTrigger] RunPublication input, CancellationToken cancellationToken) =>
        publish.RunAsync(input, cancellationToken);
}
