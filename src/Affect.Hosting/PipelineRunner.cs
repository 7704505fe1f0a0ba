using System.Text.Json;
using Affect.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Affect.Hosting;

/// <summary>Schedules the experiment orchestration on a Durable Task client and follows it to the end, reporting progress.</summary>
public static class PipelineRunner
{
    /// <summary>
    /// Starts (or re-attaches to, or returns the completed) orchestration instance <paramref name="instanceId"/> and waits for it, calling
    /// <paramref name="progress"/> whenever its custom status changes.
    /// </summary>
    /// <exception cref="PipelineFailedException">When the orchestration fails; the message carries the failing activity's error.</exception>
    public static async Task<ExperimentOutcome> RunAsync(
        DurableTaskClient client,
        ExperimentSpec spec,
        string instanceId,
        Action<RunProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(spec);
        var problems = spec.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid experiment spec: " + string.Join("; ", problems), nameof(spec));
        }

        // A completed run is returned as it is (its history is never purged); a failed or terminated one is run again.
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is null || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            if (existing is not null)
            {
                await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Experiment, spec, new StartOrchestrationOptions(instanceId), cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // a concurrent start may have scheduled it first: follow that run; anything else is rethrown
                if (await client.GetInstanceAsync(instanceId, cancellationToken) is null)
                {
                    throw;
                }
            }
        }

        string? lastStatus = null;
        while (true)
        {
            var state = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken)
                ?? throw new InvalidOperationException($"Orchestration '{instanceId}' vanished.");
            if (state.SerializedCustomStatus is { } status && status != lastStatus)
            {
                lastStatus = status;
                var p = JsonSerializer.Deserialize<RunProgress>(status, JsonSerializerOptions.Web);
                if (p is not null)
                {
                    progress?.Invoke(p);
                }
            }

            switch (state.RuntimeStatus)
            {
                case OrchestrationRuntimeStatus.Completed:
                    return state.ReadOutputAs<ExperimentOutcome>() ?? throw new InvalidOperationException($"Orchestration '{instanceId}' completed without output.");
                case OrchestrationRuntimeStatus.Failed:
                case OrchestrationRuntimeStatus.Terminated:
                    throw new PipelineFailedException(instanceId, FailureOf(state) ?? state.RuntimeStatus.ToString());
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Why a failed run failed: the innermost failure's message. Engines differ in where they put it — the failure
    /// details, or (the Azure Storage engine through the sidecar) the output as a JSON string or failure object.
    /// </summary>
    internal static string? FailureOf(OrchestrationMetadata state)
    {
        var failure = state.FailureDetails;
        while (failure?.InnerFailure is not null)
        {
            failure = failure.InnerFailure;
        }

        if (failure is not null)
        {
            return failure.ErrorMessage;
        }

        if (state.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated) || string.IsNullOrWhiteSpace(state.SerializedOutput))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(state.SerializedOutput);
            var element = json.RootElement;
            while (element.ValueKind == JsonValueKind.Object && Property(element, "innerFailure") is { ValueKind: JsonValueKind.Object } inner)
            {
                element = inner;
            }

            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Object when Property(element, "errorMessage") is { ValueKind: JsonValueKind.String } m => m.GetString(),
                _ => state.SerializedOutput,
            };
        }
        catch (JsonException)
        {
            return state.SerializedOutput;
        }
    }

    private static JsonElement? Property(JsonElement o, string name)
    {
        foreach (var p in o.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }
}

/// <summary>Thrown when a run's orchestration fails.</summary>
public sealed class PipelineFailedException(string instanceId, string reason)
    : Exception($"Run '{instanceId}' failed: {reason}")
{
    /// <summary>The orchestration instance id.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The innermost error message.</summary>
    public string Reason { get; } = reason;
}
