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

        // Stage 12: report.
        context.SetCustomStatus(new RunProgress("report", 0, 1));
        var report = await context.CallActivityAsync<ArtifactRef>(TaskNames.WriteReport, new ReportRequest(input, ingested, summaries, llds, utterance));
        activities.Add(report);

        // Publish the run under runs/{runId}/ (not memoized: the run record is per run).
        await context.CallActivityAsync<string>(TaskNames.PublishRun, new RunPublication(context.InstanceId, input, report.Blob, activities));
        context.SetCustomStatus(new RunProgress("done", 1, 1));

        return new ExperimentOutcome(report.Key, report.Blob, ReportBlobs.HtmlBlobFor(report.Blob), activities);
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
