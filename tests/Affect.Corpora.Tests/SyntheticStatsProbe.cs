using Affect.Corpora.Synthetic;
using Xunit.Abstractions;

namespace Affect.Corpora.Tests;

public sealed class SyntheticStatsProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (var kind in Enum.GetValues<SyntheticCorpusKind>())
        {
            var t0 = sw.ElapsedMilliseconds;
            var files = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(kind, 7));
            output.WriteLine($"{kind} generated in {sw.ElapsedMilliseconds - t0} ms");
            foreach (var f in files.Where(f => f.RelativePath.EndsWith(".wav")).Take(3))
            {
                var s = Samples(f.Content);
                double peak = s.Max(Math.Abs);
                double rms = Math.Sqrt(s.Average(x => x * x));
                int clipped = s.Count(x => Math.Abs(x) > 0.999);
                output.WriteLine($"{kind} {f.RelativePath} peak={peak:0.000} rms={20 * Math.Log10(rms):0.0} dB clipped={clipped}");
            }
        }

        output.WriteLine($"elapsed {sw.ElapsedMilliseconds} ms");
    }

    internal static double[] Samples(byte[] wav)
    {
        var r = new double[(wav.Length - 44) / 2];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = BitConverter.ToInt16(wav, 44 + (2 * i)) / 32768.0;
        }

        return r;
    }
}
