using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace Affect.Functions;

/// <summary>
/// Durable Functions wrappers of the End2You stage's activities (the model itself trains in the trainer container, from
/// the same <c>lstm-training</c> queue as the LSTMs and auDeep).
/// </summary>
public sealed class End2YouFunctions(
    EnqueueEnd2YouTrainingActivity enqueue,
    CheckEnd2YouModelActivity check,
    ScoreEnd2YouActivity score)
{
    /// <summary>End2You: queues a corpus's training job for the trainer.</summary>
    [Function(TaskNames.EnqueueEnd2YouTraining)]
    public Task<LstmTrainingTicket> EnqueueEnd2YouTraining([ActivityTrigger] End2YouTrainingRequest input, CancellationToken cancellationToken) =>
        enqueue.RunAsync(input, cancellationToken);

    /// <summary>End2You: whether the queued model exists yet, or the job's give-up error.</summary>
    [Function(TaskNames.CheckEnd2YouModel)]
    public Task<End2YouModelStatus> CheckEnd2YouModel([ActivityTrigger] string modelKey, CancellationToken cancellationToken) =>
        check.RunAsync(modelKey, cancellationToken);

    /// <summary>End2You: class scores of devel and test from the ONNX model.</summary>
    [Function(TaskNames.ScoreEnd2You)]
    public Task<ArtifactRef> ScoreEnd2You([ActivityTrigger] End2YouScoreRequest input, CancellationToken cancellationToken) =>
        score.RunAsync(input, cancellationToken);
}
