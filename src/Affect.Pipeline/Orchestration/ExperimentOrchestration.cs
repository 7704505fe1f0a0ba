using Affect.Learning.Fusion;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Training;
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
public sealed class ExperimentOrchestration : TaskOrchestrator<ExperimentSpec, ExperimentOutcome>
{
    /// <inheritdoc />
    public override async Task<ExperimentOutcome> RunAsync(TaskOrchestrationContext context, ExperimentSpec input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var problems = input.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid experiment spec: " + string.Join("; ", problems));
        }

        var activities = new List<ArtifactRef>();

        // Stage 1: ingest and validate every corpus (fan-out per corpus).
        var ingested = await FanOutAsync(
            context,
            "ingest",
            input.Corpora.Select(c => context.CallActivityAsync<IngestedCorpus>(TaskNames.IngestCorpus, new IngestRequest(c))).ToList());
        activities.AddRange(ingested.Select(c => c.Record));

        // Audio summary per batch of files (fan-out per batch).
        var batches = ingested
            .SelectMany(c => Enumerable.Range(0, (c.FileCount + input.BatchSize - 1) / input.BatchSize)
                .Select(b => new AudioSummaryBatch(c.Corpus, c.Record.Key, c.Record.Blob, b * input.BatchSize, Math.Min(input.BatchSize, c.FileCount - (b * input.BatchSize)))))
            .ToList();
        var summaries = await FanOutAsync(
            context,
            "audio-summary",
            batches.Select(b => context.CallActivityAsync<ArtifactRef>(TaskNames.SummarizeAudio, b)).ToList());
        activities.AddRange(summaries);

        // Stage 2: 65 ComParE 2016 LLDs + 65 deltas per 10 ms frame (fan-out per batch).
        var llds = await FanOutAsync(
            context,
            "lld",
            batches.Select(b => context.CallActivityAsync<ArtifactRef>(TaskNames.ExtractLld, new LldBatch(b.Corpus, b.RecordKey, b.RecordBlob, b.Start, b.Count))).ToList());
        activities.AddRange(llds);
        var lldsOf = batches.Zip(llds).GroupBy(p => p.First.Corpus).ToDictionary(g => g.Key, g => g.Select(p => p.Second).ToList());

        // Stages 3–4: utterance-level features of the categorical corpora: functionals (per batch) and BoAW (per corpus).
        var categorical = ingested.Where(c => c.Kind == "categorical").ToList();
        var functionalsFor = categorical.SelectMany(c => lldsOf[c.Corpus].Select(l => (c.Corpus, Lld: l))).ToList();
        var functionals = await FanOutAsync(
            context,
            "functionals",
            functionalsFor.Select(f => context.CallActivityAsync<ArtifactRef>(TaskNames.ComputeFunctionals, new FunctionalsBatch(f.Corpus, f.Lld))).ToList());
        var boaw = await FanOutAsync(
            context,
            "boaw",
            categorical.Select(c => context.CallActivityAsync<ArtifactRef>(
                TaskNames.ComputeBoaw,
                new BoawRequest(c.Corpus, lldsOf[c.Corpus], input.BoawSize, input.BoawAssignments, input.Seed, input.BoawIterations))).ToList());
        activities.AddRange(functionals);
        activities.AddRange(boaw);

        // Optional: the 88 eGeMAPS v02 functionals of the categorical corpora, from the audio (fan-out per batch).
        var egemapsFor = batches.Where(b => input.EGeMaps && categorical.Any(c => c.Corpus == b.Corpus)).ToList();
        ArtifactRef[] egemaps = egemapsFor.Count == 0 ? [] : await FanOutAsync(
            context,
            "egemaps",
            egemapsFor.Select(b => context.CallActivityAsync<ArtifactRef>(TaskNames.ComputeEGeMaps, new EGeMapsBatch(b.Corpus, b.RecordKey, b.RecordBlob, b.Start, b.Count))).ToList());
        activities.AddRange(egemaps);

        // Stage 10: every feature set × learner, hyper-parameters chosen on devel (Tables 2–3).
        var setsFor = categorical.SelectMany((c, i) => BuildFeatureSetActivity.Names.Select(name => new FeatureSetRequest(
            c.Corpus,
            name,
            c.Record.Key,
            c.Record.Blob,
            functionalsFor.Zip(functionals).Where(p => p.First.Corpus == c.Corpus).Select(p => p.Second).ToList(),
            boaw[i]))).ToList();
        if (input.EGeMaps)
        {
            setsFor.AddRange(categorical.Select(c => new FeatureSetRequest(
                c.Corpus,
                BuildFeatureSetActivity.EGeMapsName,
                c.Record.Key,
                c.Record.Blob,
                [],
                null,
                egemapsFor.Zip(egemaps).Where(p => p.First.Corpus == c.Corpus).Select(p => p.Second).ToList())));
        }

        var sets = await FanOutAsync(context, "feature-sets", setsFor.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.BuildFeatureSet, r)).ToList());
        activities.AddRange(sets);
        var runs = setsFor.Zip(sets).SelectMany(p => input.LearnersOrDefault.Select(l => (p.First.Corpus, p.First.Name, Learner: l, Set: p.Second))).ToList();
        var classified = await FanOutAsync(
            context,
            "classify",
            runs.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.Classify, new ClassifyInput(r.Set.Blob, r.Set.Key, r.Learner, Seed: input.Seed))).ToList());
        activities.AddRange(classified);
        var utterance = new UtteranceResults(
            functionals,
            boaw,
            sets,
            runs.Zip(classified).Select(p => new Classification(p.First.Corpus, p.First.Name, p.First.Learner, p.Second)).ToList());

        // Stages 5–7: cross-corpus LSTM regressors (Table 1): every order of the dimensional corpora × arousal/valence,
        // trained outside the orchestration by the queue worker; the orchestration waits on durable timers.
        var lstm = new List<LstmCell>();
        var dimensional = ingested.Where(c => c.Kind == "dimensional").ToList();
        if (input.Lstm && dimensional.Count >= 2)
        {
            var requests = CorpusOrders(dimensional)
                .SelectMany(o => LstmTargets.Select(t => new LstmTrainingRequest(
                    o.Train.Corpus,
                    o.Validation.Corpus,
                    o.Test?.Corpus,
                    t,
                    (long)input.Seed,
                    new LstmJobParameters(Epochs: input.LstmEpochs),
                    [o.Train.Record.Key, o.Validation.Record.Key, o.Test?.Record.Key ?? "-"])))
                .ToList();
            var tickets = await FanOutAsync(
                context,
                "lstm-queue",
                requests.Select(r => context.CallActivityAsync<LstmTrainingTicket>(TaskNames.EnqueueLstmTraining, r)).ToList());
            var statuses = await FanOutAsync(
                context,
                "lstm-train",
                tickets.Select(t => WaitForModelAsync(context, t.ModelKey, input.LstmPollSeconds)).ToList());
            lstm.AddRange(requests.Zip(statuses).Select(p => new LstmCell(p.First, p.Second)));
            activities.AddRange(tickets.Zip(statuses).Select(p => new ArtifactRef("lstm", p.First.ModelKey, p.Second.ModelBlob ?? string.Empty, Reused: !p.First.Enqueued)));
        }

        // Stage 8: every trained LSTM on every utterance of each categorical corpus (Section 4.2), from the stored LLDs.
        var crossTaskFor = categorical
            .SelectMany(c => lstm.Where(m => m.Status.Exists && m.Status.ModelBlob is not null).Select(m => (Corpus: c, Cell: m)))
            .ToList();
        var crossTaskRefs = await FanOutAsync(
            context,
            "crosstask",
            crossTaskFor.Select(p => context.CallActivityAsync<ArtifactRef>(
                TaskNames.PredictCrossTask,
                new CrossTaskRequest(p.Corpus.Corpus, p.Corpus.Record.Key, p.Corpus.Record.Blob, lldsOf[p.Corpus.Corpus], p.Cell.Status.ModelKey, p.Cell.Status.ModelBlob!))).ToList());
        activities.AddRange(crossTaskRefs);
        var crossTask = crossTaskFor.Zip(crossTaskRefs).Select(p => new CrossTaskPrediction(p.First.Corpus.Corpus, p.First.Cell, p.Second)).ToList();

        // Stage 9: thresholds maximising UAR (Section 4.2, Table 4) for every model and the blends of the submissions
        // (Section 4.3), one activity per categorical corpus.
        var discretizeFor = categorical
            .Where(c => c.HasLabelledTrainAndDevel)
            .Select(c =>
            {
                var models = crossTask.Where(p => p.Corpus == c.Corpus).Select(p => (Role: (string?)null, System: new DiscretizeSystem(SystemName(p.Model.Request), [p.Predictions])));
                var systems = models.Concat(SubmissionBlends(c, crossTask).Select(b => (Role: (string?)b.Role, b.System))).ToList();
                return (Corpus: c, Systems: systems);
            })
            .Where(d => d.Systems.Count > 0)
            .ToList();
        var discretized = await FanOutAsync(
            context,
            "discretize",
            discretizeFor.Select(d => context.CallActivityAsync<ArtifactRef>(
                TaskNames.Discretize,
                new DiscretizeRequest(d.Corpus.Corpus, d.Corpus.Record.Key, [.. d.Systems.Select(s => s.System)], DiscretizeActivity.FitSets))).ToList());
        activities.AddRange(discretized);
        var discretization = discretizeFor.Zip(discretized)
            .SelectMany(p => p.First.Systems.Select((s, i) => new Discretization(p.First.Corpus.Corpus, s.System.Name, p.Second, i)))
            .ToList();
        var blendArtifacts = discretizeFor.Zip(discretized)
            .SelectMany(p => p.First.Systems.Select((s, i) => (p.First.Corpus.Corpus, s.Role, Artifact: new Discretization(p.First.Corpus.Corpus, s.System.Name, p.Second, i))))
            .Where(p => p.Role is not null)
            .ToDictionary(p => (p.Corpus, p.Role!), p => p.Artifact);

        // Stage 11: score fusion (Sections 2.2, 4.3). The learners' test scores come from a refit on train + devel when the
        // spec asks for it (devel scores always from train-only models, so the weights are fitted on honest devel scores).
        var fusedLearners = categorical.Where(c => c.HasLabelledTrainAndDevel).Select(c => (Corpus: c, Runs: FusionLearners.Select(l => runs.Zip(classified).FirstOrDefault(
            r => r.First.Corpus == c.Corpus && r.First.Name == FusionFeatureSet && r.First.Learner == l)).ToList()))
            .Where(p => p.Runs.All(r => r.Second is not null))
            .ToList();
        var retrained = new Dictionary<string, ArtifactRef>(StringComparer.Ordinal);
        if (input.RetrainOnTrainDevel)
        {
            var refits = fusedLearners.SelectMany(p => p.Runs).ToList();
            var refitted = await FanOutAsync(
                context,
                "classify-retrain",
                refits.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.Classify, new ClassifyInput(r.First.Set.Blob, r.First.Set.Key, r.First.Learner, RetrainOnTrainDevel: true, Seed: input.Seed))).ToList());
            activities.AddRange(refitted);
            foreach (var (r, refit) in refits.Zip(refitted))
            {
                retrained[r.Second.Key] = refit;
            }
        }

        var weighted = new List<(IngestedCorpus Corpus, string System, IReadOnlyList<FusionMember> Members)>();
        foreach (var (corpus, learnerRuns) in fusedLearners)
        {
            var learners = learnerRuns.Select(r => LearnerMember(r.First.Learner, r.Second, retrained.GetValueOrDefault(r.Second.Key))).ToList();
            weighted.Add((corpus, SubmissionIds.Learners, learners));
            if (blendArtifacts.TryGetValue((corpus.Corpus, SemaineBlend), out var lstm3))
            {
                weighted.Add((corpus, SubmissionIds.Final, [LstmMember(SubmissionIds.Lstm3, lstm3, "train+devel"), .. learners]));
            }
        }

        var pool = WeightedFusion.Split(input.FusionPool, input.FusionChunks);
        var chunkRequests = weighted.SelectMany(w => pool.Select(p => new FusionChunkRequest(w.Corpus.Corpus, w.Corpus.Record.Key, w.Corpus.Record.Blob, w.Members, input.Seed, p.Start, p.Count))).ToList();
        var chunks = await FanOutAsync(
            context,
            "fusion-search",
            chunkRequests.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.SearchFusionChunk, r)).ToList());
        activities.AddRange(chunks);
        var fuseRequests = weighted.Select((w, i) => new FuseRequest(w.Corpus.Corpus, w.Corpus.Record.Key, w.Corpus.Record.Blob, w.System, "wf", w.Members, chunks.Skip(i * pool.Count).Take(pool.Count).ToList())).ToList();
        var fused = await FanOutAsync(
            context,
            "fusion",
            fuseRequests.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.Fuse, r)).ToList());
        activities.AddRange(fused);
        var fusion = fuseRequests.Zip(fused).Select(p => new FusionOutcome(p.First.Corpus, p.First.System, p.First.Method, p.Second)).ToList();

        // Simple fusion (Eq. 2) of the third LSTM submission with the fused learners.
        var simpleRequests = fusion.Where(f => f.System == SubmissionIds.Learners && blendArtifacts.ContainsKey((f.Corpus, SemaineBlend)))
            .Select(f =>
            {
                var corpus = RecordOf(ingested, f.Corpus);
                FusionMember[] members = [LstmMember(SubmissionIds.Lstm3, blendArtifacts[(f.Corpus, SemaineBlend)], "train+devel"), FusedMember(SubmissionIds.Learners, f.Artifact)];
                return new FuseRequest(f.Corpus, corpus.Record.Key, corpus.Record.Blob, SubmissionIds.FinalSimple, "sf", members, null);
            })
            .ToList();
        var simple = await FanOutAsync(
            context,
            "fusion-sf",
            simpleRequests.Select(r => context.CallActivityAsync<ArtifactRef>(TaskNames.Fuse, r)).ToList());
        activities.AddRange(simple);
        fusion.AddRange(simpleRequests.Zip(simple).Select(p => new FusionOutcome(p.First.Corpus, p.First.System, p.First.Method, p.Second)));

        // The Section 4.3 systems, by id, for the report.
        var submissions = new List<SubmissionRef>();
        foreach (var c in categorical)
        {
            if (blendArtifacts.TryGetValue((c.Corpus, SemaineBlend), out var semaineBlend))
            {
                submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm1, semaineBlend.Artifact, "train", semaineBlend.System));
                submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm3, semaineBlend.Artifact, "train+devel", semaineBlend.System));
            }

            if (blendArtifacts.TryGetValue((c.Corpus, CreativeItSemaineBlend), out var mixed))
            {
                submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm2, mixed.Artifact, "devel", mixed.System));
            }

            submissions.AddRange(fusion.Where(f => f.Corpus == c.Corpus).Select(f => new SubmissionRef(c.Corpus, f.System, f.Artifact, null, null)));
        }

        // Stage 12: report.
        context.SetCustomStatus(new RunProgress("report", 0, 1));
        var report = await context.CallActivityAsync<ArtifactRef>(TaskNames.WriteReport, new ReportRequest(input, ingested, summaries, llds, utterance, lstm, crossTask, discretization, fusion, submissions));
        activities.Add(report);

        // Publish the run under runs/{runId}/ (not memoized: the run record is per run).
        await context.CallActivityAsync<string>(TaskNames.PublishRun, new RunPublication(context.InstanceId, input, report.Blob, activities));
        context.SetCustomStatus(new RunProgress("done", 1, 1));

        return new ExperimentOutcome(report.Key, report.Blob, ReportBlobs.HtmlBlobFor(report.Blob), activities);
    }

    private static readonly string[] LstmTargets = ["arousal", "valence"];

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

    /// <summary>Polls for a queued model on a durable timer until it exists or its job was poisoned.</summary>
    private static async Task<LstmModelStatus> WaitForModelAsync(TaskOrchestrationContext context, string modelKey, int pollSeconds)
    {
        while (true)
        {
            var status = await context.CallActivityAsync<LstmModelStatus>(TaskNames.CheckLstmModel, modelKey);
            if (status.Exists || status.Poisoned is not null)
            {
                return status;
            }

            await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(pollSeconds), CancellationToken.None);
        }
    }

    /// <summary>Awaits a fan-out, publishing progress as each task finishes; results keep the order of <paramref name="tasks"/>.</summary>
    private static async Task<T[]> FanOutAsync<T>(TaskOrchestrationContext context, string stage, IReadOnlyList<Task<T>> tasks)
    {
        context.SetCustomStatus(new RunProgress(stage, 0, tasks.Count));
        var pending = new List<Task<T>>(tasks);
        int done = 0;
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            done++;
            context.SetCustomStatus(new RunProgress(stage, done, tasks.Count));
        }

        return await Task.WhenAll(tasks);
    }
}
