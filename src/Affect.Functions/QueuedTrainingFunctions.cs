using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace Affect.Functions;

/// <summary>
/// Durable Functions wrappers of the queued training kinds beside the LSTMs (auDeep, End2You): each kind's enqueue and
/// model check, the shared <see cref="EnqueueQueuedJobActivity{TRequest, TJob}"/> and <see cref="CheckQueuedModelActivity"/>
/// (the models themselves train in the trainer container, from the same <c>lstm-training</c> queue as the LSTMs).
/// </summary>
public sealed class QueuedTrainingFunctions(
    EnqueueAuDeepTrainingActivity enqueueAuDeep,
    EnqueueEnd2YouTrainingActivity enqueueEnd2You,
    CheckAuDeepModelActivity checkAuDeep,
    CheckEnd2YouModelActivity checkEnd2You)
{
    /// <summary>auDeep: queues a corpus's autoencoder training job for the trainer.</summary>
    [Function(TaskNames.EnqueueAuDeepTraining)]
    public Task<LstmTrainingTicket> EnqueueAuDeepTraining([ActivityTrigger] AuDeepTrainingRequest input, CancellationToken cancellationToken) =>
        enqueueAuDeep.RunAsync(input, cancellationToken);

    /// <summary>End2You: queues a corpus's training job for the trainer.</summary>
    [Function(TaskNames.EnqueueEnd2YouTraining)]
    public Task<LstmTrainingTicket> EnqueueEnd2YouTraining([ActivityTrigger] End2YouTrainingRequest input, CancellationToken cancellationToken) =>
        enqueueEnd2You.RunAsync(input, cancellationToken);

    /// <summary>auDeep: whether the queued encoders exist yet, or the job's give-up error.</summary>
    [Function(TaskNames.CheckAuDeepModel)]
    public Task<QueuedModelStatus> CheckAuDeepModel([ActivityTrigger] string modelKey, CancellationToken cancellationToken) =>
        checkAuDeep.RunAsync(modelKey, cancellationToken);

    /// <summary>End2You: whether the queued model exists yet, or the job's give-up error.</summary>
    [Function(TaskNames.CheckEnd2YouModel)]
    public Task<QueuedModelStatus> CheckEnd2YouModel([ActivityTrigger] string modelKey, CancellationToken cancellationToken) =>
        checkEnd2You.RunAsync(modelKey, cancellationToken);
}
