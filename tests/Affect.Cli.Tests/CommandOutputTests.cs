using System.Diagnostics;
using System.Text.Json;
using Affect.Audio;

namespace Affect.Cli.Tests;

/// <summary>
/// The output modes of a long command (here <c>affect features lld</c> over real WAVs): plain progress lines on a
/// redirected stderr without ANSI codes, a live display on a terminal, <c>--quiet</c>, <c>--json</c>, and the closing
/// summary; plus System.CommandLine's <c>[suggest]</c> completion over the registry.
/// </summary>
public sealed class CommandOutputTests
{
    private readonly string dir = CliProcess.TempDir();

    [Fact]
    public async Task Redirected_progress_is_plain_lines_on_stderr_and_stdout_holds_the_summary()
    {
        string[] wavs = [Tone("a", 200), Tone("b", 300)];
        string csv = Path.Combine(dir, "lld.csv");
        var r = await CliProcess.RunAsync(["features", "lld", .. wavs, "--csv", csv]);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.DoesNotContain('\u001b', r.Stdout + r.Stderr);
        Assert.Contains("  [lld] 0/2 0 % ", r.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"  \[lld\] 2/2 100 % [0-9.]+ s, done", r.Stderr);
        Assert.Contains("a: 1.000 s, ", r.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("affect features lld: completed in ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"csv     {csv}\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("files   2\n", r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(csv));
    }

    [Fact]
    public async Task Json_prints_one_object_with_the_summary_fields_and_quiet_only_the_result_path()
    {
        string wav = Tone("c", 250);
        string csv = Path.Combine(dir, "lld.csv");
        var json = await CliProcess.RunAsync("features", "lld", wav, "--csv", csv, "--json");
        Assert.True(json.ExitCode == 0, CliProcess.Describe(json.Stdout, json.Stderr));
        Assert.Single(json.Stdout.Trim().Split('\n'));
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            var s = doc.RootElement;
            Assert.Equal("features lld", s.GetProperty("command").GetString());
            Assert.Equal("completed", s.GetProperty("status").GetString());
            Assert.InRange(s.GetProperty("seconds").GetDouble(), 0, 600);
            Assert.Equal(csv, s.GetProperty("outputs").GetProperty("csv").GetString());
            Assert.Equal(1, s.GetProperty("files").GetInt32());
            Assert.Equal(File.ReadLines(csv).Count() - 1, s.GetProperty("frames").GetInt32());
        }

        Assert.Contains("  [lld] 1/1 100 % ", json.Stderr, StringComparison.Ordinal); // progress still on stderr

        var quiet = await CliProcess.RunAsync("features", "lld", wav, "--csv", csv, "--quiet");
        Assert.True(quiet.ExitCode == 0, CliProcess.Describe(quiet.Stdout, quiet.Stderr));
        Assert.Equal(csv + "\n", quiet.Stdout);
        Assert.Equal(string.Empty, quiet.Stderr);

        var both = await CliProcess.RunAsync("features", "lld", wav, "--csv", csv, "--quiet", "--json");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--quiet and --json exclude each other", both.Stderr, StringComparison.Ordinal);

        // Errors still reach stderr with --quiet, as one line.
        var missing = await CliProcess.RunAsync("features", "lld", Path.Combine(dir, "absent.wav"), "--csv", csv, "--quiet");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("affect: error: ", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, missing.Stdout);
    }

    [Fact]
    public async Task On_a_terminal_progress_is_drawn_live_on_stderr()
    {
        // script(1) gives the command a pseudo-terminal, as an interactive shell would.
        string wav = Tone("d", 220);
        string csv = Path.Combine(dir, "lld.csv");
        string command = string.Join(' ', new[] { "dotnet", CliProcess.AffectDll, "features", "lld", wav, "--csv", csv }.Select(a => "'" + a + "'"));
        var psi = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-qec", command, "/dev/null" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TERM"] = "xterm-256color";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        string screen = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, screen);
        Assert.Contains("lld 1/1 done", screen, StringComparison.Ordinal);
        Assert.Contains('\u001b', screen); // drawn with terminal control sequences
        Assert.DoesNotContain("  [lld] ", screen, StringComparison.Ordinal); // not the plain lines
        Assert.Contains("affect features lld: completed in ", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggest_directive_completes_commands_subcommands_options_and_their_values()
    {
        async Task<string[]> Suggest(string line)
        {
            var r = await CliProcess.RunAsync($"[suggest:{line.Length}]", line);
            Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
            return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        Assert.Contains("features", await Suggest("affect feat"));
        Assert.Contains("egemaps", await Suggest("affect features e"));
        Assert.Contains("--scale", await Suggest("affect demo --sc"));
        Assert.Equal(["demo", "paper"], (await Suggest("affect demo --scale ")).Order(StringComparer.Ordinal));
        Assert.Contains("--quiet", await Suggest("affect run --q"));
    }

    private string Tone(string name, double f0)
    {
        var samples = new float[16000];
        for (int n = 0; n < samples.Length; n++)
        {
            samples[n] = (float)(0.3 * Math.Sin(2 * Math.PI * f0 * n / 16000.0));
        }

        string path = Path.Combine(dir, name + ".wav");
        using var file = File.Create(path);
        WavWriter.WritePcm16(file, samples, 16000);
        return path;
    }
}
