extern alias native;

using System.Text.Json;
using System.Text.RegularExpressions;
using Affect.Audio;
using native::Affect.Cli.Native;

namespace Affect.Cli.Tests;

/// <summary>
/// The native entry (src/Affect.Cli.Native, published as <c>affect</c> with <c>-p:AffectNativeEntry=true</c>) against the
/// managed CLI: <c>features lld</c> writes the same CSV bytes and the same stdout/stderr (durations aside) in every
/// output mode, gives the same errors and exit codes, and every other command line reaches the managed CLI unchanged.
/// Run here on the runtime (<c>dotnet affect-native.dll</c>), the same code its Native AOT publish compiles.
/// </summary>
public sealed partial class NativeEntryTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task Features_lld_gives_the_managed_bytes_lines_and_summary_in_every_output_mode()
    {
        // 12 files: the progress lines at 0 %, every 10 % step and 100 % all appear.
        string[] wavs = [.. Enumerable.Range(0, 12).Select(i => Tone("t" + i, 150 + (37 * i), 16000 + (997 * i)))];
        foreach (string[] mode in new[] { Array.Empty<string>(), ["--quiet"], ["--json"], ["--no-deltas"] })
        {
            string managedCsv = Path.Combine(dir, "managed.csv"), nativeCsv = Path.Combine(dir, "native.csv");
            var managed = await CliProcess.RunAsync(["features", "lld", .. wavs, "--csv", managedCsv, .. mode]);
            string[] nativeArgs = ["features", "lld", .. wavs, .. mode, $"--csv={nativeCsv}"];
            Assert.NotNull(LldInvocation.Parse(nativeArgs)); // run natively, not handed to the managed CLI
            var native = await RunNativeAsync(nativeArgs);
            string label = string.Join(' ', mode);
            Assert.True(managed.ExitCode == 0, CliProcess.Describe(managed.Stdout, managed.Stderr));
            Assert.True(native.ExitCode == 0, label + "\n" + CliProcess.Describe(native.Stdout, native.Stderr));
            Assert.Equal(File.ReadAllBytes(managedCsv), File.ReadAllBytes(nativeCsv));
            Assert.Equal(Timeless(managed.Stderr), Timeless(native.Stderr));
            if (mode is ["--json"])
            {
                Assert.Equal(JsonWithout("seconds", managed.Stdout).Replace("managed.csv", "native.csv", StringComparison.Ordinal), JsonWithout("seconds", native.Stdout));
                Assert.Matches("^\\{\"command\":\"features lld\",\"status\":\"completed\",\"seconds\":[0-9.]+,\"outputs\":", native.Stdout);
            }
            else
            {
                Assert.Equal(Timeless(managed.Stdout).Replace("managed.csv", "native.csv", StringComparison.Ordinal), Timeless(native.Stdout));
            }
        }
    }

    [Fact]
    public async Task Bad_input_gives_the_managed_error_line_and_exit_code()
    {
        string shortWav = Path.Combine(dir, "short.wav");
        using (var file = File.Create(shortWav))
        {
            WavWriter.WritePcm16(file, new float[950], 16000); // one sample short of a 60 ms frame
        }

        string garbage = Path.Combine(dir, "garbage.wav");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 7))]);
        string csv = Path.Combine(dir, "out.csv");
        foreach (string[] args in new string[][]
        {
            ["features", "lld", Path.Combine(dir, "absent.wav"), "--csv", csv],
            ["features", "lld", Tone("ok", 200, 16000), shortWav, "--csv", csv, "--quiet"],
            ["features", "lld", garbage, "--csv", csv],
        })
        {
            Assert.NotNull(LldInvocation.Parse(args));
            var managed = await CliProcess.RunAsync(args);
            var native = await RunNativeAsync(args);
            Assert.Equal(1, managed.ExitCode);
            Assert.Equal((managed.ExitCode, managed.Stdout, Timeless(managed.Stderr)), (native.ExitCode, native.Stdout, Timeless(native.Stderr)));
            Assert.False(File.Exists(csv));
        }
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("features", "lld", "--help")]
    [InlineData("features", "lld", "a.wav", "--csv", "x.csv", "--quiet", "--json")]
    [InlineData("features", "lld", "a.wav", "--csv", "x.csv", "--bogus")]
    [InlineData("features", "lld", "a.wav")]
    [InlineData("audio", "info")]
    public async Task Every_other_command_line_reaches_the_managed_cli_unchanged(params string[] args)
    {
        Assert.Null(LldInvocation.Parse(args));
        var managed = await CliProcess.RunAsync(args);
        var native = await RunNativeAsync(args);
        Assert.Equal(managed, native);
    }

    [Fact]
    public void Only_a_plain_features_lld_line_is_run_natively()
    {
        var plain = LldInvocation.Parse(["features", "lld", "a.wav", "b.wav", "--no-deltas", "--csv", "o.csv", "--json"]);
        Assert.NotNull(plain);
        Assert.Equal(["a.wav", "b.wav"], plain.Inputs);
        Assert.Equal(("o.csv", true, false, true), (plain.Csv, plain.NoDeltas, plain.Quiet, plain.Json));
        Assert.Equal("o.csv", LldInvocation.Parse(["features", "lld", "a.wav", "--csv=o.csv"])?.Csv);
        Assert.Null(LldInvocation.Parse(["features", "lld", "a.wav", "--csv", "o.csv", "--csv", "p.csv"]));
        Assert.Null(LldInvocation.Parse(["features", "lld", "a.wav", "--csv", "--quiet"]));
        Assert.Null(LldInvocation.Parse(["features", "lld", "a.wav", "--csv", "o.csv", "--quiet", "--quiet"]));
        Assert.Null(LldInvocation.Parse(["features", "lld", "-a.wav", "--csv", "o.csv"]));
        Assert.Null(LldInvocation.Parse(["features", "lld", "--csv", "o.csv"]));
        Assert.Null(LldInvocation.Parse(["features", "functionals", "a.wav", "--csv", "o.csv"]));
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunNativeAsync(params string[] args) =>
        CliProcess.RunOfAsync(Path.Combine(AppContext.BaseDirectory, "affect-native.dll"), args);

    // Durations (elapsed, ETA, "completed in") differ between two runs; everything else must not.
    private static string Timeless(string text) => Duration().Replace(text, "T");

    private static string JsonWithout(string property, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return string.Join(",", doc.RootElement.EnumerateObject().Where(p => p.Name != property).Select(p => p.Name + "=" + p.Value.GetRawText()));
    }

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)? (s|min [0-9]+ s|h [0-9]+ min)\b|eta \?")]
    private static partial Regex Duration();

    private string Tone(string name, double f0, int samples)
    {
        var wave = new float[samples];
        for (int n = 0; n < wave.Length; n++)
        {
            wave[n] = (float)(0.3 * Math.Sin(2 * Math.PI * f0 * n / 16000.0));
        }

        string path = Path.Combine(dir, name + ".wav");
        using var file = File.Create(path);
        WavWriter.WritePcm16(file, wave, 16000);
        return path;
    }
}
