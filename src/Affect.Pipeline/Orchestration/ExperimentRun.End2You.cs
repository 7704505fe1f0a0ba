using Affect.Pipeline.Activities;
using Affect.Pipeline.Training;

namespace Affect.Pipeline.Orchestration;

/// <content>The End2You stage of a run: queued after ingest, its scores read after stage 10.</content>
public sealed partial class ExperimentOrchestration
{
    /// <summary>The End2You jobs queued for a run (one per categorical corpus with labelled train and devel).</summary>
    /// <param name="Requests">What was queued, in corpus order.</param>
    /// <param name="Tickets">Their tickets.</param>
    private sealed record End2YouJobs(IReadOnlyList<End2YouTrainingRequest> Requests, IReadOnlyList<LstmTrainingTicket> Tickets)
    {
        public static End2YouJobs None { get; } = new([], []);
    }

    /// <content>The End2You stage's two halves.</content>
    private sealed partial class ExperimentRun
    {
        /// <summary>
        /// The End2You stage, first half (right after ingest): one training job per categorical corpus with labelled
        /// train and devel partitions, queued on the LSTMs' queue, so the worker trains it from the raw audio while the
        /// feature stages run.
        /// </summary>
        public async Task<End2YouJobs> QueueEnd2YouAsync(IReadOnlyList<IngestedCorpus> corpora)
        {
            var corpusList = corpora.Where(c => c.Kind == "categorical" && c.HasLabelledTrainAndDevel).ToList();
            if (!spec.End2YouEnabled || corpusList.Count == 0)
            {
                return End2YouJobs.None;
            }

            var requests = corpusList.Select(c => new End2YouTrainingRequest(c.Corpus, (long)spec.Seed, spec.End2You!, c.Record.Key, c.Record.Blob, context.InstanceId)).ToList();
            var tickets = await FanOutAsync("end2you-queue", requests.Select(r => CallAsync<LstmTrainingTicket>(TaskNames.EnqueueEnd2YouTraining, r)));
            return new End2YouJobs(requests, tickets);
        }

        /// <summary>
        /// The End2You stage, second half (after stage 10): waits for each job (its completion event or the deadline, as
        /// for the LSTMs), then scores devel and test with the ONNX model in ONNX Runtime (one activity per corpus); the
        /// scores join the utterance results as END2YOU classifications (Table 2, fusion <c>learners+end2you</c>).
        /// </summary>
        public async Task<Classified> ScoreEnd2YouAsync(Classified classified, End2YouJobs jobs)
        {
            if (jobs.Requests.Count == 0)
            {
                return classified;
            }

            var models = await FanOutAsync("end2you-train", jobs.Requests.Zip(jobs.Tickets).Select(p => AwaitJobAsync<QueuedModelStatus>(
                p.Second, $"End2You model of {p.First.Corpus}", TaskNames.CheckEnd2YouModel, s => (s.Exists, s.Poisoned))));
            activities.AddRange(jobs.Tickets.Zip(models).Select(p => new ArtifactRef(End2YouTrainingJob.Stage, p.First.ModelKey, p.Second.ModelBlob ?? string.Empty, Reused: !p.First.Enqueued)));
            var scored = await FanOutAsync("end2you", jobs.Requests.Zip(models).Select(p => CallAsync<ArtifactRef>(
                TaskNames.ScoreEnd2You,
                new End2YouScoreRequest(p.First.Corpus, p.First.RecordKey, p.First.RecordBlob, p.Second.ModelKey, p.Second.ModelBlob!))));
            activities.AddRange(scored);
            var end2you = jobs.Requests.Zip(scored).Select(p => new Classification(p.First.Corpus, ScoreEnd2YouActivity.FeatureSet, ScoreEnd2YouActivity.Learner, p.Second)).ToList();
            return classified with { Results = classified.Results with { End2You = end2you } };
        }

        /// <summary>The fusion <c>learners+end2you</c> of a corpus: the fused learners and the End2You scores (weighted fusion, four members), or null without End2You scores.</summary>
        private static IReadOnlyList<FusionMember>? LearnersWithEnd2You(Classified classified, string corpus, IReadOnlyList<FusionMember> learners) =>
            classified.Results.End2You.FirstOrDefault(e => e.Corpus == corpus) is { } e
                ? [.. learners, LearnerMember(End2YouMemberName, e.Metrics, null)]
                : null;
    }

    /// <summary>The fusion member name of the End2You scores.</summary>
    private const string End2YouMemberName = "end2you";
}
