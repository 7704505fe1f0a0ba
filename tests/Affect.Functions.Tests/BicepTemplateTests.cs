using System.Diagnostics;
using System.Text.Json;

namespace Affect.Functions.Tests;

/// <summary>
/// Compiles bicep/main.bicep with infra/bicep-build.sh (the CI check, Bicep CLI from NuGet) and reads the ARM JSON:
/// the Event Grid wiring of the blob trigger and the identity-based settings of its connection.
/// </summary>
public sealed class BicepTemplateTests
{
    private static readonly Lazy<JsonElement> Template = new(Compile);

    private static JsonElement[] Resources => Template.Value.GetProperty("resources").EnumerateArray().ToArray();

    private static JsonElement Compile()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Cloud.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        Assert.NotNull(root);
        var output = Directory.CreateTempSubdirectory("affect-bicep-");
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(root, "infra", "bicep-build.sh"));
            start.ArgumentList.Add(output.FullName);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"infra/bicep-build.sh failed ({process.ExitCode}): {stdout}{stderr.Result}");
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "main.json")));
            return doc.RootElement.Clone();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static JsonElement Single(string type) =>
        Assert.Single(Resources, r => r.GetProperty("type").GetString() == type);

    [Fact]
    public void The_storage_account_has_an_event_grid_system_topic()
    {
        var topic = Single("Microsoft.EventGrid/systemTopics");
        var properties = topic.GetProperty("properties");
        Assert.Equal("Microsoft.Storage.StorageAccounts", properties.GetProperty("topicType").GetString());
        Assert.Contains("Microsoft.Storage/storageAccounts", properties.GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_uploads_are_pushed_to_the_blob_extension_webhook_of_CorpusUploaded()
    {
        var subscription = Single("Microsoft.EventGrid/systemTopics/eventSubscriptions").GetProperty("properties");
        var filter = subscription.GetProperty("filter");
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter.GetProperty("includedEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("/blobServices/default/containers/corpora/blobs/", filter.GetProperty("subjectBeginsWith").GetString());
        Assert.EndsWith("manifest.json", filter.GetProperty("subjectEndsWith").GetString(), StringComparison.Ordinal);

        var destination = subscription.GetProperty("destination");
        Assert.Equal("WebHook", destination.GetProperty("endpointType").GetString());
        var url = destination.GetProperty("properties").GetProperty("endpointUrl").GetString()!;
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", url, StringComparison.Ordinal);
        Assert.Contains("variables('corpusUploadedFunction')", url, StringComparison.Ordinal);
        Assert.Contains("/host/default", url, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", url, StringComparison.Ordinal);
        Assert.Contains("defaultHostName", url, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trigger_connection_is_identity_based_with_blob_and_queue_roles()
    {
        var site = Single("Microsoft.Web/sites");
        var settings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Contains("blob", settings["AffectStorage__blobServiceUri"], StringComparison.Ordinal);
        Assert.Contains("queue", settings["AffectStorage__queueServiceUri"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AffectStorage__credential"]);
        Assert.Contains("clientId", settings["AffectStorage__clientId"], StringComparison.Ordinal);

        // The storage role assignments are a copy loop over the `roles` variable of role definition ids.
        var storageRoles = Assert.Single(Resources, r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments" && r.TryGetProperty("copy", out _));
        Assert.Contains("variables('roles')", storageRoles.GetRawText(), StringComparison.Ordinal);
        string all = Template.Value.GetProperty("variables").GetProperty("roles").GetRawText();
        Assert.Contains("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", all, StringComparison.Ordinal); // Storage Blob Data Owner
        Assert.Contains("974c5e8b-45b9-4653-ba55-5f855dd0fb88", all, StringComparison.Ordinal); // Storage Queue Data Contributor
    }

    [Fact]
    public void The_function_name_in_the_webhook_is_the_blob_triggered_function()
    {
        var compiled = Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.NotEqual(JsonValueKind.Undefined, compiled.ValueKind);
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Cloud.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        var bicep = File.ReadAllText(Path.Combine(root!, "bicep", "main.bicep"));
        Assert.Contains("var corpusUploadedFunction = 'CorpusUploaded'", bicep, StringComparison.Ordinal);
        Assert.Contains("[Function(\"CorpusUploaded\")]", File.ReadAllText(Path.Combine(root!, "src", "Affect.Functions", "TriggerFunctions.cs")), StringComparison.Ordinal);
    }
}
