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

        // Stage 10: every feature set × learner, hyper-parameters chosen on devel (Tables 2–3).
        var setsFor = categorical.SelectMany((c, i) => BuildFeatureSetActivity.Names.Select(name => new FeatureSetRequest(
            c.Corpus,
            name,
            c.Record.Key,
            c.Record.Blob,
            functionalsFor.Zip(functionals).Where(p => p.First.Corpus == c.Corpus).Select(p => p.Second).ToList(),
            boaw[i]))).ToList();
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

        // Stage 12: report.
        context.SetCustomStatus(new RunProgress("report", 0, 1));
        var report = await context.CallActivityAsync<ArtifactRef>(TaskNames.WriteReport, new ReportRequest(input, ingested, summaries, llds, utterance, lstm, crossTask));
        activities.Add(report);

        // Publish the run under runs/{runId}/ (not memoized: the run record is per run).
        await context.CallActivityAsync<string>(TaskNames.PublishRun, new RunPublication(context.InstanceId, input, report.Blob, activities));
        context.SetCustomStatus(new RunProgress("done", 1, 1));

        return new ExperimentOutcome(report.Key, report.Blob, ReportBlobs.HtmlBlobFor(report.Blob), activities);
    }

    private static readonly string[] LstmTargets = ["arousal", "valence"];

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
