using Affect.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Affect.Functions;

/// <summary>The logic behind the trigger functions, kept apart from the bindings so it is unit-testable.</summary>
public static class RunStarter
{
    /// <summary>
    /// Schedules the experiment orchestration for <paramref name="spec"/> under an id derived from the spec, unless that
    /// run is already pending or running (a re-upload or repeated request then joins it).
    /// </summary>
    public static async Task<string> StartAsync(DurableTaskClient client, ExperimentSpec spec, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(spec);
        var problems = spec.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid experiment spec: " + string.Join("; ", problems), nameof(spec));
        }

        string id = RunRequests.RunIdFor(spec, prefix);
        var existing = await client.GetInstanceAsync(id, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running })
        {
            return id;
        }

        if (existing is not null)
        {
            await client.PurgeInstanceAsync(id, cancellation: cancellationToken);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Experiment, spec, new StartOrchestrationOptions(id), cancellationToken);
        return id;
    }

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
