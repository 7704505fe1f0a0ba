using Affect.Audio;

namespace Affect.Cli.Tests;

/// <summary><c>affect features egemaps</c>: the 88 functionals (CSV and ARFF) and the 25 LLDs in openSMILE's layouts.</summary>
public sealed class EGeMapsCommandTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task Writes_functionals_csv_arff_and_lld_csv_in_openSMILE_layout()
    {
        string a = Tone("a", 180), b = Tone("b", 240);
        string csv = Path.Combine(dir, "f.csv"), arff = Path.Combine(dir, "f.arff"), lld = Path.Combine(dir, "l.csv");
        var r = await CliProcess.RunAsync("features", "egemaps", a, b, "--csv", csv, "--arff", arff, "--lld-csv", lld, "--label", "calm");
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));

        var rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);
        var header = rows[0].Split(';');
        Assert.Equal(91, header.Length); // name, frameTime, 88 functionals, class
        Assert.Equal("F0semitoneFrom27.5Hz_sma3nz_amean", header[2]);
        Assert.Equal("equivalentSoundLevel_dBp", header[89]);
        Assert.StartsWith("'a';0.000000;", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(";calm", rows[2], StringComparison.Ordinal);
        Assert.Equal(88, File.ReadLines(arff).Count(l => l.StartsWith("@attribute", StringComparison.Ordinal) && l.EndsWith(" numeric", StringComparison.Ordinal)) - 1); // minus frameTime

        var lines = File.ReadAllLines(lld);
        Assert.Equal("name;frameTime;Loudness_sma3", string.Join(';', lines[0].Split(';')[..3]));
        Assert.Equal(27, lines[0].Split(';').Length);
        Assert.Equal(1 + (2 * (((16000 - 960) / 160) + 2)), lines.Length);
    }

    [Fact]
    public async Task Without_an_output_it_is_a_usage_error()
    {
        var r = await CliProcess.RunAsync("features", "egemaps", Tone("c", 200));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--csv", r.Stderr, StringComparison.Ordinal);
    }

    private string Tone(string name, double f0)
    {
        var samples = new float[16000];
        for (int n = 0; n < samples.Length; n++)
        {
            double t = n / 16000.0;
            samples[n] = (float)((0.3 * Math.Sin(2 * Math.PI * f0 * t)) + (0.1 * Math.Sin(4 * Math.PI * f0 * t)));
        }

        string path = Path.Combine(dir, name + ".wav");
        using var file = File.Create(path);
        WavWriter.WritePcm16(file, samples, 16000);
        return path;
    }
}
