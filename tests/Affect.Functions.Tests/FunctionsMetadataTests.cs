using System.Text.Json;

namespace Affect.Functions.Tests;

public sealed class FunctionsMetadataTests
{
    /// <summary>The functions.metadata the Functions SDK wrote when Affect.Functions was built.</summary>
    private static JsonElement[] LoadMetadata()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cloud.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.NotNull(dir);
        var candidates = Directory.GetFiles(Path.Combine(dir, "src", "Affect.Functions", "bin"), "functions.metadata", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        Assert.True(candidates.Count > 0, "build src/Affect.Functions first: no functions.metadata under its bin/");
        using var doc = JsonDocument.Parse(File.ReadAllText(candidates[0]));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string[] BindingTypes(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).ToArray();

    [Theory]
    [InlineData("ExperimentOrchestration", "orchestrationTrigger")]
    [InlineData("IngestCorpus", "activityTrigger")]
    [InlineData("SummarizeAudio", "activityTrigger")]
    [InlineData("ExtractLld", "activityTrigger")]
    [InlineData("ComputeFunctionals", "activityTrigger")]
    [InlineData("ComputeBoaw", "activityTrigger")]
    [InlineData("BuildFeatureSet", "activityTrigger")]
    [InlineData("Classify", "activityTrigger")]
    [InlineData("PredictCrossTask", "activityTrigger")]
    [InlineData("Discretize", "activityTrigger")]
    [InlineData("SearchFusionChunk", "activityTrigger")]
    [InlineData("Fuse", "activityTrigger")]
    [InlineData("WriteReport", "activityTrigger")]
    [InlineData("PublishRun", "activityTrigger")]
    [InlineData("CorpusUploaded", "blobTrigger")]
    [InlineData("StartRun", "httpTrigger")]
    [InlineData("GetRun", "httpTrigger")]
    [InlineData("NightlyRun", "timerTrigger")]
    [InlineData("LstmCompleted", "queueTrigger")]
    public void Every_function_is_listed_with_its_trigger(string name, string trigger)
    {
        var function = LoadMetadata().SingleOrDefault(f => f.GetProperty("name").GetString() == name);
        Assert.True(function.ValueKind == JsonValueKind.Object, $"{name} is missing from functions.metadata");
        Assert.Contains(trigger, BindingTypes(function), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_blob_trigger_watches_corpus_manifests_and_starters_get_a_durable_client()
    {
        var all = LoadMetadata();
        var blob = all.Single(f => f.GetProperty("name").GetString() == "CorpusUploaded");
        var trigger = blob.GetProperty("bindings").EnumerateArray().Single(b => string.Equals(b.GetProperty("type").GetString(), "blobTrigger", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("corpora/{corpus}/manifest.json", trigger.GetProperty("path").GetString());
        Assert.Equal("AffectStorage", trigger.GetProperty("connection").GetString());
        // Flex Consumption runs blob triggers only from Event Grid (the polling source is not supported there).
        Assert.True(trigger.TryGetProperty("source", out var source), "the blob trigger has no source: it would poll the container");
        Assert.Equal("EventGrid", source.GetString());
        foreach (string starter in new[] { "CorpusUploaded", "StartRun", "GetRun", "NightlyRun" })
        {
            var f = all.Single(x => x.GetProperty("name").GetString() == starter);
            Assert.Contains("durableClient", BindingTypes(f), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_completion_trigger_reads_the_workers_queue_and_raises_events_through_a_durable_client()
    {
        var function = LoadMetadata().Single(f => f.GetProperty("name").GetString() == "LstmCompleted");
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => string.Equals(b.GetProperty("type").GetString(), "queueTrigger", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("lstm-completions", trigger.GetProperty("queueName").GetString());
        Assert.Equal("AffectStorage", trigger.GetProperty("connection").GetString());
        Assert.Contains("durableClient", BindingTypes(function), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_host_stamps_runs_with_the_orchestration_version_and_reads_plain_queue_messages()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "src", "Affect.Functions", "host.json")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.NotNull(dir);
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "src", "Affect.Functions", "host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal(Affect.Pipeline.Orchestration.ExperimentOrchestration.Version, extensions.GetProperty("durableTask").GetProperty("defaultVersion").GetString());
        // The worker sends plain UTF-8 JSON (Azure.Storage.Queues' default), not base64.
        Assert.Equal("none", extensions.GetProperty("queues").GetProperty("messageEncoding").GetString());
    }
}
