namespace Affect.Pipeline.Orchestration;

/// <summary>A reference to a content-addressed artifact written by an activity.</summary>
/// <param name="Stage">The stage that produced it (its folder under the <c>artifacts</c> container).</param>
/// <param name="Key">The content address: a hash of stage, stage version, parameters and input keys.</param>
/// <param name="Blob">The artifact's main blob name inside the <c>artifacts</c> container.</param>
/// <param name="Reused">True when the artifact already existed and the activity did no work.</param>
public sealed record ArtifactRef(string Stage, string Key, string Blob, bool Reused);

/// <summary>Input of the ingest activity.</summary>
/// <param name="Corpus">The corpus name under the <c>corpora</c> container.</param>
public sealed record IngestRequest(string Corpus);

/// <summary>Output of the ingest activity: the validated corpus record and how to split it into batches.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="Record">The stored corpus record (an Activities.CorpusRecord as JSON).</param>
/// <param name="FileCount">Number of audio files in the corpus.</param>
/// <param name="Kind">dimensional or categorical.</param>
/// <param name="LabelledPartitions">Partitions with at least one class label (categorical corpora), in ordinal order.</param>
public sealed record IngestedCorpus(string Corpus, ArtifactRef Record, int FileCount, string Kind, IReadOnlyList<string>? LabelledPartitions = null)
{
    /// <summary>Whether thresholds and fusion weights can be fitted: labelled train and devel partitions.</summary>
    public bool HasLabelledTrainAndDevel => LabelledPartitions is { } p && p.Contains("train") && p.Contains("devel");
}

/// <summary>Input of the audio-summary activity: one batch of files of one ingested corpus.</summary>
/// <param name="Corpus">The corpus name.</param>
/// <param name="RecordKey">Key of the ingest artifact the batch refers to.</param>
/// <param name="RecordBlob">Blob of the ingest artifact.</param>
/// <param name="Start">Index of the batch's first file in the record.</param>
/// <param name="Count">Number of files in the batch.</param>
public sealed record AudioSummaryBatch(string Corpus, string RecordKey, string RecordBlob, int Start, int Count);

/// <summary>Input of the report activity.</summary>
/// <param name="Spec">The run's spec.</param>
/// <param name="Corpora">Every ingested corpus.</param>
/// <param name="Summaries">Every audio-summary batch artifact, in a deterministic order.</param>
/// <param name="Llds">Every LLD batch artifact (an Activities.LldIndex each), in the same order.</param>
/// <param name="Utterance">Utterance-level stages: functionals, BoAW, feature sets and classifications.</param>
/// <param name="Lstm">Cross-corpus LSTM cells of Table 1.</param>
/// <param name="CrossTask">Stage 8: each trained LSTM's predictions on each categorical corpus.</param>
/// <param name="Discretization">Stage 9: thresholds of every cross-task system.</param>
/// <param name="Fusion">Stage 11: every fused system.</param>
/// <param name="Submissions">The Section 4.3 systems and the artifacts that hold their numbers.</param>
public sealed record ReportRequest(
    ExperimentSpec Spec,
    IReadOnlyList<IngestedCorpus> Corpora,
    IReadOnlyList<ArtifactRef> Summaries,
    IReadOnlyList<ArtifactRef> Llds,
    UtteranceResults Utterance,
    IReadOnlyList<LstmCell> Lstm,
    IReadOnlyList<CrossTaskPrediction> CrossTask,
    IReadOnlyList<Discretization> Discretization,
    IReadOnlyList<FusionOutcome> Fusion,
    IReadOnlyList<SubmissionRef> Submissions);

/// <summary>Stage 11 output: one fused system.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="System">Its id (see Activities.SubmissionIds).</param>
/// <param name="Method">wf or sf.</param>
/// <param name="Artifact">The fusion artifact (an Activities.FusionArtifact).</param>
public sealed record FusionOutcome(string Corpus, string System, string Method, ArtifactRef Artifact);

/// <summary>A Section 4.3 system: a discretized cross-task system at one fit set, or a fused system.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="Id">Its id (see Activities.SubmissionIds).</param>
/// <param name="Artifact">A discretize artifact (with <paramref name="FitOn"/>) or a fusion artifact.</param>
/// <param name="FitOn">The threshold fit set of a discretized system; null for a fused one.</param>
/// <param name="System">The discretized system's name in the artifact; null for a fused one.</param>
public sealed record SubmissionRef(string Corpus, string Id, ArtifactRef Artifact, string? FitOn, string? System);

/// <summary>Stage 9 output: one cross-task system discretized with thresholds fitted on each fit set.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="System">The system's name (one model, or an arousal model + a valence model).</param>
/// <param name="Artifact">The discretize artifact of the corpus (an Activities.DiscretizeArtifact).</param>
/// <param name="Index">The system's position in that artifact.</param>
public sealed record Discretization(string Corpus, string System, ArtifactRef Artifact, int Index);

/// <summary>Stage 8 output: one trained LSTM's frame tracks and utterance scores on one categorical corpus.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="Model">The Table 1 cell whose model predicted.</param>
/// <param name="Predictions">The crosstask artifact (an Activities.CrossTaskArtifact).</param>
public sealed record CrossTaskPrediction(string Corpus, LstmCell Model, ArtifactRef Predictions);

/// <summary>One cell of Table 1: an LSTM trained on one corpus, its epoch chosen on a second, tested on a third.</summary>
/// <param name="Request">What was trained.</param>
/// <param name="Status">The model's final status (metrics, or the poison reason).</param>
public sealed record LstmCell(Activities.LstmTrainingRequest Request, Activities.LstmModelStatus Status);

/// <summary>The utterance-level branch of a run (paper Section 4.1, Tables 2–3).</summary>
/// <param name="Functionals">Functionals artifacts (per LLD batch of the categorical corpora).</param>
/// <param name="Boaw">BoAW artifacts (per categorical corpus).</param>
/// <param name="FeatureSets">Feature-set artifacts.</param>
/// <param name="Classifications">One per corpus × feature set × learner.</param>
public sealed record UtteranceResults(IReadOnlyList<ArtifactRef> Functionals, IReadOnlyList<ArtifactRef> Boaw, IReadOnlyList<ArtifactRef> FeatureSets, IReadOnlyList<Classification> Classifications)
{
    /// <summary>The auDeep representation artifacts (one per spectrogram batch); empty when the run has no auDeep stage.</summary>
    public IReadOnlyList<ArtifactRef> AuDeep { get; init; } = [];

    /// <summary>The End2You scores (one per categorical corpus, a classify-shaped artifact each); empty when the run has no End2You stage.</summary>
    public IReadOnlyList<Classification> End2You { get; init; } = [];
}

/// <summary>A classification run of stage 10.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="FeatureSet">OSFUN, OSBOAW or OSFUN+OSBOAW.</param>
/// <param name="Learner">kelm, wkelm, kpls, wkpls or svm.</param>
/// <param name="Metrics">The classify artifact (its metrics.json).</param>
public sealed record Classification(string Corpus, string FeatureSet, string Learner, ArtifactRef Metrics);

/// <summary>What the orchestration returns.</summary>
/// <param name="RunKey">Content address of the run's results (same spec and inputs ⇒ same key).</param>
/// <param name="Results">Blob of <c>results.json</c> in the <c>artifacts</c> container.</param>
/// <param name="Report">Blob of <c>report.html</c> in the <c>artifacts</c> container.</param>
/// <param name="Activities">Every activity output in order, with its reuse flag.</param>
public sealed record ExperimentOutcome(string RunKey, string Results, string Report, IReadOnlyList<ArtifactRef> Activities);

/// <summary>Progress published through the orchestration's custom status.</summary>
/// <param name="Stage">The stage running now.</param>
/// <param name="Done">Work items of this stage finished.</param>
/// <param name="Total">Work items of this stage in all.</param>
public sealed record RunProgress(string Stage, int Done, int Total);

/// <summary>Registered names of the orchestration and its activities, shared by every host.</summary>
public static class TaskNames
{
    /// <summary>The experiment orchestration.</summary>
    public const string Experiment = "ExperimentOrchestration";

    /// <summary>Stage 1: validate an uploaded corpus and record it.</summary>
    public const string IngestCorpus = "IngestCorpus";

    /// <summary>Audio summary of a batch of files.</summary>
    public const string SummarizeAudio = "SummarizeAudio";

    /// <summary>Stage 2: ComParE 2016 LLDs and deltas of a batch of files.</summary>
    public const string ExtractLld = "ExtractLld";

    /// <summary>Stage 3: the 6373 ComParE functionals of an LLD batch.</summary>
    public const string ComputeFunctionals = "ComputeFunctionals";

    /// <summary>The 88 eGeMAPS v02 functionals of a batch of files (from the audio).</summary>
    public const string ComputeEGeMaps = "ComputeEGeMaps";

    /// <summary>auDeep: Mel spectrograms of a batch of files, clipped below each threshold.</summary>
    public const string ComputeSpectrograms = "ComputeSpectrograms";

    /// <summary>auDeep: queues the autoencoder training job of a corpus (idempotent, like the LSTMs').</summary>
    public const string EnqueueAuDeepTraining = "EnqueueAuDeepTraining";

    /// <summary>auDeep: whether a queued auDeep model exists yet, or its give-up error.</summary>
    public const string CheckAuDeepModel = "CheckAuDeepModel";

    /// <summary>auDeep: representations of a spectrogram batch from the ONNX encoders (ONNX Runtime).</summary>
    public const string ExtractAuDeep = "ExtractAuDeep";

    /// <summary>End2You: queues the end-to-end model's training job of a corpus (idempotent, like the LSTMs').</summary>
    public const string EnqueueEnd2YouTraining = "EnqueueEnd2YouTraining";

    /// <summary>End2You: whether a queued End2You model exists yet, or its give-up error.</summary>
    public const string CheckEnd2YouModel = "CheckEnd2YouModel";

    /// <summary>End2You: class scores of devel and test from the ONNX model (ONNX Runtime).</summary>
    public const string ScoreEnd2You = "ScoreEnd2You";

    /// <summary>Stage 4: bag-of-audio-words codebook (train partition) and histograms of a corpus.</summary>
    public const string ComputeBoaw = "ComputeBoaw";

    /// <summary>Assembles OSFUN / OSBOAW / OSFUN+OSBOAW (and EGEMAPS) feature sets by partition.</summary>
    public const string BuildFeatureSet = "BuildFeatureSet";

    /// <summary>Stage 10: an utterance-level learner on a feature set.</summary>
    public const string Classify = "Classify";

    /// <summary>Stage 7: queues an LSTM training job (idempotent: nothing is queued when the model exists).</summary>
    public const string EnqueueLstmTraining = "EnqueueLstmTraining";

    /// <summary>Stage 7: whether a queued model exists yet, with its metrics.</summary>
    public const string CheckLstmModel = "CheckLstmModel";

    /// <summary>Stage 8: frame-level predictions of one trained LSTM on a categorical corpus, and their utterance means.</summary>
    public const string PredictCrossTask = "PredictCrossTask";

    /// <summary>Stage 9: UAR-maximising thresholds of a cross-task system, per fit set.</summary>
    public const string Discretize = "Discretize";

    /// <summary>Stage 11: the best weight matrix of one chunk of the weighted-fusion pool.</summary>
    public const string SearchFusionChunk = "SearchFusionChunk";

    /// <summary>Stage 11: fuses a system's members (combines WF chunks, or fits SF's γ) and scores devel and test.</summary>
    public const string Fuse = "Fuse";

    /// <summary>Stage 12: results.json and report.html.</summary>
    public const string WriteReport = "WriteReport";

    /// <summary>Copies the results under <c>runs/{runId}/</c> with a run record.</summary>
    public const string PublishRun = "PublishRun";
}

/// <summary>Container names of the store layout (ARCHITECTURE.md, "Storage").</summary>
public static class Containers
{
    /// <summary>Uploaded corpora: <c>{corpus}/manifest.json</c>, audio and labels.</summary>
    public const string Corpora = "corpora";

    /// <summary>Content-addressed intermediates: <c>{stage}/{key}/...</c>.</summary>
    public const string Artifacts = "artifacts";

    /// <summary>LSTM models: <c>{key}/model.onnx</c>.</summary>
    public const string Models = "models";

    /// <summary>Run records: <c>{runId}/run.json</c>, results and report.</summary>
    public const string Runs = "runs";
}
