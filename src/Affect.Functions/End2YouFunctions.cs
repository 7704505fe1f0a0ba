using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Microsoft.Azure.Functions.Worker;

namespace Affect.Functions;

/// <summary>
/// Durable Functions wrapper of the End2You stage's scoring (the model itself trains in the trainer container, queued
/// through <see cref="QueuedTrainingFunctions"/>).
/// </summary>
public sealed class End2YouFunctions(ScoreEnd2YouActivity score)
{
    /// <summary>End2You: class scores of devel and test from the ONNX model.</summary>
    [Function(TaskNames.ScoreEnd2You)]
    public Task<ArtifactRef> ScoreEnd2You([ActivityTrigger] End2YouScoreRequest input, CancellationToken cancellationToken) =>
        score.RunAsync(input, cancellationToken);
}
