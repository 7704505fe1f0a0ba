using System.Diagnostics;
using Affect.Audio;

namespace Affect.Cli.Tests;

/// <summary>
/// A full disk, met as a real process's file size limit (<c>ulimit -f</c>, SIGXFSZ ignored so writes fail with EFBIG
/// as they would with ENOSPC): the command fails with one line, multi-output commands commit all outputs or none, and no
/// temporary or partial file is left (issue 19.6).
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Theory]
    [InlineData(40)] // neither the CSV (about 90 KB) nor the ARFF fits
    [InlineData(120)] // the CSV fits, the ARFF (about 300 KB) does not
    public async Task Functionals_csv_and_arff_are_committed_together_or_not_at_all(int limitKb)
    {
        string wav = Tone("a.wav");
        string csv = Path.Combine(dir, "o.csv"), arff = Path.Combine(dir, "o.arff");
        File.WriteAllText(csv, "old csv");
        File.WriteAllText(arff, "old arff");
        var r = await RunLimitedAsync(limitKb, "features", "functionals", wav, "--csv", csv, "--arff", arff);
        Assert.True(r.ExitCode == 1, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'), l => l.StartsWith("affect: error: ", StringComparison.Ordinal));
        Assert.Equal("old csv", File.ReadAllText(csv));
        Assert.Equal("old arff", File.ReadAllText(arff));
        Assert.Equal(["a.wav", "o.arff", "o.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // With room, both are written.
        var ok = await RunLimitedAsync(4096, "features", "functionals", wav, "--csv", csv, "--arff", arff);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.StartsWith("name", File.ReadAllText(csv), StringComparison.Ordinal);
        Assert.StartsWith("@relation", File.ReadAllText(arff), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lld_and_learn_leave_nothing_behind_when_the_disk_is_full()
    {
        string wav = Tone("a.wav");
        var lld = await RunLimitedAsync(64, "features", "lld", wav, "--csv", Path.Combine(dir, "lld.csv"));
        Assert.True(lld.ExitCode == 1, lld.Stderr);
        Assert.Contains("lld.csv", lld.Stderr, StringComparison.Ordinal);

        // A table big enough that its scores exceed the limit.
        var sb = new System.Text.StringBuilder("name,f1,f2,class\n");
        for (int i = 0; i < 4000; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"utterance_with_a_long_name_{i},{i % 7},{(i * 13) % 11},{(i % 2 == 0 ? "a" : "b")}\n");
        }

        string table = Path.Combine(dir, "t.csv");
        File.WriteAllText(table, sb.ToString());
        string before = string.Join(",", Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var learn = await RunLimitedAsync(200, "learn", "--model", "svm", "--train", table, "--test", table, "--scores", Path.Combine(dir, "scores.csv"));
        Assert.True(learn.ExitCode == 1, learn.Stderr);
        Assert.Contains("scores.csv", learn.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, string.Join(",", Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
        Assert.Equal(["a.wav", "t.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    // `affect ARGS` under a file size limit of `kb` KiB, with SIGXFSZ ignored (an ignored signal stays ignored across exec).
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunLimitedAsync(int kb, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"trap '' XFSZ; export DOTNET_EnableWriteXorExecute=0; ulimit -f {kb}; exec dotnet \"$@\"");
        psi.ArgumentList.Add("affect");
        psi.ArgumentList.Add(CliProcess.AffectDll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (p.ExitCode, await stdout, await stderr);
    }

    private string Tone(string name)
    {
        var samples = new float[16000];
        for (int n = 0; n < samples.Length; n++)
        {
            samples[n] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * n / 16000.0));
        }

        string path = Path.Combine(dir, name);
        using var file = File.Create(path);
        WavWriter.WritePcm16(file, samples, 16000);
        return path;
    }
}
