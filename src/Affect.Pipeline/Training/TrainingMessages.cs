using System.Text.Json;
using Affect.Storage;

namespace Affect.Pipeline.Training;

/// <summary>Runs one training job (the TorchSharp trainer lives outside the pipeline, in a separate process).</summary>
public interface ILstmJobRunner
{
    /// <summary>Trains <paramref name="job"/> on corpora read from <paramref name="store"/>; returns the ONNX model and metrics.json bytes.</summary>
    Task<LstmJobOutput> RunAsync(LstmTrainingJob job, IBlobStore store, CancellationToken cancellationToken);
}

/// <summary>What a job produces.</summary>
/// <param name="Model">ONNX model bytes.</param>
/// <param name="Metrics">metrics.json bytes.</param>
public sealed record LstmJobOutput(byte[] Model, byte[] Metrics);

/// <summary>The JSON of training queue messages, shared by the activities that enqueue jobs and the worker that runs them.</summary>
public static class TrainingMessages
{
    /// <summary>JSON settings of queue messages (camelCase).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}

/// <summary>A message of the poison queue: the original job text and why it failed.</summary>
/// <param name="Job">The original message text.</param>
/// <param name="Error">Exception type and message of the last attempt.</param>
/// <param name="Attempts">Receives before it was poisoned.</param>
/// <param name="MessageId">Id of the queue message that gave up (which attempt wrote an error.json).</param>
public sealed record PoisonedJob(string Job, string Error, long Attempts, string? MessageId = null);
