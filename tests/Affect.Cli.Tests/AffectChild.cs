using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Affect.Cli.Tests;

/// <summary>
/// A long-running <c>affect</c> child process (serve, worker) whose stdout and stderr lines are collected, so a test can
/// wait for a line, SIGKILL it (a crash) or SIGTERM it (a graceful stop).
/// </summary>
internal sealed class AffectChild : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> waits = [];

    private AffectChild(Process process) => this.process = process;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    private const string StderrPrefix = "stderr: ";

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The exit code (once ended).</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>Every line so far, stdout and stderr interleaved (stderr lines prefixed).</summary>
    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>Starts <c>affect ARGS</c> with extra environment variables.</summary>
    public static AffectChild Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = CliProcess.StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var child = new AffectChild(new Process { StartInfo = info });
        child.process.OutputDataReceived += (_, e) => child.Add(e.Data, string.Empty);
        child.process.ErrorDataReceived += (_, e) => child.Add(e.Data, StderrPrefix);
        child.process.Start();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts <c>affect ARGS</c>.</summary>
    public static AffectChild Start(params string[] args) => Start(null, args);

    /// <summary>Waits for the first line (seen before or after the call) that <paramref name="match"/> accepts; fails when the process ends first or after <paramref name="limit"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan limit, string what)
    {
        // Logs and progress go to stderr (stdout keeps the closing summary or --json), so a line matches on either stream.
        var onEither = match;
        match = l => onEither(l.StartsWith(StderrPrefix, StringComparison.Ordinal) ? l[StderrPrefix.Length..] : l);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (lines)
        {
            if (lines.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            waits.Add((match, seen));
        }

        var first = await Task.WhenAny(seen.Task, process.WaitForExitAsync(), Task.Delay(limit));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        string why = process.HasExited ? $"it exited ({process.ExitCode})" : $"not within {limit.TotalSeconds:F0} s";
        Assert.Fail($"no {what}: {why}\n{Output}");
        return string.Empty;
    }

    /// <summary>Waits for a line starting with <paramref name="start"/>.</summary>
    public Task<string> WaitForLineAsync(string start, TimeSpan limit) =>
        WaitForLineAsync(l => l.StartsWith(start, StringComparison.Ordinal), limit, $"line '{start}'");

    /// <summary>Waits (at most a minute) for the process to end by itself.</summary>
    public Task WaitForExitAsync() => process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>SIGKILL (a crash, out of memory, a node lost): no clean-up runs. Waits for the end.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait (at most a minute) for the exit; returns the exit code and how long it took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync()
    {
        var clock = Stopwatch.StartNew();
        CliProcess.Terminate(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, clock.Elapsed);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private void Add(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(prefix + line);
            foreach (var wait in waits.Where(w => w.Match(prefix + line)).ToList())
            {
                waits.Remove(wait);
                wait.Seen.TrySetResult(prefix + line);
            }
        }
    }
}

/// <summary>An <c>affect serve</c> child process with an API key, on a free loopback port, its output collected.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private ServeProcess(AffectChild child, Uri address)
    {
        Child = child;
        Address = address;
    }

    /// <summary>The process.</summary>
    public AffectChild Child { get; }

    /// <summary>The API's base address (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Address { get; }

    /// <summary>Everything it printed so far.</summary>
    public string Output => Child.Output;

    /// <summary>
    /// Starts <c>affect serve --store CONNECTION --port 0 --task-hub HUB</c> with <c>AFFECT_API_KEY=KEY</c> and waits until it
    /// listens. <c>--poll 0</c> and <c>--nightly off</c> apply unless <paramref name="extra"/> names them.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(string connection, string hub, string key, params string[] extra)
    {
        string[] poll = extra.Contains("--poll") ? [] : ["--poll", "0"];
        string[] nightly = extra.Contains("--nightly") ? [] : ["--nightly", "off"];
        var child = AffectChild.Start(
            new Dictionary<string, string> { ["AFFECT_API_KEY"] = key },
            ["serve", "--store", connection, "--port", "0", "--task-hub", hub, .. poll, .. nightly, .. extra]);
        try
        {
            string line = await child.WaitForLineAsync(l => ApiLine().IsMatch(l), TimeSpan.FromMinutes(2), "'affect serve: API' line (listening)");
            return new ServeProcess(child, new Uri(ApiLine().Match(line).Groups[1].Value));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client sending the key in <c>x-functions-key</c>.</summary>
    public static HttpClient Client(string key)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add("x-functions-key", key);
        return http;
    }

    /// <summary>SIGTERM and wait for the exit.</summary>
    public Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync() => Child.TerminateAsync();

    /// <summary>SIGKILL and wait for the exit.</summary>
    public Task KillAsync() => Child.KillAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Child.DisposeAsync();

    [GeneratedRegex(@"API (http://127\.0\.0\.1:\d+/)api/runs")]
    private static partial Regex ApiLine();
}
