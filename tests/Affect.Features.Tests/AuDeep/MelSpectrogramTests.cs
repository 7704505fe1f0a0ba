using Affect.Audio.Dsp;
using Affect.Features.AuDeep;

namespace Affect.Features.Tests.AuDeep;

public class MelSpectrogramTests
{
    private const int Rate = 16000;

    // 0.5·sin(1 kHz) + 0.1·sin(3.1 kHz + 0.3) + 0.02·cos(257 Hz), 7000 samples, padded to 0.5 s centred.
    private static float[] Mixture()
    {
        var x = new float[7000];
        for (int n = 0; n < x.Length; n++)
        {
            x[n] = (float)((0.5 * Math.Sin(2 * Math.PI * 1000 * n / Rate)) + (0.1 * Math.Sin((2 * Math.PI * 3100 * n / Rate) + 0.3)) + (0.02 * Math.Cos(2 * Math.PI * 257 * n / Rate)));
        }

        return x;
    }

    private static readonly MelSpectrogramOptions HalfSecond = new(FixedSeconds: 0.5, ClipBelowDb: [-45]);

    [Theory]
    [InlineData(1280)]
    [InlineData(12)]
    [InlineData(7)]
    [InlineData(1)]
    public void MixedRadixPowerMatchesTheDefinitionOfTheDft(int size)
    {
        var x = Enumerable.Range(0, size).Select(i => Math.Sin(i * 0.37) + (0.3 * Math.Cos(i * 1.91)) + (i % 3)).ToArray();
        var fft = new MixedRadixFft(size);
        var power = new double[fft.BinCount];
        fft.Power(x, power);
        for (int k = 0; k < fft.BinCount; k++)
        {
            double re = 0, im = 0;
            for (int n = 0; n < size; n++)
            {
                re += x[n] * Math.Cos(2 * Math.PI * k * n / size);
                im -= x[n] * Math.Sin(2 * Math.PI * k * n / size);
            }

            Assert.Equal((re * re) + (im * im), power[k], 1e-8 * Math.Max(1, size * size));
        }
    }

    // Reference: scipy.signal.spectrogram(hann(1280, sym=False), noverlap=640, mode="magnitude") → auDeep's Mel bank and
    // power_to_db, then clip at −45 dB and mean normalisation, computed with numpy/scipy (/tmp script in the commit message).
    [Theory]
    [InlineData(0, 0, -44.64109439896508, -0.9840486399540036)]
    [InlineData(0, 14, -36.74152690140606, -0.6329567511736027)]
    [InlineData(0, 41, -25.601419743513752, -0.13784087748950014)]
    [InlineData(0, 44, -4.191437813908839, 0.8137138749373849)]
    [InlineData(0, 45, -1.5107156374562338, 0.9328570827797229)]
    [InlineData(0, 47, -23.4926737073539, -0.044118831437951145)]
    [InlineData(0, 50, -30.659653955624183, -0.3626512869166304)]
    [InlineData(0, 87, -32.84957248544999, -0.4599809993533329)]
    [InlineData(5, 0, -68.31208723830818, -1.0)]
    [InlineData(5, 14, -44.99477570145757, -0.9997678089536698)]
    [InlineData(5, 41, -135.54028879075508, -1.0)]
    [InlineData(5, 44, -3.0102999754798256, 0.8662088899786744)]
    [InlineData(5, 45, -5.9358256311521695e-09, 0.9999999997361857)]
    [InlineData(5, 47, -142.49167871610987, -1.0)]
    [InlineData(5, 50, -144.65051319301233, -1.0)]
    [InlineData(5, 87, -167.76281755634514, -1.0)]
    [InlineData(10, 0, -49.696478491250986, -1.0)]
    [InlineData(10, 14, -42.2729298078614, -0.8787968803493956)]
    [InlineData(10, 41, -39.517082612702765, -0.7563147827867895)]
    [InlineData(10, 44, -3.025470850227502, 0.8655346288787777)]
    [InlineData(10, 45, -0.01976987275186486, 0.9991213389888061)]
    [InlineData(10, 47, -36.61261214764208, -0.6272272065618703)]
    [InlineData(10, 50, -43.924886279363676, -0.952217167971719)]
    [InlineData(10, 87, -46.7680244878966, -1.0)]
    public void MatchesScipyAndAuDeepFormulas(int frame, int band, double expectedDb, double expectedNormalised)
    {
        var db = MelSpectrogram.PowerDb(MelSpectrogram.FixLength(Mixture(), Rate, HalfSecond), Rate, HalfSecond);
        Assert.Equal(11, db.Frames);
        Assert.Equal(128, db.Bands);
        Assert.Equal(expectedDb, db.Values[(frame * 128) + band], 1e-3);
        var clipped = MelSpectrogram.Compute(Mixture(), Rate, HalfSecond)[0];
        Assert.Equal(expectedNormalised, clipped.Values[(frame * 128) + band], 1e-4);
    }

    [Fact]
    public void FiveSecondClipGives124FramesOf128BandsPerThreshold()
    {
        var options = new MelSpectrogramOptions();
        var spectrograms = MelSpectrogram.Compute(Mixture(), Rate, options);
        Assert.Equal(4, spectrograms.Count);
        Assert.All(spectrograms, s => Assert.Equal((124, 128, 124 * 128), (s.Frames, s.Bands, s.Values.Length)));
        Assert.Equal((1280, 640), MelSpectrogram.WindowSamples(options, Rate));
    }

    [Fact]
    public void ClippingRaisesEverythingBelowTheThresholdAndNormalisesToPlusMinusOne()
    {
        var db = MelSpectrogram.PowerDb(MelSpectrogram.FixLength(Mixture(), Rate, HalfSecond), Rate, HalfSecond);
        Assert.True(db.Values.Min() < -60);
        Assert.Equal(0f, db.Values.Max());
        foreach (var threshold in new[] { -30.0, -60.0 })
        {
            var clipped = MelSpectrogram.ClipAndNormalise(db, threshold);
            Assert.Equal(-1f, clipped.Values.Min(), 1e-6);
            Assert.Equal(1f, clipped.Values.Max(), 1e-6);

            // Every value at or below the threshold maps to −1; one above it does not.
            for (int i = 0; i < db.Values.Length; i++)
            {
                Assert.Equal(db.Values[i] <= threshold, clipped.Values[i] <= -1f + 1e-6f);
            }
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(1000)]
    [InlineData(4000)]
    public void SineEnergyLandsInTheMelBandAroundItsFrequency(double hz)
    {
        var x = new float[Rate];
        for (int n = 0; n < x.Length; n++)
        {
            x[n] = (float)Math.Sin(2 * Math.PI * hz * n / Rate);
        }

        var options = new MelSpectrogramOptions(FixedSeconds: 1.0);
        var db = MelSpectrogram.PowerDb(MelSpectrogram.FixLength(x, Rate, options), Rate, options);
        var bank = MelSpectrogram.FilterBank(Rate, 1280, 128);
        int frame = db.Frames / 2;
        int loudest = Enumerable.Range(0, 128).MaxBy(b => db.Values[(frame * 128) + b]);

        // The sine's FFT bin lies inside the loudest filter's triangle.
        int bin = (int)Math.Round(hz * 1280 / Rate);
        Assert.True(bank[loudest, bin] > 0, $"band {loudest} does not cover bin {bin}");
        Assert.Equal(0f, db.Values[(frame * 128) + loudest], 1e-3);
    }

    [Fact]
    public void FixLengthPadsAndCutsCentred()
    {
        var options = new MelSpectrogramOptions(FixedSeconds: 4.0 / Rate);
        Assert.Equal([0, 1, 2, 0], MelSpectrogram.FixLength([1f, 2f], Rate, options));
        Assert.Equal([2, 3, 4, 5], MelSpectrogram.FixLength([1f, 2f, 3f, 4f, 5f, 6f], Rate, options));
        Assert.Equal([1, 2, 0, 0], MelSpectrogram.FixLength([1f, 2f], Rate, options with { CenterFixed = false }));
    }

    [Fact]
    public void SilenceAndShortClipsAreRejected()
    {
        var options = new MelSpectrogramOptions(FixedSeconds: null);
        Assert.Throws<ArgumentException>(() => MelSpectrogram.PowerDb(new double[1000], Rate, options));
        Assert.Throws<ArgumentException>(() => MelSpectrogram.PowerDb(new double[4000], Rate, options));
    }
}
