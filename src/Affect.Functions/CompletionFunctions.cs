using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Affect.Functions;

/// <summary>
/// The trainer's side of the LSTM wait on Azure: the GPU worker (which has only storage access) puts an
/// <see cref="LstmCompletion"/> on <c>lstm-completions</c> when it writes a model or an error.json; this trigger raises it
/// as the external event the waiting orchestration instance awaits (no polling in the orchestration).
/// </summary>
public sealed class CompletionFunctions(ILogger<CompletionFunctions> logger)
{
    /// <summary>Raises one completion to its orchestration instance; a malformed message goes to the queue's poison queue.</summary>
    [Function("LstmCompleted")]
    public async Task LstmCompleted(
        [QueueTrigger(TrainingQueueNames.Completions, Connection = "AffectStorage")] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var completion = await LstmCompletionRelay.RaiseAsync(client, message, cancellationToken);
        logger.LogInformation("LSTM {ModelKey} ended ({Outcome}): event raised to run {RunId}", completion.ModelKey, completion.Error is null ? "model" : "error", completion.InstanceId);
    }
}
