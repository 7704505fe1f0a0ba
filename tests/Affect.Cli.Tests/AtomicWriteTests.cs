using Affect.Audio;

namespace Affect.Cli.Tests;

/// <summary>
/// Two <c>affect features lld</c> processes writing the same CSV at once both succeed: each fills its own temporary
/// file, so the result is one writer's complete output, never a mix, and no temporary file is left behind.
/// </summary>
public sealed class AtomicWriteTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task Concurrent_writers_of_one_csv_both_succeed_and_leave_one_complete_output()
    {
        string a = Tone("a.wav", 220), b = Tone("b.wav", 330);
        string aloneA = Path.Combine(dir, "alone_a.csv"), aloneB = Path.Combine(dir, "alone_b.csv");
        Assert.Equal(0, (await CliProcess.RunAsync("features", "lld", a, "--csv", aloneA)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("features", "lld", b, "--csv", aloneB)).ExitCode);
        byte[] expectedA = File.ReadAllBytes(aloneA), expectedB = File.ReadAllBytes(aloneB);
        Assert.NotEqual(expectedA, expectedB);

        string shared = Path.Combine(dir, "o.csv");
        for (int round = 0; round < 3; round++)
        {
            var both = await Task.WhenAll(
                CliProcess.RunAsync("features", "lld", a, "--csv", shared),
                CliProcess.RunAsync("features", "lld", b, "--csv", shared));
            Assert.All(both, r => Assert.True(r.ExitCode == 0, r.Stderr));
            byte[] written = File.ReadAllBytes(shared);
            Assert.True(written.AsSpan().SequenceEqual(expectedA) || written.AsSpan().SequenceEqual(expectedB), "o.csv is neither writer's complete output");
            Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        }
    }

    private string Tone(string name, double f)
    {
        var samples = new float[16000];
        for (int n = 0; n < samples.Length; n++)
        {
            samples[n] = (float)(0.3 * Math.Sin(2 * Math.PI * f * n / 16000.0));
        }

        string path = Path.Combine(dir, name);
        using var file = File.Create(path);
        WavWriter.WritePcm16(file, samples, 16000);
        return path;
    }
}
