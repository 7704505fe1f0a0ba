using Affect.Corpora.Synthetic;
using Xunit.Abstractions;

namespace Affect.Corpora.Tests;

public sealed class SegmentProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        foreach (double f0 in new[] { 110.0, 210 })
        {
            foreach (double a in new[] { -1.0, -0.5, 0, 0.5, 1 })
            {
                foreach (double v in new[] { -1.0, 1 })
                {
                    var voice = new SyntheticVoice(f0, f0 > 150 ? 1.15 : 1.0, 0, 1, 0.02);
                    var ar = Enumerable.Repeat(a, 2001).ToArray();
                    var va = Enumerable.Repeat(v, 2001).ToArray();
                    var s = SpeechRenderer.Render(voice, ar, va, 20, new Xoshiro256StarStar(1));
                    double e = s.Average(x => (double)x * x);
                    double peak = s.Max(x => Math.Abs(x));
                    output.WriteLine($"f0={f0} a={a} v={v}: rms {10 * Math.Log10(e):0.0} dB peak {peak:0.000}");
                }
            }
        }
    }
}
