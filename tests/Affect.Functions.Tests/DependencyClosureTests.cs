using System.Text.Json;

namespace Affect.Functions.Tests;

/// <summary>
/// The Functions app ships what it runs and nothing else: its dependency closure, read from the
/// <c>Affect.Functions.deps.json</c> the build wrote (the file the Functions host loads), holds the pipeline and the Azure
/// store, never the local Durable engines, the gRPC sidecar, TorchSharp or the local hosting project.
/// </summary>
public sealed class DependencyClosureTests
{
    private static readonly string[] Forbidden =
    [
        "Affect.Hosting",
        "Affect.Training",
        "Affect.Cli",
        "Microsoft.DurableTask.InProcessTestHost",
        "Microsoft.Azure.DurableTask.AzureStorage",
        "Grpc.AspNetCore",
        "TorchSharp",
        "libtorch",
        "Cronos",
    ];

    /// <summary>The app's deps.json: library name → its direct dependencies' names.</summary>
    private static Dictionary<string, string[]> LoadGraph()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Affect.Functions.deps.json");
        Assert.True(File.Exists(path), $"{path}: missing (the referenced Functions app's deps.json is copied beside the tests)");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        string target = doc.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        var graph = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in doc.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject())
        {
            string name = library.Name[..library.Name.LastIndexOf('/')];
            graph[name] = library.Value.TryGetProperty("dependencies", out var deps) ? [.. deps.EnumerateObject().Select(d => d.Name)] : [];
        }

        return graph;
    }

    /// <summary>Every library reachable from <paramref name="root"/>, itself included.</summary>
    private static HashSet<string> Closure(Dictionary<string, string[]> graph, string root)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { root };
        var todo = new Stack<string>([root]);
        while (todo.TryPop(out var name))
        {
            foreach (var dependency in graph.GetValueOrDefault(name, []))
            {
                if (seen.Add(dependency))
                {
                    todo.Push(dependency);
                }
            }
        }

        return seen;
    }

    [Fact]
    public void The_functions_app_closure_has_the_pipeline_and_storage_but_no_local_engine_sidecar_or_trainer()
    {
        var graph = LoadGraph();
        var closure = Closure(graph, "Affect.Functions");
        var offenders = closure.Where(l => Forbidden.Any(f => l.StartsWith(f, StringComparison.OrdinalIgnoreCase))).Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, "in the Functions app's closure: " + string.Join(", ", offenders.Select(o => $"{o} (via {Route(graph, o)})")));
        Assert.Contains("Affect.Pipeline", closure);
        Assert.Contains("Affect.Storage", closure);
        Assert.Contains("Microsoft.Azure.Functions.Worker.Extensions.DurableTask", closure);
    }

    [Fact]
    public void The_functions_app_references_only_the_pipeline_and_the_store_of_this_repository()
    {
        var direct = LoadGraph()["Affect.Functions"].Where(d => d.StartsWith("Affect.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(["Affect.Pipeline", "Affect.Storage"], direct);
    }

    [Fact]
    public void The_store_project_knows_no_durable_task_engine()
    {
        var graph = LoadGraph();
        var closure = Closure(graph, "Affect.Storage");
        Assert.Contains("Azure.Storage.Blobs", closure);
        Assert.Contains("Azure.Storage.Queues", closure);
        var offenders = closure.Where(l => l.Contains("DurableTask", StringComparison.OrdinalIgnoreCase) || (l.StartsWith("Affect.", StringComparison.Ordinal) && l is not ("Affect.Storage" or "Affect.Audio"))).ToList();
        Assert.True(offenders.Count == 0, "in Affect.Storage's closure: " + string.Join(", ", offenders));
    }

    /// <summary>How the app reaches <paramref name="library"/> (first path found), for the failure message.</summary>
    private static string Route(Dictionary<string, string[]> graph, string library)
    {
        var parent = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>(["Affect.Functions"]);
        while (queue.TryDequeue(out var name))
        {
            foreach (var dependency in graph.GetValueOrDefault(name, []))
            {
                if (parent.TryAdd(dependency, name))
                {
                    queue.Enqueue(dependency);
                }
            }
        }

        var path = new List<string> { library };
        while (parent.TryGetValue(path[^1], out var up) && up != "Affect.Functions")
        {
            path.Add(up);
        }

        path.Reverse();
        return string.Join(" → ", path);
    }
}
