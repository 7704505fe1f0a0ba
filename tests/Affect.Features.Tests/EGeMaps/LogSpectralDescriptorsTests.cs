using Affect.Features.EGeMaps;

namespace Affect.Features.Tests.EGeMaps;

/// <summary>cSpectral's eGeMAPS descriptors on spectra whose values are known in closed form.</summary>
public sealed class LogSpectralDescriptorsTests
{
    private const int Bins = 257;
    private const double BinHz = 31.25;

    [Fact]
    public void Flat_0_dB_spectrum_has_zero_slopes_and_band_count_ratios()
    {
        // 0 dB everywhere: the slopes are 0 even with cSpectral's point count quirk (it divides by idxR − idxL, one less than
        // the number of bins summed), which makes the slope of any other constant level non-zero.
        var d = new LogSpectralDescriptors(Bins, BinHz);
        var mag = Enumerable.Repeat(1f, Bins).ToArray();
        var o = new float[LogSpectralDescriptors.Count];
        d.Compute(mag, o);

        // Bins 0..31 lie below 1 kHz, bins 32..160 in 1–5 kHz: alpha ratio 10·log10(129/32).
        Assert.Equal(10 * Math.Log10(129.0 / 32.0), o[0], 4);
        Assert.Equal(0.0, o[1], 5); // equal maxima below and above 2 kHz
        Assert.Equal(0.0, o[2], 6);
        Assert.Equal(0.0, o[3], 6);
        Assert.Equal(0f, o[4]); // first frame: no flux

        var louder = Enumerable.Repeat(1.5f, Bins).ToArray();
        d.Compute(louder, o);
        Assert.Equal(0.5, o[4], 5); // √(mean (1.5 − 1)²) over the 0–5 kHz bins
        Assert.NotEqual(0f, o[2]); // a constant +3.5 dB level has a non-zero openSMILE slope
    }

    [Fact]
    public void Spectrum_falling_6_dB_per_kHz_has_that_slope_in_dB_per_Hz()
    {
        var d = new LogSpectralDescriptors(Bins, BinHz);
        var mag = new float[Bins];
        for (int k = 0; k < Bins; k++)
        {
            mag[k] = (float)Math.Pow(10, -6.0 * (k * BinHz / 1000.0) / 20.0);
        }

        var o = new float[LogSpectralDescriptors.Count];
        d.Compute(mag, o);
        Assert.Equal(-0.006, o[2], 5);
        Assert.Equal(-0.006, o[3], 5);
        Assert.True(o[1] > 0f); // more energy below 2 kHz: positive Hammarberg index
        Assert.True(o[0] < 0f); // and a negative alpha ratio
    }
}
