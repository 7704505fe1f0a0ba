using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace Affect.Functions;

/// <summary>
/// Durable Functions wrappers of the auDeep stage's activities (the autoencoders themselves train in the GPU trainer
/// container, from the same <c>lstm-training</c> queue as the LSTMs).
/// </summary>
public sealed class AuDeepFunctions(
    SpectrogramsActivity spectrograms,
    EnqueueAuDeepTrainingActivity enqueue,
    CheckAuDeepModelActivity check,
    ExtractAuDeepActivity extract)
{
    /// <summary>auDeep: Mel spectrograms of a batch of files, clipped below each threshold.</summary>
    [Function(TaskNames.ComputeSpectrograms)]
    public Task<ArtifactRef> ComputeSpectrograms([ActivityTrigger] SpectrogramsBatch input, CancellationToken cancellationToken) =>
        spectrograms.RunAsync(input, cancellationToken);

    /// <summary>auDeep: queues a corpus's autoencoder training job for the trainer.</summary>
    [Function(TaskNames.EnqueueAuDeepTraining)]
    public Task<LstmTrainingTicket> EnqueueAuDeepTraining([ActivityTrigger] AuDeepTrainingRequest input, CancellationToken cancellationToken) =>
        enqueue.RunAsync(input, cancellationToken);

    /// <summary>auDeep: whether the queued encoders exist yet, or the job's give-up error.</summary>
    [Function(TaskNames.CheckAuDeepModel)]
    public Task<AuDeepModelStatus> CheckAuDeepModel([ActivityTrigger] string modelKey, CancellationToken cancellationToken) =>
        check.RunAsync(modelKey, cancellationToken);

    /// <summary>auDeep: representations of a spectrogram batch from the ONNX encoders.</summary>
    [Function(TaskNames.ExtractAuDeep)]
    public Task<ArtifactRef> ExtractAuDeep([ActivityTrigger] AuDeepExtractRequest input, CancellationToken cancellationToken) =>
        extract.RunAsync(input, cancellationToken);
}
