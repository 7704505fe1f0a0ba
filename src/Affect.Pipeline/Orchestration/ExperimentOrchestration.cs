using Affect.Pipeline.Activities;
using Microsoft.DurableTask;

namespace Affect.Pipeline.Orchestration;

/// <summary>
/// The experiment workflow of the paper (Fig. 1), written once against Microsoft.DurableTask and run unchanged
/// by the in-process engine, the gRPC sidecar over Azure Storage, and Azure Durable Functions.
/// </summary>
/// <remarks>
/// Deterministic by construction: no clocks, randomness or I/O here; all work lives in activities that exchange
/// small references to content-addressed blobs, so a replay or a re-run after a crash recomputes nothing.
/// </remarks>
public sealed partial class ExperimentOrchestration : TaskOrchestrator<ExperimentSpec, ExperimentOutcome>
{
    /// <summary>
    /// Version of the orchestration's history shape. Hosts start runs under it (the client's default version); a run
    /// started under another version fails at its next replay with a message saying so, instead of replaying old
    /// history through new code. Bump it whenever the sequence of activities, timers or events changes.
    /// </summary>
    public const string Version = "2";

    /// <inheritdoc />
    public override async Task<ExperimentOutcome> RunAsync(TaskOrchestrationContext context, ExperimentSpec input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireCurrentVersion(context);
        var problems = input.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid experiment spec: " + string.Join("; ", problems));
        }

        var run = new ExperimentRun(context, input);
        var corpora = await run.IngestAsync();                                  // 1. ingest (Fig. 1), with an audio summary
        var end2you = await run.QueueEnd2YouAsync(corpora);                     // End2You: queued now, trained from the raw audio meanwhile
        var llds = await run.ExtractLldsAsync(corpora);                         // 2. ComParE 2016 LLDs + deltas
        var utterance = await run.ComputeUtteranceFeaturesAsync(corpora, llds); // 3–4. functionals, BoAW
        utterance = await run.ComputeAuDeepAsync(utterance);                    // auDeep: spectrograms, queued autoencoders, ONNX Runtime
        var classified = await run.ClassifyAsync(corpora, utterance);           // 10. KELM/WKELM/KPLS/WKPLS/SVM (Tables 2–3)
        classified = await run.ScoreEnd2YouAsync(classified, end2you);          // End2You: ONNX Runtime scores of devel/test (Table 2)
        var lstm = await run.TrainLstmsAsync(corpora, llds);                    // 5–7. labels, sequences, LSTMs (Table 1)
        var crossTask = await run.PredictCrossTaskAsync(corpora, llds, lstm);   // 8. cross-task prediction (Section 4.2)
        var discretized = await run.DiscretizeAsync(corpora, crossTask);        // 9. thresholds (Table 4)
        var fused = await run.FuseAsync(corpora, classified, discretized);      // 11. score fusion (Sections 2.2, 4.3)
        return await run.ReportAsync(corpora, llds, classified, lstm, crossTask, discretized, fused); // 12. report
    }

    /// <summary>Fails a run started under another <see cref="Version"/> (or before versions were recorded), naming both.</summary>
    /// <exception cref="OrchestrationVersionException">The run's version is not this code's.</exception>
    public static void RequireCurrentVersion(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Version != Version)
        {
            throw new OrchestrationVersionException(context.InstanceId, context.Version, Version);
        }
    }

    /// <summary>Retry policy of every activity: transient storage or network failures only, 4 attempts, back-off 2 s → 60 s.</summary>
    public static TaskOptions ActivityOptions { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromSeconds(60))
    {
        HandleFailure = f => TransientFailures.IsTransient(f.ErrorType, f.ErrorMessage),
    });

    private static readonly string[] LstmTargets = ["arousal", "valence"];

    /// <summary>Fewest files per auDeep spectrogram and extraction activity (the spec's batch size when larger).</summary>
    private const int AuDeepMinBatch = 16;

    /// <summary>The name of a single-model cross-task system: <c>train/validation/test/target</c>.</summary>
    public static string SystemName(LstmTrainingRequest model) =>
        $"{model.TrainCorpus}/{model.ValidationCorpus}/{model.TestCorpus ?? "-"}/{model.Target}";

    /// <summary>
    /// The model that stands for a source corpus and target (Table 4, Section 4.3): among the trained models of that
    /// training corpus and target, the one with the highest validation CC (the first in Table 1 order on a tie).
    /// </summary>
    public static CrossTaskPrediction? Representative(IReadOnlyList<CrossTaskPrediction> predictions, string corpus, string trainCorpus, string target)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        CrossTaskPrediction? best = null;
        foreach (var p in predictions.Where(p => p.Corpus == corpus && p.Model.Request.TrainCorpus == trainCorpus && p.Model.Request.Target == target))
        {
            if (best is null || (p.Model.Status.ValidationPearson ?? double.NegativeInfinity) > (best.Model.Status.ValidationPearson ?? double.NegativeInfinity))
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>The dimensional corpus of this run that stands for a paper corpus (by name, <see cref="PaperFigures.PaperCorpusOf"/>).</summary>
    public static string? CorpusFor(IEnumerable<CrossTaskPrediction> predictions, string paperCorpus) =>
        predictions.Select(p => p.Model.Request.TrainCorpus).FirstOrDefault(c => PaperFigures.PaperCorpusOf(c) == paperCorpus);

    /// <summary>
    /// The blended systems of the LSTM submissions (Section 4.3): SEMAINE arousal + valence (submissions 1 and 3) and
    /// CreativeIT arousal + SEMAINE valence (submission 2), each from the representative models, every fit set.
    /// </summary>
    private static IEnumerable<(string Role, DiscretizeSystem System)> SubmissionBlends(IngestedCorpus corpus, IReadOnlyList<CrossTaskPrediction> predictions)
    {
        string? semaine = CorpusFor(predictions, "SEMAINE");
        string? creativeit = CorpusFor(predictions, "CreativeIT");
        var valence = semaine is null ? null : Representative(predictions, corpus.Corpus, semaine, "valence");
        foreach (var (role, arousalSource) in new[] { (SemaineBlend, semaine), (CreativeItSemaineBlend, creativeit) })
        {
            var arousal = arousalSource is null ? null : Representative(predictions, corpus.Corpus, arousalSource, "arousal");
            if (arousal is not null && valence is not null)
            {
                yield return (role, new DiscretizeSystem(BlendName(arousal, valence), [arousal.Predictions, valence.Predictions]));
            }
        }
    }

    /// <summary>The learners fused in Section 4.3 (KPLS is left out: it keeps minority-class recall near zero).</summary>
    private static readonly string[] FusionLearners = ["kelm", "wkelm", "wkpls"];

    /// <summary>The feature set of the fused learners.</summary>
    private const string FusionFeatureSet = "OSFUN+OSBOAW";

    private const string SemaineBlend = "semaine-arousal+valence";

    private const string CreativeItSemaineBlend = "creativeit-arousal+semaine-valence";

    private static string FolderOf(string blob) => blob[..(blob.LastIndexOf('/') + 1)];

    /// <summary>A learner's scores: devel from the train-only model, test from the train + devel refit when there is one.</summary>
    private static FusionMember LearnerMember(string learner, ArtifactRef classify, ArtifactRef? refit) => new(
        learner,
        classify.Key,
        FolderOf(classify.Blob) + "devel.scores.csv",
        FolderOf((refit ?? classify).Blob) + "test.scores.csv",
        refit?.Key);

    /// <summary>A discretized LSTM system's Eq. 1 code matrices for one fit set.</summary>
    private static FusionMember LstmMember(string name, Discretization system, string fitOn) => new(
        name,
        $"{system.Artifact.Key}/{system.Index}/{fitOn}",
        FolderOf(system.Artifact.Blob) + DiscretizeActivity.ScoresFile(system.Index, fitOn, "devel"),
        FolderOf(system.Artifact.Blob) + DiscretizeActivity.ScoresFile(system.Index, fitOn, "test"));

    /// <summary>A fused system's scores as a member of a further fusion.</summary>
    private static FusionMember FusedMember(string name, ArtifactRef fusion) => new(
        name,
        fusion.Key,
        FolderOf(fusion.Blob) + "devel.scores.csv",
        FolderOf(fusion.Blob) + "test.scores.csv");

    /// <summary>The name of a blended system: <c>{arousal system}+{valence system}</c>.</summary>
    public static string BlendName(CrossTaskPrediction arousal, CrossTaskPrediction valence)
    {
        ArgumentNullException.ThrowIfNull(arousal);
        ArgumentNullException.ThrowIfNull(valence);
        return SystemName(arousal.Model.Request) + "+" + SystemName(valence.Model.Request);
    }

    private static IngestedCorpus RecordOf(IReadOnlyList<IngestedCorpus> corpora, string name) => corpora.First(c => c.Corpus == name);

    /// <summary>Every (train, validation, test) order of the dimensional corpora: 6 for three corpora, 2 (no test) for two.</summary>
    private static IEnumerable<(IngestedCorpus Train, IngestedCorpus Validation, IngestedCorpus? Test)> CorpusOrders(IReadOnlyList<IngestedCorpus> corpora)
    {
        foreach (var train in corpora)
        {
            foreach (var validation in corpora.Where(c => c != train))
            {
                var rest = corpora.Where(c => c != train && c != validation).ToList();
                if (rest.Count == 0)
                {
                    yield return (train, validation, null);
                }

                foreach (var test in rest)
                {
                    yield return (train, validation, test);
                }
            }
        }
    }
}
