using Affect.Audio.Dsp;

namespace Affect.Features.Tests.Lld;

public class RealFftTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(512)]
    public void Forward_matches_a_direct_DFT(int n)
    {
        ulong state = 12345;
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            state = (state * 6364136223846793005UL) + 1442695040888963407UL;
            x[i] = ((state >> 11) / (double)(1UL << 53)) - 0.5;
        }

        var fft = new RealFft(n);
        var re = new double[fft.BinCount];
        var im = new double[fft.BinCount];
        fft.Forward(x, re, im);
        for (int k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++)
            {
                sr += x[t] * Math.Cos(2 * Math.PI * k * t / n);
                si -= x[t] * Math.Sin(2 * Math.PI * k * t / n);
            }

            Assert.True(Math.Abs(sr - re[k]) < 1e-9, $"bin {k} real {re[k]} vs {sr}");
            Assert.True(Math.Abs(si - im[k]) < 1e-9, $"bin {k} imag {im[k]} vs {si}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(320)]
    public void Rejects_sizes_that_are_not_powers_of_two_from_4(int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(n));

    [Fact]
    public void Next_power_of_two_pads_a_20_ms_frame_to_512() => Assert.Equal(512, RealFft.NextPowerOfTwo(320));
}
