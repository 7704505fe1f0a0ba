using System.Diagnostics;
using System.Text;

namespace Affect.Cli.Tests;

/// <summary>Runs the real <c>affect</c> program (built beside the tests) as a child process.</summary>
internal static class CliProcess
{
    public static string AffectDll => Path.Combine(AppContext.BaseDirectory, "affect.dll");

    public static ProcessStartInfo StartInfo(params string[] args) => StartInfoOf(AffectDll, args);

    /// <summary>Runs <paramref name="dll"/> (an entry built beside the tests) on the runtime with <paramref name="args"/>.</summary>
    public static ProcessStartInfo StartInfoOf(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunOfAsync(AffectDll, args);

    /// <summary>Runs <paramref name="dll"/> to its end (at most 5 minutes) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunOfAsync(string dll, params string[] args)
    {
        using var p = Process.Start(StartInfoOf(dll, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM (what <c>kill PID</c> and container runtimes send; <see cref="Process.Kill()"/> is SIGKILL).</summary>
    public static void Terminate(Process process) => Assert.Equal(0, SendSignal(process.Id, 15));

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static Dictionary<string, (DateTime Written, byte[] Content)> Snapshot(string root)
    {
        var result = new Dictionary<string, (DateTime, byte[])>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return result;
        }

        foreach (string f in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(root, f);
            if (rel.Split(Path.DirectorySeparatorChar).Any(s => s.StartsWith('.')))
            {
                continue; // staging area of the folder store
            }

            result[rel] = (File.GetLastWriteTimeUtc(f), File.ReadAllBytes(f));
        }

        return result;
    }

    public static string Describe(string stdout, string stderr) => new StringBuilder().Append("stdout:\n").Append(stdout).Append("\nstderr:\n").Append(stderr).ToString();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
