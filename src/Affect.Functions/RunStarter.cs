using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Affect.Functions;

/// <summary>The logic behind the trigger functions, kept apart from the bindings so it is unit-testable.</summary>
public static class RunStarter
{
    /// <summary>
    /// Starts (or joins) the one run of <paramref name="spec"/> over the corpora's current content, through the start
    /// path every host shares (<see cref="RunStarts"/>): concurrent duplicates give one run, a finished run is never purged.
    /// </summary>
    public static Task<RunStart> StartAsync(DurableTaskClient client, IBlobStore store, ExperimentSpec spec, string experiment, string trigger, CancellationToken cancellationToken = default) =>
        RunStarts.StartAsync(client, store, spec, experiment, trigger, cancellationToken: cancellationToken);

    /// <summary>A JSON-friendly description of a run's state (null state: not found).</summary>
    public static object Describe(string id, OrchestrationMetadata? state) => state is null
        ? new { id, status = "NotFound" }
        : new
        {
            id,
            status = state.RuntimeStatus.ToString(),
            progress = state.SerializedCustomStatus,
            output = state.SerializedOutput,
            failure = state.FailureDetails?.ErrorMessage,
        };
}
