using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Affect.Benchmarks;

/// <summary>
/// The PyTorch side of a TorchSharp benchmark: a scratch folder of little-endian binary inputs (initial weights, data,
/// batch order) and a run of a reference script under Debian's <c>/usr/bin/python3</c> (torch 1.13) as
/// <c>python3 script folder args…</c>, whose one line of space-separated numbers on stdout comes back.
/// </summary>
internal sealed class PyTorchReference : IDisposable
{
    private readonly DirectoryInfo folder;

    /// <summary>Creates the scratch folder (deleted by <see cref="Dispose"/>).</summary>
    public PyTorchReference(string name)
    {
        folder = Directory.CreateTempSubdirectory($"affect-{name}-bench-");
    }

    /// <summary>Writes float32 values to file <paramref name="name"/> in the folder (numpy <c>'&lt;f4'</c>).</summary>
    public void Write(string name, ReadOnlySpan<float> values) => File.WriteAllBytes(Path.Combine(folder.FullName, name), MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Writes int64 values to file <paramref name="name"/> in the folder (numpy <c>'&lt;i8'</c>).</summary>
    public void Write(string name, ReadOnlySpan<long> values) => File.WriteAllBytes(Path.Combine(folder.FullName, name), MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Writes text to file <paramref name="name"/> in the folder.</summary>
    public Task WriteTextAsync(string name, string text) => File.WriteAllTextAsync(Path.Combine(folder.FullName, name), text);

    /// <summary>
    /// Runs <paramref name="script"/> (Python source) with the folder and <paramref name="arguments"/> (invariant culture)
    /// as arguments; returns its stdout split at spaces, or null after printing its stderr when it fails.
    /// </summary>
    public async Task<string[]?> RunAsync(string script, params object[] arguments)
    {
        string path = Path.Combine(folder.FullName, "reference.py");
        await File.WriteAllTextAsync(path, script);
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(folder.FullName);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"python3 failed ({process.ExitCode}): {stderr}");
            return null;
        }

        return (await stdout).Trim().Split(' ');
    }

    /// <summary>Deletes the scratch folder.</summary>
    public void Dispose() => folder.Delete(recursive: true);
}

/// <summary>What the benchmarks share besides <see cref="PyTorchReference"/>: options, the machine's load, CPU time.</summary>
internal static class BenchmarkRun
{
    /// <summary>The number after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The load averages (1, 5, 15 min) from /proc/loadavg, or "n/a" where there is none.</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Wall-clock and this process's CPU seconds of <paramref name="work"/>.</summary>
    public static (double Wall, double Cpu) Measure(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        double wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return (wall, (self.TotalProcessorTime - cpu).TotalSeconds);
    }
}
