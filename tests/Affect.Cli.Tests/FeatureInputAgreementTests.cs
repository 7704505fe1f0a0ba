using Affect.Audio;

namespace Affect.Cli.Tests;

/// <summary>
/// <c>features lld</c> and <c>features functionals</c> accept and refuse the same recordings: one shorter than a 60 ms
/// frame has no LLD rows, so both refuse it by file and field and write nothing (issue 19.11). Errors quoting
/// user text keep control characters escaped, so the error stays one line.
/// </summary>
public sealed class FeatureInputAgreementTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Theory]
    [InlineData("lld", "--csv", "out.csv")]
    [InlineData("functionals", "--csv", "out.csv")]
    [InlineData("functionals", "--arff", "out.arff")]
    public async Task A_recording_shorter_than_one_60_ms_frame_is_refused_by_both_commands(string command, string option, string output)
    {
        string wav = Path.Combine(dir, "short.wav");
        var samples = new float[950]; // 59.4 ms at 16 kHz: one sample short of 960
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * 220 * i / 16000f);
        }

        using (var file = File.Create(wav))
        {
            WavWriter.WritePcm16(file, samples, 16000);
        }

        string outPath = Path.Combine(dir, output);
        var r = await CliProcess.RunAsync("features", command, wav, option, outPath);
        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));

        // One error line, after the progress lines (stderr carries both; only progress precedes it).
        string[] lines = r.Stderr.TrimEnd().Split('\n');
        Assert.Equal($"affect: error: {wav}: duration: 0.059 s is shorter than one 60 ms LLD frame", lines[^1]);
        Assert.All(lines[..^1], l => Assert.StartsWith($"  [{command}] ", l, StringComparison.Ordinal));
        Assert.Equal(["short.wav"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Control_characters_in_a_file_name_are_escaped_in_the_one_line_error()
    {
        string name = Path.Combine(dir, "evil\u001b[31m\nname.csv");
        var r = await CliProcess.RunAsync("learn", "--model", "kelm", "--train", name, "--test", name, "--scores", Path.Combine(dir, "s.csv"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', r.Stderr);
        Assert.Contains("evil\\u001B[31m\\nname.csv", r.Stderr, StringComparison.Ordinal);
    }
}
