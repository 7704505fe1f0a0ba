namespace Affect.Audio.Tests;

public sealed class ResamplerTests
{
    /// <summary>RMS of the output away from the edges, where the zero padding outside the input does not reach.</summary>
    private static double InteriorRms(float[] y, int margin)
    {
        double sum = 0;
        int count = 0;
        for (int i = margin; i < y.Length - margin; i++)
        {
            sum += (double)y[i] * y[i];
            count++;
        }

        return Math.Sqrt(sum / count);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(11025)]
    [InlineData(32000)]
    public void SineAt1kHzMatchesTheAnalyticSineAt16kHz(int fromRate)
    {
        int n = (fromRate / 2) + 7; // about half a second, not a whole number of output samples
        float[] x = TestWav.Sine(1000, fromRate, n, 0.9);

        float[] y = Resampler.Resample(x, fromRate, 16000);

        double exactLength = n * 16000.0 / fromRate;
        Assert.InRange(y.Length, Math.Round(exactLength) - 1, Math.Round(exactLength) + 1);
        Assert.Equal(Resampler.OutputLength(n, fromRate, 16000), y.Length);
        int margin = 200;
        double maxError = 0;
        for (int i = margin; i < y.Length - margin; i++)
        {
            double expected = 0.9 * Math.Sin(2 * Math.PI * 1000 * i / 16000.0);
            maxError = Math.Max(maxError, Math.Abs(y[i] - expected));
        }

        Assert.True(maxError < 1e-3, $"max error {maxError}");
    }

    [Fact]
    public void UpsamplingKeepsTonesBelowNyquistWithoutImages()
    {
        // 3.5 kHz at 8 kHz has an image at 4.5 kHz after upsampling to 16 kHz; matching the pure sine proves it is gone.
        float[] x = TestWav.Sine(3500, 8000, 4000, 0.5);
        float[] y = Resampler.Resample(x, 8000, 16000);
        Assert.Equal(8000, y.Length);
        for (int i = 300; i < y.Length - 300; i++)
        {
            Assert.True(Math.Abs(y[i] - (0.5 * Math.Sin(2 * Math.PI * 3500 * i / 16000.0))) < 1e-3, $"sample {i}");
        }
    }

    [Fact]
    public void TwelveKilohertzAt48kIsRemovedBelow16kNyquist()
    {
        float[] x = TestWav.Sine(12000, 48000, 24000);
        float[] y = Resampler.Resample(x, 48000, 16000);
        double attenuationDb = 20 * Math.Log10(InteriorRms(y, 300) / Math.Sqrt(0.5));
        Assert.True(attenuationDb <= -60, $"attenuation {attenuationDb} dB");
    }

    [Theory]
    [InlineData(8100, 48000)]
    [InlineData(9000, 48000)]
    [InlineData(15000, 44100)]
    [InlineData(20000, 44100)]
    [InlineData(8100, 44101)]
    [InlineData(20000, 44101)]
    [InlineData(8100, 767999)]
    [InlineData(100000, 767999)]
    public void StopbandAttenuationIsAtLeast80dB(double frequency, int fromRate)
    {
        float[] x = TestWav.Sine(frequency, fromRate, fromRate / 2);
        float[] y = Resampler.Resample(x, fromRate, 16000);
        double attenuationDb = 20 * Math.Log10(Math.Max(1e-12, InteriorRms(y, 300)) / Math.Sqrt(0.5));
        Assert.True(attenuationDb <= -Resampler.MinStopbandAttenuationDb, $"attenuation {attenuationDb} dB at {frequency} Hz");
    }

    [Fact]
    public void PassbandEdgeIsFlat()
    {
        // 7 kHz = 0.875 of the 8 kHz Nyquist, inside the 0.90 passband.
        float[] x = TestWav.Sine(7000, 48000, 24000);
        float[] y = Resampler.Resample(x, 48000, 16000);
        double gainDb = 20 * Math.Log10(InteriorRms(y, 300) / Math.Sqrt(0.5));
        Assert.InRange(gainDb, -0.01, 0.01);
    }

    [Fact]
    public void EqualRatesGiveAnIdenticalCopy()
    {
        float[] x = TestWav.Sine(440, 16000, 1000);
        float[] y = Resampler.Resample(x, 16000, 16000);
        Assert.NotSame(x, y);
        Assert.Equal(x, y);
    }

    [Fact]
    public void ResamplingIsDeterministicAndHandlesTinyInputs()
    {
        float[] x = TestWav.Sine(1234, 44100, 5000, 0.7);
        Assert.Equal(Resampler.Resample(x, 44100, 16000), Resampler.Resample(x, 44100, 16000));
        Assert.Empty(Resampler.Resample([], 44100, 16000));
        Assert.Equal(2, Resampler.Resample([0.5f], 8000, 16000).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(x, 0, 16000));
    }

    [Fact]
    public void OddRatePairsWork()
    {
        // 16001 → 16000 has L = 16000 phases of 115 taps: still an exact table.
        float[] x = TestWav.Sine(500, 16001, 16001, 0.5);
        float[] y = Resampler.Resample(x, 16001, 16000);
        Assert.Equal(16000, y.Length);
        for (int i = 200; i < y.Length - 200; i += 7)
        {
            Assert.True(Math.Abs(y[i] - (0.5 * Math.Sin(2 * Math.PI * 500 * i / 16000.0))) < 1e-3, $"sample {i}");
        }
    }

    [Theory]
    [InlineData(44101)]
    [InlineData(767999)]
    [InlineData(8001 * 7)]
    public void InterpolatedPhasesStillMatchTheAnalyticSine(int fromRate)
    {
        float[] x = TestWav.Sine(1000, fromRate, fromRate / 2, 0.5);
        float[] y = Resampler.Resample(x, fromRate, 16000, out var work);
        Assert.True(work.Interpolated || fromRate == 8001 * 7);
        double worst = 0;
        for (int i = 300; i < y.Length - 300; i++)
        {
            worst = Math.Max(worst, Math.Abs(y[i] - (0.5 * Math.Sin(2 * Math.PI * 1000 * i / 16000.0))));
        }

        Assert.True(worst < 1e-4, $"worst error {worst} at {fromRate} Hz");
    }

    [Fact]
    public void OddRatesCostABoundedNumberOfPhasesLikeTheirRoundNeighbours()
    {
        // Cost model from the resampler's own counters: kernel evaluations build the table (each a Bessel series and a
        // sine, far dearer than a multiply-add); multiply-adds are the dot products.
        ResamplerWork Work(int rate, int seconds)
        {
            Resampler.Resample(new float[rate * seconds], rate, 16000, out var w);
            return w;
        }

        var at48k = Work(48000, 1);
        foreach (var (odd, round) in new[] { (767999, 768000), (44101, 44100) })
        {
            var w1 = Work(odd, 1);
            var w3 = Work(odd, 3);
            var r1 = Work(round, 1);
            Assert.True(w1.Interpolated);
            Assert.InRange(w1.Phases, Resampler.MinInterpolatedPhases, Resampler.MaxInterpolatedPhases);

            // The table does not grow with the input: before, every output sample evaluated the kernel anew.
            Assert.Equal(w1.KernelEvaluations, w3.KernelEvaluations);
            Assert.Equal(3 * w1.MultiplyAdds, w3.MultiplyAdds, tolerance: 0.001 * w3.MultiplyAdds);

            // At most twice the dot products of the round neighbour (two phases blended), and a table that stays small
            // next to the work per second of input.
            Assert.True(w1.MultiplyAdds <= 2 * r1.MultiplyAdds, $"{odd}: {w1.MultiplyAdds} vs {r1.MultiplyAdds}");
            Assert.True(w1.KernelEvaluations <= r1.MultiplyAdds / 4, $"{odd}: {w1.KernelEvaluations} evaluations");

            // Proportional to the 48 kHz case: the kernel is longer in proportion to the input rate, nothing more.
            double inputRatio = odd / 48000.0;
            Assert.True(w1.MultiplyAdds + w1.KernelEvaluations <= 4 * inputRatio * (at48k.MultiplyAdds + at48k.KernelEvaluations), $"{odd}: {w1}");
        }
    }

    [Fact]
    public void LoadMonoReadsDownmixesAndResamples()
    {
        // Stereo 24-bit at 44.1 kHz: left = 0.6·sin(1 kHz), right = 0.2·sin(1 kHz) → mono 0.4·sin(1 kHz) at 16 kHz.
        int n = 22050;
        var values = new long[2 * n];
        for (int i = 0; i < n; i++)
        {
            double s = Math.Sin(2 * Math.PI * 1000 * i / 44100.0);
            values[2 * i] = (long)Math.Round(0.6 * s * 8388607);
            values[(2 * i) + 1] = (long)Math.Round(0.2 * s * 8388607);
        }

        byte[] bytes = new TestWav { Channels = 2, Bits = 24, SampleRate = 44100, Data = TestWav.Int(24, values) }.ToBytes();
        AudioClip clip = AudioLoader.LoadMono(new MemoryStream(bytes), "stereo.wav");

        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(2, clip.SourceChannels);
        Assert.Equal(24, clip.SourceBitsPerSample);
        Assert.Equal("stereo.wav", clip.SourceName);
        Assert.Equal(8000, clip.Samples.Length);
        Assert.Equal(0.5, clip.DurationSeconds, 9);
        for (int i = 200; i < clip.Samples.Length - 200; i++)
        {
            Assert.True(Math.Abs(clip.Samples[i] - (0.4 * Math.Sin(2 * Math.PI * 1000 * i / 16000.0))) < 1e-3, $"sample {i}");
        }
    }

    [Fact]
    public void LoadMonoKeepsClipsAlreadyAtTheTargetRateAndClipsOvershoot()
    {
        byte[] same = WavWriter.ToPcm16Bytes([0.5f, 0.25f], 16000);
        Assert.Equal([16384f / 32768f, 8192f / 32768f], AudioLoader.LoadMono(new MemoryStream(same), "s.wav").Samples);

        // A full-scale square wave overshoots (Gibbs) when band-limited; the loader keeps samples in [-1, 1].
        var square = new float[4800];
        for (int i = 0; i < square.Length; i++)
        {
            square[i] = (i / 24) % 2 == 0 ? 1f : -1f;
        }

        byte[] bytes = new TestWav { FormatTag = 3, Bits = 32, SampleRate = 48000, Data = TestWav.Float32(square) }.ToBytes();
        float[] y = AudioLoader.LoadMono(new MemoryStream(bytes), "sq.wav").Samples;
        Assert.Equal(1600, y.Length);
        Assert.All(y, v => Assert.InRange(v, -1f, 1f));
        Assert.Contains(y, v => v == 1f);
    }
}
