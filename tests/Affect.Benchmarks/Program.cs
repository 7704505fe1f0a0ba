using System.Reflection;
using Affect.Benchmarks;

// Every IBenchmark in this assembly is a sub-command: `dotnet run -c Release --project tests/Affect.Benchmarks -- NAME [args]`.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();
if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.WriteLine("usage: Affect.Benchmarks NAME [args]\n\nbenchmarks:");
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-16} {b.Description}");
    }

    return args.Length == 0 ? 0 : 2;
}

return await benchmarks.Single(b => b.Name == args[0]).RunAsync(args[1..]);
