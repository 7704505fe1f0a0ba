using System.Diagnostics;
using System.Globalization;

namespace Affect.Benchmarks;

/// <summary>
/// <c>affect features lld long60.wav --csv out.csv</c> as a whole process, the way a user runs it: the published
/// <c>affect</c> (<c>dotnet publish src/Affect.Cli -c Release -r linux-x64 -p:AffectNativeEntry=true</c>: the Native AOT
/// entry, which runs <c>features lld</c> itself) and the ReadyToRun managed CLI beside it (<c>affect-managed</c>), N
/// times each (median and min of wall and of CPU = user + sys), against SMILExtract's recorded 0.49 s (ComParE_2016 LLD
/// CSV on the same file; openSMILE is not installed here). Also times the same command through <c>dotnet affect.dll</c>
/// (the build output, JIT only) and <c>dotnet run</c>, and <c>--help</c> (start-up alone; through the native entry it is
/// handed to the managed CLI), and checks that every variant writes the same bytes. <c>--no-native</c> publishes the
/// ReadyToRun CLI alone (then <c>affect</c> is the managed apphost).
/// Usage: <c>lld-cli [--runs 7] [--published DIR] [--no-publish] [--no-native] [--no-dotnet-run] [--input WAV]</c>.
/// </summary>
public sealed class LldCliBenchmark : IBenchmark
{
    // SMILExtract 3.0.2, ComParE_2016 LLD CSV of tests/data/opensmile/wav/long60.wav (docs/benchmarks.md, lld).
    private const double SmilExtractSeconds = 0.49;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string Name => "lld-cli";

    /// <inheritdoc />
    public string Description => "affect features lld on 60 s as a whole process (published Native AOT entry and ReadyToRun CLI, dotnet affect.dll, dotnet run) vs SMILExtract's recorded time";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args)
    {
        int runs = 7;
        string published = Path.Combine(Path.GetTempPath(), "affect-lld-cli");
        bool publish = true;
        bool dotnetRun = true;
        bool native = true;
        string input = Path.GetFullPath("tests/data/opensmile/wav/long60.wav");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], Inv); break;
                case "--published": published = Path.GetFullPath(args[++i]); break;
                case "--no-publish": publish = false; break;
                case "--no-dotnet-run": dotnetRun = false; break;
                case "--no-native": native = false; break;
                case "--input": input = Path.GetFullPath(args[++i]); break;
                default:
                    Console.Error.WriteLine($"lld-cli: unknown argument '{args[i]}'");
                    return Task.FromResult(2);
            }
        }

        if (!File.Exists("src/Affect.Cli/Affect.Cli.csproj") || !File.Exists(input))
        {
            Console.Error.WriteLine($"lld-cli: run from the repository root ({input} and src/Affect.Cli are needed)");
            return Task.FromResult(1);
        }

        string affect = Path.Combine(published, "affect");
        if (publish)
        {
            string entry = native ? " -p:AffectNativeEntry=true" : string.Empty;
            Console.WriteLine($"publishing to {published} (dotnet publish src/Affect.Cli -c Release -r linux-x64{entry}) ...");
            if (Directory.Exists(published))
            {
                Directory.Delete(published, recursive: true); // no native entry left over from an earlier publish
            }

            var sw = Stopwatch.StartNew();
            Time("dotnet", $"publish src/Affect.Cli/Affect.Cli.csproj -c Release -r linux-x64 -o {published}{entry} -nologo -v q");
            Console.WriteLine($"  published in {sw.Elapsed.TotalSeconds:F0} s");
        }

        if (!File.Exists(affect))
        {
            Console.Error.WriteLine($"lld-cli: {affect}: not found (run without --no-publish)");
            return Task.FromResult(1);
        }

        string dir = Directory.CreateTempSubdirectory("lld-cli").FullName;
        string Lld(string name) => $"features lld {input} --csv {Path.Combine(dir, name)} --quiet";
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {Load()}");

        string managed = Path.Combine(published, "affect-managed");
        bool hasNative = File.Exists(managed);
        string kind = hasNative ? "published `affect` (Native AOT entry)" : "published ReadyToRun `affect`";
        Time(affect, Lld("warm-up.csv")); // page cache: binary, assemblies, input
        var help = Measure(runs, () => Time(affect, "--help"));
        var entryLld = Measure(runs, () => Time(affect, Lld("published.csv")));
        Report($"{kind} `--help` (start-up alone{(hasNative ? ", handed to the managed CLI" : string.Empty)})", help);
        Report($"{kind} `features lld`", entryLld);
        Ratio(entryLld);
        var outputs = new List<string> { "published.csv" };
        if (hasNative)
        {
            Time(managed, Lld("managed.csv"));
            var managedHelp = Measure(runs, () => Time(managed, "--help"));
            var r2r = Measure(runs, () => Time(managed, Lld("managed.csv")));
            Report("published ReadyToRun `affect-managed --help` (start-up alone)", managedHelp);
            Report("published ReadyToRun `affect-managed features lld` (the managed CLI)", r2r);
            Ratio(r2r);
            outputs.Add("managed.csv");
        }

        string dll = Path.GetFullPath("src/Affect.Cli/bin/Release/net10.0/linux-x64/affect.dll");
        if (File.Exists(dll))
        {
            Time("dotnet", $"{dll} {Lld("build.csv")}");
            var built = Measure(runs, () => Time("dotnet", $"{dll} {Lld("build.csv")}"));
            Report("`dotnet affect.dll features lld` (build output, JIT)", built);
            outputs.Add("build.csv");
        }
        else
        {
            Console.WriteLine($"  (no {dll}: `dotnet build src/Affect.Cli -c Release` to time the build output too)");
        }

        if (dotnetRun)
        {
            var run = Measure(Math.Min(runs, 3), () => Time("dotnet", $"run -c Release --project src/Affect.Cli -- {Lld("run.csv")}"));
            Report("`dotnet run -c Release --project src/Affect.Cli -- features lld` (up-to-date check + JIT)", run);
            outputs.Add("run.csv");
        }

        byte[] reference = File.ReadAllBytes(Path.Combine(dir, "published.csv"));
        foreach (string o in outputs)
        {
            if (!File.ReadAllBytes(Path.Combine(dir, o)).AsSpan().SequenceEqual(reference))
            {
                Console.Error.WriteLine($"lld-cli: {o} differs from published.csv");
                return Task.FromResult(1);
            }
        }

        Console.WriteLine($"  all {outputs.Count} variants wrote the same {reference.Length} bytes; load average at the end {Load()}");
        Directory.Delete(dir, recursive: true);
        return Task.FromResult(0);
    }

    private static void Ratio(Timing t) =>
        Console.WriteLine($"  ratio to SMILExtract's recorded {SmilExtractSeconds:F2} s: wall median {t.WallMedian / SmilExtractSeconds:F2}×, min {t.WallMin / SmilExtractSeconds:F2}× (goal ≤ 0.50×); CPU median {t.CpuMedian / SmilExtractSeconds:F2}×");

    private static void Report(string what, Timing t) =>
        Console.WriteLine($"{what}: wall median {t.WallMedian:F3} s (min {t.WallMin:F3}), CPU user + sys median {t.CpuMedian:F3} s (min {t.CpuMin:F3}), {t.Runs} runs");

    private static Timing Measure(int runs, Func<(double Wall, double Cpu)> run)
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var (wall, cpu) = run();
            walls.Add(wall);
            cpus.Add(cpu);
        }

        walls.Sort();
        cpus.Sort();
        return new Timing(walls[walls.Count / 2], walls[0], cpus[cpus.Count / 2], cpus[0], runs);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    // One whole process under /usr/bin/time: its wall time (a stopwatch around it, to the millisecond; time's %e has
    // 10 ms steps) and its CPU time (user + sys, children included).
    private static (double Wall, double Cpu) Time(string exe, string arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/time", $"-f \"time %e %U %S\" {exe} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        long t0 = Stopwatch.GetTimestamp();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} {arguments}: exit {p.ExitCode}\n{stdout.Result}{stderr}");
        }

        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        string[] t = stderr.Trim().Split('\n')[^1].Split(' ');
        return (wall, double.Parse(t[2], Inv) + double.Parse(t[3], Inv));
    }

    private sealed record Timing(double WallMedian, double WallMin, double CpuMedian, double CpuMin, int Runs);
}
