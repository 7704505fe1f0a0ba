using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;
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
        Add<BoawActivity, BoawRequest, ArtifactRef>(registry, TaskNames.ComputeBoaw);
        Add<BuildFeatureSetActivity, FeatureSetRequest, ArtifactRef>(registry, TaskNames.BuildFeatureSet);
        Add<ClassifyActivity, ClassifyInput, ArtifactRef>(registry, TaskNames.Classify);
        Add<WriteReportActivity, ReportRequest, ArtifactRef>(registry, TaskNames.WriteReport);
        Add<PublishRunActivity, RunPublication, string>(registry, TaskNames.PublishRun);
    }

    /// <summary>Registers the activity classes and the store they share.</summary>
    public static IServiceCollection AddPipelineActivities(this IServiceCollection services, IBlobStore store, ActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(store);
        services.AddSingleton(log ?? new ActivityLog());
        services.AddSingleton<IngestCorpusActivity>();
        services.AddSingleton<SummarizeAudioActivity>();
        services.AddSingleton<ExtractLldActivity>();
        services.AddSingleton<FunctionalsActivity>();
        services.AddSingleton<BoawActivity>();
        services.AddSingleton<BuildFeatureSetActivity>();
        services.AddSingleton<ClassifyActivity>();
        services.AddSingleton<WriteReportActivity>();
        services.AddSingleton<PublishRunActivity>();
        return services;
    }

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
