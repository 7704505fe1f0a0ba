using System.Globalization;
using System.Text.RegularExpressions;

namespace Affect.Pipeline.Orchestration;

/// <summary>Which activity failures are worth retrying: transient storage and network errors, never bad input.</summary>
public static partial class TransientFailures
{
    private static readonly HashSet<string> TransientTypes = new(StringComparer.Ordinal)
    {
        typeof(IOException).FullName!,
        typeof(HttpRequestException).FullName!,
        typeof(System.Net.Sockets.SocketException).FullName!,
        typeof(TimeoutException).FullName!,
    };

    /// <summary>
    /// True for a transient failure: an <see cref="IOException"/> itself (not its file-not-found subclasses), an HTTP or
    /// socket error, a timeout, or an Azure request that failed with status 408, 429 or 5xx. Everything else (invalid
    /// corpus, bad arguments, a changed corpus file, a missing blob) is permanent and fails the run at the first attempt.
    /// </summary>
    /// <param name="errorType">The failure's exception type (full name), as Durable Task records it.</param>
    /// <param name="message">The failure's message.</param>
    public static bool IsTransient(string? errorType, string? message)
    {
        if (errorType is null)
        {
            return false;
        }

        if (TransientTypes.Contains(errorType))
        {
            return true;
        }

        if (errorType == "Azure.RequestFailedException" && message is not null && AzureStatus().Match(message) is { Success: true } m)
        {
            int status = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            return status is 408 or 429 or >= 500;
        }

        return false;
    }

    [GeneratedRegex(@"Status: (\d{3})")]
    private static partial Regex AzureStatus();
}

/// <summary>A run was started under another orchestration version than the code replaying it (a redeploy mid-run).</summary>
/// <param name="instanceId">The run.</param>
/// <param name="runVersion">The version it was started under (empty: before versions were recorded).</param>
/// <param name="codeVersion">The version of this code.</param>
public sealed class OrchestrationVersionException(string instanceId, string? runVersion, string codeVersion)
    : InvalidOperationException(
        $"run '{instanceId}' was started under orchestration version '{(string.IsNullOrEmpty(runVersion) ? "(none)" : runVersion)}' and this deployment runs version '{codeVersion}': " +
        "its history cannot be replayed by this code; start the run again (every finished artifact is reused, nothing is recomputed)")
{
    /// <summary>The version the run was started under.</summary>
    public string? RunVersion { get; } = runVersion;
}

/// <summary>An LSTM training job gave up (its error.json) or left no result by the run's deadline.</summary>
/// <param name="message">What failed, with the worker's reason.</param>
public sealed class LstmTrainingFailedException(string message) : InvalidOperationException(message);
