namespace Affect.Audio.Tests;

public sealed class AudioSummaryTests
{
    private static void AssertFinite(AudioSummary s)
    {
        foreach (double v in new[] { s.DurationSeconds, s.RmsDbfs, s.PeakAbs, s.ClippedFraction, s.ActiveFraction, s.DcOffset })
        {
            Assert.True(double.IsFinite(v), s.ToString());
        }
    }

    [Fact]
    public void SilenceIsFiniteAtTheFloor()
    {
        AudioSummary s = AudioSummary.Compute(new float[16000], 16000);
        AssertFinite(s);
        Assert.Equal(new AudioSummary(1.0, AudioSummary.FloorDbfs, 0, 0, 0, 0), s);
    }

    [Fact]
    public void EmptyInputIsFinite()
    {
        AudioSummary s = AudioSummary.Compute([], 16000);
        AssertFinite(s);
        Assert.Equal(0, s.DurationSeconds);
        Assert.Equal(AudioSummary.FloorDbfs, s.RmsDbfs);
    }

    [Fact]
    public void FullScaleSineIsMinus3dBfs()
    {
        float[] x = TestWav.Sine(1000, 16000, 16000);
        AudioSummary s = AudioSummary.Compute(x, 16000);
        AssertFinite(s);
        Assert.InRange(s.RmsDbfs, -3.02, -3.00);
        Assert.InRange(s.PeakAbs, 0.999, 1.0);
        Assert.Equal(1.0, s.ActiveFraction);
        Assert.InRange(s.DcOffset, -1e-6, 1e-6);
        Assert.Equal(0.125, s.ClippedFraction); // 16 samples per period; only the two crests at ±90° reach 0.999
    }

    [Fact]
    public void HalfSineHalfSilenceIsHalfActive()
    {
        var x = new float[32000];
        TestWav.Sine(440, 16000, 16000, 0.1).CopyTo(x, 0);
        AudioSummary s = AudioSummary.Compute(x, 16000);
        AssertFinite(s);
        Assert.Equal(2.0, s.DurationSeconds);
        Assert.InRange(s.ActiveFraction, 0.49, 0.51);
        Assert.InRange(s.RmsDbfs, -23.02 - 3.02, -23.0 - 3.0); // 0.1 amplitude sine (−23.01 dB) over half the time (−3.01 dB)
        Assert.Equal(0, s.ClippedFraction);
    }

    [Fact]
    public void QuietFramesBelowMinus60dBfsAreInactive()
    {
        float[] x = TestWav.Sine(440, 16000, 16000, 0.0005); // about −69 dBFS
        Assert.Equal(0, AudioSummary.Compute(x, 16000).ActiveFraction);
    }

    [Fact]
    public void UniformNoiseHasTheExpectedLevel()
    {
        // SplitMix64-driven uniform noise in [-0.5, 0.5): variance 1/12 → −10.79 dBFS.
        var x = new float[48000];
        ulong state = 42;
        for (int i = 0; i < x.Length; i++)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            x[i] = (float)(((z >> 11) * (1.0 / (1UL << 53))) - 0.5);
        }

        AudioSummary s = AudioSummary.Compute(x, 48000);
        AssertFinite(s);
        Assert.InRange(s.RmsDbfs, -10.79 - 0.1, -10.79 + 0.1);
        Assert.InRange(s.PeakAbs, 0.49, 0.5);
        Assert.Equal(1.0, s.ActiveFraction);
        Assert.InRange(Math.Abs(s.DcOffset), 0, 0.01);
    }

    [Fact]
    public void DcAndClippingAreMeasured()
    {
        var x = new float[1000];
        Array.Fill(x, 0.25f);
        x[0] = 1f;
        x[1] = -1f;
        AudioSummary s = AudioSummary.Compute(x, 8000);
        Assert.Equal(0.002, s.ClippedFraction, 12);
        Assert.Equal(((998 * 0.25) + 1 - 1) / 1000, s.DcOffset, 6);
        Assert.Equal(1.0, s.PeakAbs);
    }

    [Fact]
    public void NonFiniteSamplesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => AudioSummary.Compute([0f, float.NaN], 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioSummary.Compute([0f], 0));
    }
}
