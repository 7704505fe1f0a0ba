using System.Diagnostics;
using System.Globalization;

namespace Affect.Learning;

/// <summary>
/// Wall and process-CPU time per stage on stderr when the environment variable <c>AFFECT_PROFILE</c> is set (to
/// anything but <c>0</c>), so that where a whole <c>affect learn</c> process spends its seconds can be seen without a
/// profiler (docs/benchmarks.md, learn-cli). Off, it costs one branch per stage.
/// </summary>
public static class StageProfile
{
    /// <summary>Whether stage times are written (read once from <c>AFFECT_PROFILE</c>).</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("AFFECT_PROFILE") is { Length: > 0 } v && v != "0";

    /// <summary>Runs <paramref name="stage"/> and, when enabled, writes <c>profile: NAME wall W s cpu C s</c>.</summary>
    public static T Measure<T>(string name, Func<T> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (!Enabled)
        {
            return stage();
        }

        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        var result = stage();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile: {name} wall {wall:F3} s cpu {cpu:F3} s (since start {Since():F3} s, GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})"));
        return result;
    }

    // Seconds since the process started, so that start-up (runtime, JIT before Main) shows as the first stage's offset.
    private static double Since() => (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
}
