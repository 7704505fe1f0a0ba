using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>Which activity failures the retry policy retries: storage and network hiccups, never bad input.</summary>
public sealed class TransientFailuresTests
{
    [Theory]
    [InlineData("System.IO.IOException", "Connection reset by peer", true)]
    [InlineData("System.Net.Http.HttpRequestException", "No route to host", true)]
    [InlineData("System.TimeoutException", "The operation has timed out", true)]
    [InlineData("Azure.RequestFailedException", "Service request failed.\nStatus: 503 (Service Unavailable)", true)]
    [InlineData("Azure.RequestFailedException", "Service request failed.\nStatus: 429 (Too Many Requests)", true)]
    [InlineData("Azure.RequestFailedException", "The specified blob does not exist.\nStatus: 404 (Not Found)", false)]
    [InlineData("Azure.RequestFailedException", "This request is not authorized.\nStatus: 403 (Forbidden)", false)]
    [InlineData("System.IO.FileNotFoundException", "artifacts/x: not found", false)]
    [InlineData("System.IO.InvalidDataException", "corpora/c/manifest.json: files[0].audio: missing", false)]
    [InlineData("System.ArgumentException", "bad", false)]
    [InlineData(null, null, false)]
    public void Only_transient_storage_and_network_failures_are_retried(string? type, string? message, bool transient)
    {
        Assert.Equal(transient, TransientFailures.IsTransient(type, message));
    }

    [Fact]
    public void A_changed_corpus_file_is_not_retried_and_the_policy_is_bounded_with_back_off()
    {
        var changed = new CorpusChangedException("corpora/c/audio/a.wav", new string('a', 64), new string('b', 64));
        Assert.False(TransientFailures.IsTransient(changed.GetType().FullName, changed.Message));
        var policy = ExperimentOrchestration.ActivityOptions.Retry!.Policy!;
        Assert.Equal(4, policy.MaxNumberOfAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.FirstRetryInterval);
        Assert.True(policy.BackoffCoefficient > 1);
    }
}
