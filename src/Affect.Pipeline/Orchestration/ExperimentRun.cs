using Affect.Learning.Fusion;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.DurableTask;

namespace Affect.Pipeline.Orchestration;

/// <content>The stages of one run, one method each, in the order of <see cref="RunAsync"/>.</content>
public sealed partial class ExperimentOrchestration
{
    /// <summary>The LLD artifacts of a run: in batch order, and by corpus.</summary>
    private sealed record LldArtifacts(IReadOnlyList<ArtifactRef> InOrder, IReadOnlyDictionary<string, List<ArtifactRef>> ByCorpus);

    /// <summary>Stages 3–4 of the categorical corpora.</summary>
    private sealed record UtteranceFeatures(
        IReadOnlyList<IngestedCorpus> Categorical,
        IReadOnlyList<(string Corpus, ArtifactRef Lld)> FunctionalsFor,
        IReadOnlyList<ArtifactRef> Functionals,
        IReadOnlyList<ArtifactRef> Boaw,
        IReadOnlyList<(string Corpus, ArtifactRef Batch)> EGeMaps)
    {
        /// <summary>The auDeep representations of the categorical corpora (one artifact per spectrogram batch); empty when the stage is off.</summary>
        public IReadOnlyList<(string Corpus, ArtifactRef Batch)> AuDeep { get; init; } = [];
    }

    /// <summary>Stage 10: the feature sets and every learner run on them.</summary>
    private sealed record Classified(
        UtteranceResults Results,
        IReadOnlyList<(string Corpus, string Name, string Learner, ArtifactRef Set)> Runs,
        IReadOnlyList<ArtifactRef> Metrics);

    /// <summary>Stage 9: every discretized system, and the blends of the LSTM submissions by (corpus, role).</summary>
    private sealed record Discretized(IReadOnlyList<Discretization> Systems, IReadOnlyDictionary<(string Corpus, string Role), Discretization> Blends);

    /// <summary>One run's state: its context, spec, and every activity output so far (in order, for the run record).</summary>
    private sealed partial class ExperimentRun(TaskOrchestrationContext context, ExperimentSpec spec)
    {
        private readonly List<ArtifactRef> activities = [];
        private readonly List<StageTiming> timings = [];
        private IReadOnlyList<ArtifactRef> summaries = [];
        private IReadOnlyList<AudioSummaryBatch> batches = [];

        /// <summary>Stage 1: ingest and validate every corpus (fan-out per corpus), then an audio summary per batch of files.</summary>
        public async Task<IReadOnlyList<IngestedCorpus>> IngestAsync()
        {
            var ingested = await FanOutAsync("ingest", spec.Corpora.Select(c => CallAsync<IngestedCorpus>(TaskNames.IngestCorpus, new IngestRequest(c))));
            activities.AddRange(ingested.Select(c => c.Record));
            batches = ingested
                .SelectMany(c => Enumerable.Range(0, (c.FileCount + spec.Features.BatchSize - 1) / spec.Features.BatchSize)
                    .Select(b => new AudioSummaryBatch(c.Corpus, c.Record.Key, c.Record.Blob, b * spec.Features.BatchSize, Math.Min(spec.Features.BatchSize, c.FileCount - (b * spec.Features.BatchSize)))))
                .ToList();
            summaries = await FanOutAsync("audio-summary", batches.Select(b => CallAsync<ArtifactRef>(TaskNames.SummarizeAudio, b)));
            activities.AddRange(summaries);
            return ingested;
        }

        /// <summary>Stage 2: 65 ComParE 2016 LLDs + 65 deltas per 10 ms frame (fan-out per batch).</summary>
        public async Task<LldArtifacts> ExtractLldsAsync(IReadOnlyList<IngestedCorpus> corpora)
        {
            var llds = await FanOutAsync("lld", batches.Select(b => CallAsync<ArtifactRef>(TaskNames.ExtractLld, new LldBatch(b.Corpus, b.RecordKey, b.RecordBlob, b.Start, b.Count))));
            activities.AddRange(llds);
            var byCorpus = batches.Zip(llds).GroupBy(p => p.First.Corpus).ToDictionary(g => g.Key, g => g.Select(p => p.Second).ToList());
            return new LldArtifacts(llds, byCorpus);
        }

        /// <summary>Stages 3–4 of the categorical corpora: functionals (per LLD batch) and BoAW (per corpus).</summary>
        public async Task<UtteranceFeatures> ComputeUtteranceFeaturesAsync(IReadOnlyList<IngestedCorpus> corpora, LldArtifacts llds)
        {
            var categorical = corpora.Where(c => c.Kind == "categorical").ToList();
            var functionalsFor = categorical.SelectMany(c => llds.ByCorpus[c.Corpus].Select(l => (c.Corpus, Lld: l))).ToList();
            var functionals = await FanOutAsync("functionals", functionalsFor.Select(f => CallAsync<ArtifactRef>(TaskNames.ComputeFunctionals, new FunctionalsBatch(f.Corpus, f.Lld))));
            var boaw = await FanOutAsync("boaw", categorical.Select(c => CallAsync<ArtifactRef>(
                TaskNames.ComputeBoaw,
                new BoawRequest(c.Corpus, llds.ByCorpus[c.Corpus], spec.Boaw.Size, spec.Boaw.Assignments, spec.Seed, spec.Boaw.Iterations))));
            activities.AddRange(functionals);
            activities.AddRange(boaw);

            // Optional: the 88 eGeMAPS v02 functionals of the categorical corpora, from the audio (fan-out per batch).
            var egemapsFor = batches.Where(b => spec.Features.EGeMaps && categorical.Any(c => c.Corpus == b.Corpus)).ToList();
            var egemaps = egemapsFor.Count == 0 ? [] : await FanOutAsync(
                "egemaps",
                egemapsFor.Select(b => CallAsync<ArtifactRef>(TaskNames.ComputeEGeMaps, new EGeMapsBatch(b.Corpus, b.RecordKey, b.RecordBlob, b.Start, b.Count))));
            activities.AddRange(egemaps);
            return new UtteranceFeatures(categorical, functionalsFor, functionals, boaw, [.. egemapsFor.Zip(egemaps).Select(p => (p.First.Corpus, p.Second))]);
        }

        /// <summary>
        /// The auDeep stage of the categorical corpora (Table 2's auDeep baseline): Mel spectrograms clipped below each
        /// threshold (fan-out per batch, from the stored audio), one autoencoder per threshold trained on the train
        /// partition by the queued training worker (the LSTMs' queue; a completion event or the deadline, as for
        /// them), then every partition's representations from the ONNX encoders with ONNX Runtime (fan-out per batch).
        /// </summary>
        public async Task<UtteranceFeatures> ComputeAuDeepAsync(UtteranceFeatures features)
        {
            if (!spec.AuDeepEnabled || features.Categorical.Count == 0)
            {
                return features;
            }

            // Batches of at least AuDeepMinBatch files: a spectrogram is cheap, and every extraction batch loads each encoder once.
            var options = spec.AuDeep!;
            int size = Math.Max(spec.Features.BatchSize, AuDeepMinBatch);
            var spectrogramFor = features.Categorical
                .SelectMany(c => Enumerable.Range(0, (c.FileCount + size - 1) / size)
                    .Select(b => new SpectrogramsBatch(c.Corpus, c.Record.Key, c.Record.Blob, b * size, Math.Min(size, c.FileCount - (b * size)), options)))
                .ToList();
            var spectrograms = await FanOutAsync("spectrograms", spectrogramFor.Select(b => CallAsync<ArtifactRef>(TaskNames.ComputeSpectrograms, b)));
            activities.AddRange(spectrograms);
            var byCorpus = spectrogramFor.Zip(spectrograms).Select(p => (p.First.Corpus, Batch: p.Second)).ToList();
            var parameters = options.JobParameters();
            var requests = features.Categorical.Select(c => new AuDeepTrainingRequest(
                c.Corpus, (long)spec.Seed, parameters, [.. byCorpus.Where(s => s.Corpus == c.Corpus).Select(s => s.Batch.Blob)], context.InstanceId)).ToList();
            var tickets = await FanOutAsync("audeep-queue", requests.Select(r => CallAsync<LstmTrainingTicket>(TaskNames.EnqueueAuDeepTraining, r)));
            var models = await FanOutAsync("audeep-train", requests.Zip(tickets).Select(p => AwaitJobAsync<QueuedModelStatus>(
                p.Second, $"auDeep autoencoders of {p.First.Corpus}", TaskNames.CheckAuDeepModel, s => (s.Exists, s.Poisoned))));
            activities.AddRange(tickets.Zip(models).Select(p => new ArtifactRef(AuDeepTrainingJob.Stage, p.First.ModelKey, p.Second.ModelBlob ?? string.Empty, Reused: !p.First.Enqueued)));
            var modelOf = requests.Zip(models).ToDictionary(p => p.First.Corpus, p => p.Second, StringComparer.Ordinal);
            var extracted = await FanOutAsync("audeep", byCorpus.Select(s => CallAsync<ArtifactRef>(
                TaskNames.ExtractAuDeep,
                new AuDeepExtractRequest(s.Corpus, s.Batch, modelOf[s.Corpus].ModelKey, modelOf[s.Corpus].ModelBlob!))));
            activities.AddRange(extracted);
            return features with { AuDeep = [.. byCorpus.Zip(extracted).Select(p => (p.First.Corpus, p.Second))] };
        }

        /// <summary>Stage 10: every feature set × learner, hyper-parameters chosen on devel (Tables 2–3).</summary>
        public async Task<Classified> ClassifyAsync(IReadOnlyList<IngestedCorpus> corpora, UtteranceFeatures features)
        {
            var setsFor = features.Categorical.SelectMany((c, i) => BuildFeatureSetActivity.Names.Select(name => new FeatureSetRequest(
                c.Corpus,
                name,
                c.Record.Key,
                c.Record.Blob,
                features.FunctionalsFor.Zip(features.Functionals).Where(p => p.First.Corpus == c.Corpus).Select(p => p.Second).ToList(),
                features.Boaw[i]))).ToList();
            if (features.AuDeep.Count > 0)
            {
                setsFor.AddRange(features.Categorical.Select(c => new FeatureSetRequest(
                    c.Corpus,
                    BuildFeatureSetActivity.AuDeepName,
                    c.Record.Key,
                    c.Record.Blob,
                    [],
                    null,
                    AuDeep: [.. features.AuDeep.Where(e => e.Corpus == c.Corpus).Select(e => e.Batch)])));
            }

            if (spec.Features.EGeMaps)
            {
                setsFor.AddRange(features.Categorical.Select(c => new FeatureSetRequest(
                    c.Corpus,
                    BuildFeatureSetActivity.EGeMapsName,
                    c.Record.Key,
                    c.Record.Blob,
                    [],
                    null,
                    [.. features.EGeMaps.Where(e => e.Corpus == c.Corpus).Select(e => e.Batch)])));
            }

            var sets = await FanOutAsync("feature-sets", setsFor.Select(r => CallAsync<ArtifactRef>(TaskNames.BuildFeatureSet, r)));
            activities.AddRange(sets);
            var runs = setsFor.Zip(sets).SelectMany(p => spec.Learners.NamesOrAll.Select(l => (p.First.Corpus, p.First.Name, Learner: l, Set: p.Second))).ToList();
            var metrics = await FanOutAsync("classify", runs.Select(r => CallAsync<ArtifactRef>(TaskNames.Classify, new ClassifyInput(r.Set.Blob, r.Set.Key, r.Learner, Seed: spec.Seed))));
            activities.AddRange(metrics);
            var results = new UtteranceResults(
                features.Functionals,
                features.Boaw,
                sets,
                runs.Zip(metrics).Select(p => new Classification(p.First.Corpus, p.First.Name, p.First.Learner, p.Second)).ToList())
            {
                AuDeep = [.. features.AuDeep.Select(a => a.Batch)],
            };
            return new Classified(results, runs, metrics);
        }

        /// <summary>
        /// Stages 5–7: cross-corpus LSTM regressors (Table 1), every order of the dimensional corpora × arousal/valence,
        /// trained outside the orchestration by the queue worker from the stored LLDs; each waits for the worker's event.
        /// </summary>
        public async Task<IReadOnlyList<LstmCell>> TrainLstmsAsync(IReadOnlyList<IngestedCorpus> corpora, LldArtifacts llds)
        {
            var dimensional = corpora.Where(c => c.Kind == "dimensional").ToList();
            if (!spec.Lstm.Enabled || dimensional.Count < 2)
            {
                return [];
            }

            LstmCorpusSource Source(IngestedCorpus c) => new(c.Corpus, c.Record.Blob, [.. llds.ByCorpus[c.Corpus].Select(l => l.Blob)]);
            var requests = CorpusOrders(dimensional)
                .SelectMany(o => LstmTargets.Select(t => new LstmTrainingRequest(
                    o.Train.Corpus,
                    o.Validation.Corpus,
                    o.Test?.Corpus,
                    t,
                    (long)spec.Seed,
                    new LstmJobParameters(Epochs: spec.Lstm.Epochs),
                    [o.Train.Record.Key, o.Validation.Record.Key, o.Test?.Record.Key ?? "-"])
                {
                    Sources = [Source(o.Train), Source(o.Validation), .. o.Test is null ? Array.Empty<LstmCorpusSource>() : [Source(o.Test)]],
                    ReplyTo = context.InstanceId,
                }))
                .ToList();
            var tickets = await FanOutAsync("lstm-queue", requests.Select(r => CallAsync<LstmTrainingTicket>(TaskNames.EnqueueLstmTraining, r)));
            var statuses = await FanOutAsync("lstm-train", requests.Zip(tickets).Select(p => AwaitModelAsync(p.Second, SystemName(p.First))));
            activities.AddRange(tickets.Zip(statuses).Select(p => new ArtifactRef("lstm", p.First.ModelKey, p.Second.ModelBlob ?? string.Empty, Reused: !p.First.Enqueued)));
            return requests.Zip(statuses).Select(p => new LstmCell(p.First, p.Second)).ToList();
        }

        /// <summary>Stage 8: every trained LSTM on every utterance of each categorical corpus (Section 4.2), from the stored LLDs.</summary>
        public async Task<IReadOnlyList<CrossTaskPrediction>> PredictCrossTaskAsync(IReadOnlyList<IngestedCorpus> corpora, LldArtifacts llds, IReadOnlyList<LstmCell> lstm)
        {
            var crossTaskFor = corpora.Where(c => c.Kind == "categorical")
                .SelectMany(c => lstm.Where(m => m.Status.Exists && m.Status.ModelBlob is not null).Select(m => (Corpus: c, Cell: m)))
                .ToList();
            var predictions = await FanOutAsync("crosstask", crossTaskFor.Select(p => CallAsync<ArtifactRef>(
                TaskNames.PredictCrossTask,
                new CrossTaskRequest(p.Corpus.Corpus, p.Corpus.Record.Key, p.Corpus.Record.Blob, llds.ByCorpus[p.Corpus.Corpus], p.Cell.Status.ModelKey, p.Cell.Status.ModelBlob!))));
            activities.AddRange(predictions);
            return crossTaskFor.Zip(predictions).Select(p => new CrossTaskPrediction(p.First.Corpus.Corpus, p.First.Cell, p.Second)).ToList();
        }

        /// <summary>
        /// Stage 9: thresholds maximising UAR (Section 4.2, Table 4) for every model and the blends of the submissions
        /// (Section 4.3), one activity per categorical corpus.
        /// </summary>
        public async Task<Discretized> DiscretizeAsync(IReadOnlyList<IngestedCorpus> corpora, IReadOnlyList<CrossTaskPrediction> crossTask)
        {
            var discretizeFor = corpora
                .Where(c => c.Kind == "categorical" && c.HasLabelledTrainAndDevel)
                .Select(c =>
                {
                    var models = crossTask.Where(p => p.Corpus == c.Corpus).Select(p => (Role: (string?)null, System: new DiscretizeSystem(SystemName(p.Model.Request), [p.Predictions])));
                    var systems = models.Concat(SubmissionBlends(c, crossTask).Select(b => (Role: (string?)b.Role, b.System))).ToList();
                    return (Corpus: c, Systems: systems);
                })
                .Where(d => d.Systems.Count > 0)
                .ToList();
            var discretized = await FanOutAsync("discretize", discretizeFor.Select(d => CallAsync<ArtifactRef>(
                TaskNames.Discretize,
                new DiscretizeRequest(d.Corpus.Corpus, d.Corpus.Record.Key, [.. d.Systems.Select(s => s.System)], DiscretizeActivity.FitSets))));
            activities.AddRange(discretized);
            var systems = discretizeFor.Zip(discretized)
                .SelectMany(p => p.First.Systems.Select((s, i) => new Discretization(p.First.Corpus.Corpus, s.System.Name, p.Second, i)))
                .ToList();
            var blends = discretizeFor.Zip(discretized)
                .SelectMany(p => p.First.Systems.Select((s, i) => (p.First.Corpus.Corpus, s.Role, Artifact: new Discretization(p.First.Corpus.Corpus, s.System.Name, p.Second, i))))
                .Where(p => p.Role is not null)
                .ToDictionary(p => (p.Corpus, p.Role!), p => p.Artifact);
            return new Discretized(systems, blends);
        }

        /// <summary>
        /// Stage 11: score fusion (Sections 2.2, 4.3): weighted fusion of the learners (and of the third LSTM submission
        /// with them), then simple fusion (Eq. 2) of that submission with the fused learners. The learners' test scores
        /// come from a train + devel refit when the spec asks for it (devel scores always from train-only models).
        /// </summary>
        public async Task<IReadOnlyList<FusionOutcome>> FuseAsync(IReadOnlyList<IngestedCorpus> corpora, Classified classified, Discretized discretized)
        {
            var fusedLearners = corpora.Where(c => c.Kind == "categorical" && c.HasLabelledTrainAndDevel).Select(c => (Corpus: c, Runs: FusionLearners.Select(l => classified.Runs.Zip(classified.Metrics).FirstOrDefault(
                r => r.First.Corpus == c.Corpus && r.First.Name == FusionFeatureSet && r.First.Learner == l)).ToList()))
                .Where(p => p.Runs.All(r => r.Second is not null))
                .ToList();
            var retrained = new Dictionary<string, ArtifactRef>(StringComparer.Ordinal);
            if (spec.Learners.RetrainOnTrainDevel)
            {
                var refits = fusedLearners.SelectMany(p => p.Runs).ToList();
                var refitted = await FanOutAsync("classify-retrain", refits.Select(r => CallAsync<ArtifactRef>(
                    TaskNames.Classify,
                    new ClassifyInput(r.First.Set.Blob, r.First.Set.Key, r.First.Learner, RetrainOnTrainDevel: true, Seed: spec.Seed))));
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

                // The same learners on the auDeep representations join them (train-only models: no refit of these).
                var audeep = FusionLearners.Select(l => classified.Runs.Zip(classified.Metrics).FirstOrDefault(
                    r => r.First.Corpus == corpus.Corpus && r.First.Name == BuildFeatureSetActivity.AuDeepName && r.First.Learner == l)).ToList();
                if (audeep.All(r => r.Second is not null))
                {
                    weighted.Add((corpus, SubmissionIds.LearnersAuDeep, [.. learners, .. audeep.Select(r => LearnerMember("audeep-" + r.First.Learner, r.Second, null))]));
                }

                // The End2You scores join them likewise (learners+end2you).
                if (LearnersWithEnd2You(classified, corpus.Corpus, learners) is { } withEnd2You)
                {
                    weighted.Add((corpus, SubmissionIds.LearnersEnd2You, withEnd2You));
                }

                if (discretized.Blends.TryGetValue((corpus.Corpus, SemaineBlend), out var lstm3))
                {
                    weighted.Add((corpus, SubmissionIds.Final, [LstmMember(SubmissionIds.Lstm3, lstm3, "train+devel"), .. learners]));
                }
            }

            var pool = WeightedFusion.Split(spec.Fusion.Pool, spec.Fusion.Chunks);
            var chunkRequests = weighted.SelectMany(w => pool.Select(p => new FusionChunkRequest(w.Corpus.Corpus, w.Corpus.Record.Key, w.Corpus.Record.Blob, w.Members, spec.Seed, p.Start, p.Count))).ToList();
            var chunks = await FanOutAsync("fusion-search", chunkRequests.Select(r => CallAsync<ArtifactRef>(TaskNames.SearchFusionChunk, r)));
            activities.AddRange(chunks);
            var fuseRequests = weighted.Select((w, i) => new FuseRequest(w.Corpus.Corpus, w.Corpus.Record.Key, w.Corpus.Record.Blob, w.System, "wf", w.Members, chunks.Skip(i * pool.Count).Take(pool.Count).ToList())).ToList();
            var fused = await FanOutAsync("fusion", fuseRequests.Select(r => CallAsync<ArtifactRef>(TaskNames.Fuse, r)));
            activities.AddRange(fused);
            var fusion = fuseRequests.Zip(fused).Select(p => new FusionOutcome(p.First.Corpus, p.First.System, p.First.Method, p.Second)).ToList();

            var simpleRequests = fusion.Where(f => f.System == SubmissionIds.Learners && discretized.Blends.ContainsKey((f.Corpus, SemaineBlend)))
                .Select(f =>
                {
                    var corpus = RecordOf(corpora, f.Corpus);
                    FusionMember[] members = [LstmMember(SubmissionIds.Lstm3, discretized.Blends[(f.Corpus, SemaineBlend)], "train+devel"), FusedMember(SubmissionIds.Learners, f.Artifact)];
                    return new FuseRequest(f.Corpus, corpus.Record.Key, corpus.Record.Blob, SubmissionIds.FinalSimple, "sf", members, null);
                })
                .ToList();
            var simple = await FanOutAsync("fusion-sf", simpleRequests.Select(r => CallAsync<ArtifactRef>(TaskNames.Fuse, r)));
            activities.AddRange(simple);
            fusion.AddRange(simpleRequests.Zip(simple).Select(p => new FusionOutcome(p.First.Corpus, p.First.System, p.First.Method, p.Second)));
            return fusion;
        }

        /// <summary>Stage 12: results.json and report.html with the Section 4.3 systems by id, published under <c>runs/{runId}/</c>.</summary>
        public async Task<ExperimentOutcome> ReportAsync(
            IReadOnlyList<IngestedCorpus> corpora,
            LldArtifacts llds,
            Classified classified,
            IReadOnlyList<LstmCell> lstm,
            IReadOnlyList<CrossTaskPrediction> crossTask,
            Discretized discretized,
            IReadOnlyList<FusionOutcome> fusion)
        {
            var submissions = new List<SubmissionRef>();
            foreach (var c in corpora.Where(c => c.Kind == "categorical"))
            {
                if (discretized.Blends.TryGetValue((c.Corpus, SemaineBlend), out var semaineBlend))
                {
                    submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm1, semaineBlend.Artifact, "train", semaineBlend.System));
                    submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm3, semaineBlend.Artifact, "train+devel", semaineBlend.System));
                }

                if (discretized.Blends.TryGetValue((c.Corpus, CreativeItSemaineBlend), out var mixed))
                {
                    submissions.Add(new SubmissionRef(c.Corpus, SubmissionIds.Lstm2, mixed.Artifact, "devel", mixed.System));
                }

                submissions.AddRange(fusion.Where(f => f.Corpus == c.Corpus).Select(f => new SubmissionRef(c.Corpus, f.System, f.Artifact, null, null)));
            }

            context.SetCustomStatus(new RunProgress("report", 0, 1));
            var reportStart = context.CurrentUtcDateTime;
            var report = await CallAsync<ArtifactRef>(
                TaskNames.WriteReport,
                new ReportRequest(spec, corpora, summaries, llds.InOrder, classified.Results, lstm, crossTask, discretized.Systems, fusion, submissions));
            activities.Add(report);
            timings.Add(new StageTiming("report", 1, report.Reused ? 0 : 1, report.Reused ? 1 : 0, Seconds(reportStart)));

            // Published under runs/{runId}/ (not memoized: the run record and the timings are per run).
            await CallAsync<string>(TaskNames.PublishRun, new RunPublication(context.InstanceId, spec, report.Blob, activities)
            {
                Timings = new RunTimings(context.InstanceId, Math.Round(timings.Sum(t => t.Seconds), 3), [.. timings]),
            });
            context.SetCustomStatus(new RunProgress("done", 1, 1));
            return new ExperimentOutcome(report.Key, report.Blob, ReportBlobs.HtmlBlobFor(report.Blob), activities);
        }

        /// <summary>
        /// Waits for one queued model: the worker's completion event (<see cref="LstmCompletion.EventName"/>) or the
        /// durable-timer deadline, whichever comes first, then reads the result from the store. A constant number of
        /// history events however long training takes; a job that failed, or no result by the deadline, fails the run
        /// with its reason. An event with no result behind it (a stale one, from a job of this key that an earlier
        /// attempt of the run enqueued and whose error.json the new enqueue cleared) only makes it wait for the next.
        /// </summary>
        private Task<LstmModelStatus> AwaitModelAsync(LstmTrainingTicket ticket, string system) =>
            AwaitJobAsync<LstmModelStatus>(ticket, "LSTM " + system, TaskNames.CheckLstmModel, s => (s.Exists, s.Poisoned));

        /// <summary>
        /// Waits for one queued training job of any kind (LSTM, auDeep): its completion event or the durable-timer
        /// deadline, then reads the result once through <paramref name="check"/> (see <see cref="AwaitModelAsync"/>).
        /// </summary>
        /// <param name="ticket">The job's ticket.</param>
        /// <param name="system">What is trained, for error messages (e.g. <c>LSTM recola/semaine/-/arousal</c>).</param>
        /// <param name="check">The activity reading the result from the store.</param>
        /// <param name="read">Whether the status says done, and the give-up message.</param>
        private async Task<TStatus> AwaitJobAsync<TStatus>(LstmTrainingTicket ticket, string system, string check, Func<TStatus, (bool Exists, string? Poisoned)> read)
        {
            using var cancel = new CancellationTokenSource();
            var deadline = ticket.Enqueued ? context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(spec.Lstm.DeadlineSeconds), cancel.Token) : null;
            try
            {
                while (true)
                {
                    if (deadline is not null && !deadline.IsCompleted)
                    {
                        var completed = context.WaitForExternalEvent<LstmCompletion>(LstmCompletion.EventName(ticket.ModelKey), cancel.Token);
                        await Task.WhenAny(completed, deadline);
                    }

                    // The store is the one source of truth (the event only says "look now").
                    var status = await CallAsync<TStatus>(check, ticket.ModelKey);
                    var (exists, poisoned) = read(status);
                    if (poisoned is not null)
                    {
                        throw new LstmTrainingFailedException($"{system} (model {ticket.ModelKey}): training failed: {poisoned}");
                    }

                    if (exists)
                    {
                        return status;
                    }

                    if (deadline is null || deadline.IsCompleted)
                    {
                        throw new LstmTrainingFailedException(
                            $"{system} (model {ticket.ModelKey}): no model and no error within the deadline of {spec.Lstm.DeadlineSeconds} s (spec.lstm.deadlineSeconds); " +
                            $"is a training worker (affect worker, or the trainer container) taking jobs from {TrainingQueueNames.Jobs}?");
                    }
                }
            }
            finally
            {
                cancel.Cancel();
            }
        }

        /// <summary>Calls an activity under <see cref="ActivityOptions"/> (transient failures retried with back-off).</summary>
        private Task<T> CallAsync<T>(string name, object input) => context.CallActivityAsync<T>(name, input, ActivityOptions);

        /// <summary>Awaits a fan-out, publishing progress as each task finishes; results keep the order of <paramref name="work"/>.</summary>
        private async Task<T[]> FanOutAsync<T>(string stage, IEnumerable<Task<T>> work)
        {
            var tasks = work.ToList();
            var start = context.CurrentUtcDateTime;
            context.SetCustomStatus(new RunProgress(stage, 0, tasks.Count));
            var pending = new List<Task<T>>(tasks);
            int done = 0;
            while (pending.Count > 0)
            {
                var finished = await Task.WhenAny(pending);
                if (finished.IsFaulted)
                {
                    await finished; // the first failure fails the run at once, without waiting for the rest of the fan-out
                }

                pending.Remove(finished);
                done++;
                context.SetCustomStatus(new RunProgress(stage, done, tasks.Count));
            }

            var results = await Task.WhenAll(tasks);
            if (results.Length > 0)
            {
                var reused = results.Select(r => ReusedOf(r)).ToList();
                bool known = reused.All(r => r is not null);
                timings.Add(new StageTiming(stage, results.Length, known ? reused.Count(r => r == false) : null, known ? reused.Count(r => r == true) : null, Seconds(start)));
            }

            return results;
        }

        /// <summary>Seconds since <paramref name="start"/> on the orchestration's replay-safe clock (the same on every replay).</summary>
        private double Seconds(DateTime start) => Math.Round((context.CurrentUtcDateTime - start).TotalSeconds, 3);

        /// <summary>Whether an activity's output was reused (true) or computed (false); null where the output does not say.</summary>
        private static bool? ReusedOf(object? output) => output switch
        {
            ArtifactRef a => a.Reused,
            IngestedCorpus c => c.Record.Reused,
            LstmTrainingTicket t => !t.Enqueued,
            _ => null,
        };
    }
}
