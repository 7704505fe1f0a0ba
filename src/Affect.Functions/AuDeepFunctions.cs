using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace Affect.Functions;

/// <summary>
/// Durable Functions wrappers of the auDeep stage's spectrograms and extraction (the autoencoders themselves train in the
/// GPU trainer container, queued through <see cref="QueuedTrainingFunctions"/>).
/// </summary>
public sealed class AuDeepFunctions(
    SpectrogramsActivity spectrograms,
    ExtractAuDeepActivity extract)
{
    /// <summary>auDeep: Mel spectrograms of a batch of files, clipped below each threshold.</summary>
    [Function(TaskNames.ComputeSpectrograms)]
    public Task<ArtifactRef> ComputeSpectrograms([ActivityTrigger] SpectrogramsBatch input, CancellationToken cancellationToken) =>
        spectrograms.RunAsync(input, cancellationToken);

    /// <summary>auDeep: representations of a spectrogram batch from the ONNX encoders.</summary>
    [Function(TaskNames.ExtractAuDeep)]
    public Task<ArtifactRef> ExtractAuDeep([ActivityTrigger] AuDeepExtractRequest input, CancellationToken cancellationToken) =>
        extract.RunAsync(input, cancellationToken);
}
