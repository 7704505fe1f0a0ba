using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests;

/// <summary>
/// Affect.Pipeline is the orchestration and its activities written against <c>IBlobStore</c> and <c>ITrainingQueue</c>:
/// it references the store project, the domain libraries and the Durable Task abstractions (plus the abstract client
/// the run starts take), never an engine, the sidecar, the Azure SDK or the local hosts.
/// </summary>
public sealed class PipelineReferencesTests
{
    private static readonly string[] AllowedDirect =
    [
        "Affect.Storage",
        "Affect.Audio",
        "Affect.Corpora",
        "Affect.Features",
        "Affect.Learning",
        "Affect.Sequence",
        "Microsoft.DurableTask.Abstractions",
        "Microsoft.DurableTask.Client",
    ];

    [Fact]
    public void The_project_references_only_storage_the_domain_libraries_and_the_durable_task_abstractions()
    {
        string path = Path.ChangeExtension(typeof(PipelineReferencesTests).Assembly.Location, ".deps.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        string target = doc.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        var pipeline = doc.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject()
            .Single(l => l.Name.StartsWith("Affect.Pipeline/", StringComparison.Ordinal));
        var direct = pipeline.Value.GetProperty("dependencies").EnumerateObject().Select(d => d.Name).ToList();
        Assert.Contains("Affect.Storage", direct);
        Assert.Contains("Microsoft.DurableTask.Abstractions", direct);
        var others = direct.Except(AllowedDirect, StringComparer.Ordinal).ToList();
        Assert.True(others.Count == 0, $"{path}: Affect.Pipeline: dependencies: not allowed: {string.Join(", ", others)}");
    }

    [Fact]
    public void The_compiled_assembly_uses_no_engine_sidecar_azure_sdk_or_host()
    {
        string assembly = typeof(ExperimentOrchestration).Assembly.Location;
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.Contains("Affect.Storage", references);
        Assert.Contains("Microsoft.DurableTask.Abstractions", references);
        string[] forbidden = ["Affect.Hosting", "Affect.Training", "Azure.", "DurableTask.Core", "DurableTask.AzureStorage", "Microsoft.DurableTask.Worker", "Microsoft.DurableTask.Grpc", "Microsoft.DurableTask.InProcessTestHost", "Grpc.", "Microsoft.AspNetCore", "Cronos", "TorchSharp"];
        var offenders = references.Where(r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal))).ToList();
        Assert.True(offenders.Count == 0, $"{assembly}: references {string.Join(", ", offenders)}");
    }
}
