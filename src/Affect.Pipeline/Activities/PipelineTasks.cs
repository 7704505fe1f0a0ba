using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Affect.Pipeline.Activities;

/// <summary>Registers the orchestration and every activity under their <see cref="TaskNames"/>, for any Durable Task host.</summary>
public static class PipelineTasks
{
    /// <summary>Adds the orchestration and activities to a Durable Task registry; activities are resolved from DI.</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator(TaskNames.Experiment, () => new ExperimentOrchestration());
        Add<IngestCorpusActivity, IngestRequest, IngestedCorpus>(registry, TaskNames.IngestCorpus);
        Add<SummarizeAudioActivity, AudioSummaryBatch, ArtifactRef>(registry, TaskNames.SummarizeAudio);
        Add<ExtractLldActivity, LldBatch, ArtifactRef>(registry, TaskNames.ExtractLld);
        Add<FunctionalsActivity, FunctionalsBatch, ArtifactRef>(registry, TaskNames.ComputeFunctionals);
        Add<EGeMapsActivity, EGeMapsBatch, ArtifactRef>(registry, TaskNames.ComputeEGeMaps);
        Add<BoawActivity, BoawRequest, ArtifactRef>(registry, TaskNames.ComputeBoaw);
        Add<SpectrogramsActivity, SpectrogramsBatch, ArtifactRef>(registry, TaskNames.ComputeSpectrograms);
        Add<EnqueueAuDeepTrainingActivity, AuDeepTrainingRequest, LstmTrainingTicket>(registry, TaskNames.EnqueueAuDeepTraining);
        Add<CheckAuDeepModelActivity, string, QueuedModelStatus>(registry, TaskNames.CheckAuDeepModel);
        Add<ExtractAuDeepActivity, AuDeepExtractRequest, ArtifactRef>(registry, TaskNames.ExtractAuDeep);
        Add<EnqueueEnd2YouTrainingActivity, End2YouTrainingRequest, LstmTrainingTicket>(registry, TaskNames.EnqueueEnd2YouTraining);
        Add<CheckEnd2YouModelActivity, string, QueuedModelStatus>(registry, TaskNames.CheckEnd2YouModel);
        Add<ScoreEnd2YouActivity, End2YouScoreRequest, ArtifactRef>(registry, TaskNames.ScoreEnd2You);
        Add<BuildFeatureSetActivity, FeatureSetRequest, ArtifactRef>(registry, TaskNames.BuildFeatureSet);
        Add<ClassifyActivity, ClassifyInput, ArtifactRef>(registry, TaskNames.Classify);
        Add<EnqueueLstmTrainingActivity, LstmTrainingRequest, LstmTrainingTicket>(registry, TaskNames.EnqueueLstmTraining);
        Add<CheckLstmModelActivity, string, LstmModelStatus>(registry, TaskNames.CheckLstmModel);
        Add<CrossTaskPredictActivity, CrossTaskRequest, ArtifactRef>(registry, TaskNames.PredictCrossTask);
        Add<DiscretizeActivity, DiscretizeRequest, ArtifactRef>(registry, TaskNames.Discretize);
        Add<FusionSearchChunkActivity, FusionChunkRequest, ArtifactRef>(registry, TaskNames.SearchFusionChunk);
        Add<FuseActivity, FuseRequest, ArtifactRef>(registry, TaskNames.Fuse);
        Add<WriteReportActivity, ReportRequest, ArtifactRef>(registry, TaskNames.WriteReport);
        Add<PublishRunActivity, RunPublication, string>(registry, TaskNames.PublishRun);
    }

    /// <summary>Registers the activity classes and the store they share.</summary>
    /// <param name="services">The DI container.</param>
    /// <param name="store">The artifact store.</param>
    /// <param name="log">Receives activity completions.</param>
    /// <param name="trainingQueue">The <c>lstm-training</c> queue; defaults to the folder queue beside a folder store.</param>
    public static IServiceCollection AddPipelineActivities(this IServiceCollection services, IBlobStore store, ActivityLog? log = null, ITrainingQueue? trainingQueue = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(store);
        services.AddSingleton(trainingQueue ?? DefaultTrainingQueue(store));
        services.AddSingleton<EnqueueLstmTrainingActivity>();
        services.AddSingleton<CheckLstmModelActivity>();
        services.AddSingleton(log ?? new ActivityLog());
        services.AddSingleton<IngestCorpusActivity>();
        services.AddSingleton<SummarizeAudioActivity>();
        services.AddSingleton<ExtractLldActivity>();
        services.AddSingleton<FunctionalsActivity>();
        services.AddSingleton<EGeMapsActivity>();
        services.AddSingleton<BoawActivity>();
        services.AddSingleton<SpectrogramsActivity>();
        services.AddSingleton<EnqueueAuDeepTrainingActivity>();
        services.AddSingleton<CheckAuDeepModelActivity>();
        services.AddSingleton<ExtractAuDeepActivity>();
        services.AddSingleton<EnqueueEnd2YouTrainingActivity>();
        services.AddSingleton<CheckEnd2YouModelActivity>();
        services.AddSingleton<ScoreEnd2YouActivity>();
        services.AddSingleton<BuildFeatureSetActivity>();
        services.AddSingleton<ClassifyActivity>();
        services.AddSingleton<CrossTaskPredictActivity>();
        services.AddSingleton<DiscretizeActivity>();
        services.AddSingleton<FusionSearchChunkActivity>();
        services.AddSingleton<FuseActivity>();
        services.AddSingleton<WriteReportActivity>();
        services.AddSingleton<PublishRunActivity>();
        return services;
    }

    /// <summary>The <c>lstm-training</c> queue beside a folder store (<c>ROOT/.queues</c>); other stores must be given one.</summary>
    public static ITrainingQueue DefaultTrainingQueue(IBlobStore store) => store is FolderBlobStore folder
        ? new FolderTrainingQueue(Path.Combine(folder.Root, TrainingQueues.FolderName), TrainingQueueNames.Jobs)
        : new MissingTrainingQueue();

    private static void Add<TActivity, TIn, TOut>(DurableTaskRegistry registry, string name)
        where TActivity : IPipelineActivity<TIn, TOut>
    {
        registry.AddActivity(name, sp => new DurableActivity<TActivity, TIn, TOut>(sp.GetRequiredService<TActivity>()));
    }
}

/// <summary>Observes activity executions (computed or reused) for progress output and tests; thread-safe.</summary>
public sealed class ActivityLog
{
    private readonly object gate = new();
    private readonly List<ArtifactRef> entries = [];
    private readonly List<CorruptArtifact> corrupt = [];

    /// <summary>Raised after each activity finishes.</summary>
    public event Action<ArtifactRef>? Completed;

    /// <summary>Every activity output recorded so far, in completion order.</summary>
    public IReadOnlyList<ArtifactRef> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    /// <summary>Raised when a stored artifact fails its integrity check (it is then recomputed).</summary>
    public event Action<CorruptArtifact>? CorruptFound;

    /// <summary>Every corrupt or partial artifact found so far (each was recomputed).</summary>
    public IReadOnlyList<CorruptArtifact> Corrupt
    {
        get
        {
            lock (gate)
            {
                return [.. corrupt];
            }
        }
    }

    /// <summary>Records an artifact that failed its integrity check.</summary>
    public void RecordCorrupt(CorruptArtifact artifact)
    {
        lock (gate)
        {
            corrupt.Add(artifact);
        }

        CorruptFound?.Invoke(artifact);
    }

    /// <summary>Records an activity output.</summary>
    public void Record(ArtifactRef artifact)
    {
        lock (gate)
        {
            entries.Add(artifact);
        }

        Completed?.Invoke(artifact);
    }
}

/// <summary>A stored artifact that failed its integrity check and was recomputed.</summary>
/// <param name="Stage">Its stage.</param>
/// <param name="Key">Its key.</param>
/// <param name="Problem">What was wrong, naming the blob (<c>artifacts/stage/key/file: …</c>).</param>
public sealed record CorruptArtifact(string Stage, string Key, string Problem);

/// <summary>Stands in for the training queue of a host that was given none: any use fails with what to configure.</summary>
public sealed class MissingTrainingQueue : ITrainingQueue
{
    /// <inheritdoc />
    public string Name => TrainingQueueNames.Jobs;

    /// <inheritdoc />
    public Task EnqueueAsync(string text, CancellationToken cancellationToken = default) => throw Missing();

    /// <inheritdoc />
    public Task<QueuedMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken = default) => throw Missing();

    /// <inheritdoc />
    public Task DeleteAsync(QueuedMessage message, CancellationToken cancellationToken = default) => throw Missing();

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken = default) => throw Missing();

    private static InvalidOperationException Missing() =>
        new("No lstm-training queue is configured for this store: pass one (TrainingQueues.Open(connection, \"lstm-training\")) to AddPipelineActivities.");
}
