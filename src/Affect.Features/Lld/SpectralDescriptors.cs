using System.Numerics;

namespace Affect.Features.Lld;

/// <summary>
/// openSMILE cSpectral descriptors of one FFT magnitude frame, as configured in ComParE 2016 (bins 1..N/2,
/// power spectrum P = |X|², frequency axis f_j = j·Δf): band energies, roll-off points, flux, centroid, entropy,
/// variance, skewness, kurtosis, slope, psychoacoustic sharpness and harmonicity. Order of <see cref="Compute"/>'s output
/// follows the ComParE column order (15 values).
/// </summary>
internal sealed class SpectralDescriptors
{
    /// <summary>Number of values written per frame.</summary>
    public const int Count = 15;

    private static readonly (int Low, int High)[] BandRanges = [(250, 650), (1000, 4000)];
    private static readonly double[] RollOffs = [0.25, 0.50, 0.75, 0.90];

    private readonly int binCount;
    private readonly double[] frequency;
    private readonly double[] sharpnessWeight;
    private readonly (int Left, double LeftWeight, int Right, double RightWeight)[] bands;
    private readonly double slopeSf;
    private readonly double slopeS2f;

    /// <param name="binCount">Number of magnitude bins (N/2 + 1).</param>
    /// <param name="binHz">Bin spacing Δf in Hz.</param>
    public SpectralDescriptors(int binCount, double binHz)
    {
        this.binCount = binCount;
        frequency = new double[binCount];
        for (int j = 0; j < binCount; j++)
        {
            frequency[j] = j * binHz;
        }

        bands = new (int, double, int, double)[BandRanges.Length];
        for (int b = 0; b < BandRanges.Length; b++)
        {
            bands[b] = BandBins(BandRanges[b].Low, BandRanges[b].High);
        }

        sharpnessWeight = new double[binCount];
        for (int j = 1; j < binCount; j++)
        {
            double z = Bark(frequency[j]);
            sharpnessWeight[j] = z * (z <= 16.0 ? 1.0 : Math.Pow((z - 16.0) / 4.0, 1.5849625) + 1.0);
        }

        for (int j = 1; j < binCount; j++)
        {
            slopeSf += frequency[j];
            slopeS2f += frequency[j] * frequency[j];
        }
    }

    /// <summary>Bark scale (Traunmüller 1990 with openSMILE's low/high corrections).</summary>
    /// <param name="hz">Frequency in Hz.</param>
    public static double Bark(double hz)
    {
        if (hz <= 0)
        {
            return 0.0;
        }

        double z = (26.81 / (1.0 + (1960.0 / hz))) - 0.53;
        return z < 2 ? (0.85 * z) + 0.3 : z > 20.1 ? (1.22 * z) - (0.22 * 20.1) : z;
    }

    // Rectangular band [low, high] Hz: first bin at or below low with weight (f_next − low)/Δf, last bin below high
    // (or at it) with weight (high − f_prev)/Δf, interior bins weight 1 (cSpectral with a frequency axis).
    private (int, double, int, double) BandBins(int low, int high)
    {
        int ii = 0;
        while (ii < binCount && frequency[ii] <= low)
        {
            ii++;
        }

        double wl = ii < binCount && ii > 0 ? (frequency[ii] - low) / (frequency[ii] - frequency[ii - 1]) : 1.0;
        int left = Math.Clamp(ii - 1, 0, binCount);
        ii = 0;
        while (ii < binCount && frequency[ii] < high)
        {
            ii++;
        }

        double wr = ii < binCount && ii > 0 ? (high - frequency[ii - 1]) / (frequency[ii] - frequency[ii - 1]) : 1.0;
        int right = ii < binCount && frequency[ii] == high ? ii : ii - 1;
        right = Math.Min(right, binCount - 1);
        if (wl == 0.0)
        {
            wl = 1.0;
        }

        if (wr == 0.0)
        {
            wr = 1.0;
        }

        return (left, wl, right, wr);
    }

    /// <summary>Computes the 15 descriptors of one frame.</summary>
    /// <param name="magnitude">|X[j]|, N/2 + 1 bins.</param>
    /// <param name="power">|X[j]|², N/2 + 1 bins.</param>
    /// <param name="previousMagnitude">Magnitudes of the previous frame, or empty for the first frame (flux 0).</param>
    /// <param name="output">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<double> magnitude, ReadOnlySpan<double> power, ReadOnlySpan<double> previousMagnitude, Span<float> output)
    {
        int lo = 1;
        int hi = binCount - 1;
        double nBins = hi - lo + 1;
        int n = 0;

        // One pass for the sums over all bins: each accumulator still adds its terms in bin order (same bits as one
        // loop per sum), but the independent chains overlap instead of running one after another.
        double frameSum = 0.0; // Σ P: the total, and the normaliser of the centroid, the moments, the slope and the entropy
        double sumA = 0.0;     // Σ f·P
        float sumAA = 0f;      // Σ (float)(sharpness weight · P), in float as cSpectral accumulates it
        double fluxSum = 0.0;  // Σ (|X| − |X_prev|)²
        bool flux = !previousMagnitude.IsEmpty;
        for (int j = lo; j <= hi; j++)
        {
            double p = power[j];
            frameSum += p;
            sumA += frequency[j] * p;
            sumAA += (float)(sharpnessWeight[j] * p);
            if (flux)
            {
                double d = magnitude[j] - previousMagnitude[j];
                fluxSum += d * d;
            }
        }

        // Band energies, normalised by the number of bins (normBandEnergies = 0).
        foreach (var (left, wl, right, wr) in bands)
        {
            double sum = power[left] * wl;
            for (int j = left + 1; j < right; j++)
            {
                sum += power[j];
            }

            sum += power[right] * wr;
            output[n++] = (float)(sum / nBins);
        }

        double centroid = frameSum != 0.0 ? (float)(sumA / frameSum) : 0.0;

        // Roll-off (lowest frequency at which the cumulative power reaches the given share of the total) and the central
        // moments about the centroid, in one pass. The cumulative sum never decreases and the shares increase, so the
        // points reached at bin j are always the next ones in order.
        Span<double> threshold = stackalloc double[RollOffs.Length];
        for (int i = 0; i < RollOffs.Length; i++)
        {
            threshold[i] = RollOffs[i] * frameSum;
        }

        Span<float> ro = stackalloc float[RollOffs.Length];
        ro.Clear();
        int nextRollOff = 0;
        double cumulative = 0.0;
        double m2 = 0.0, m3 = 0.0, m4 = 0.0;
        for (int j = lo; j <= hi; j++)
        {
            double p = power[j];
            cumulative += p;
            while (nextRollOff < RollOffs.Length && cumulative >= threshold[nextRollOff])
            {
                ro[nextRollOff++] = (float)frequency[j];
            }

            double t = frequency[j] - centroid;
            double m = t * t * p;
            m2 += m;
            m *= t;
            m3 += m;
            m4 += m * t;
        }

        for (int i = 0; i < RollOffs.Length; i++)
        {
            output[n++] = ro[i];
        }

        // Flux: root mean square difference of consecutive magnitude spectra (0 for the first frame).
        if (!flux)
        {
            output[n++] = 0f;
        }
        else
        {
            double meanSquare = fluxSum / nBins;
            output[n++] = meanSquare > 0.0 ? (float)Math.Sqrt(meanSquare) : 0f;
        }

        // Centroid (power-weighted mean frequency).
        output[n++] = (float)centroid;

        // Entropy of the power spectrum treated as a probability mass function (bits).
        output[n++] = (float)Entropy(power[lo..(hi + 1)], frameSum);

        double sigma2 = frameSum != 0.0 ? m2 / frameSum : 0.0;
        output[n++] = (float)sigma2;
        output[n++] = sigma2 <= 0.0 ? 0f : (float)(m3 / (frameSum * sigma2 * Math.Sqrt(sigma2)));
        output[n++] = sigma2 == 0.0 ? 0f : (float)(m4 / (frameSum * sigma2 * sigma2));

        // Slope: least-squares regression of power on frequency, scaled by (N−1) as openSMILE's oldSlopeScale does.
        double deno = (nBins * slopeS2f) - (slopeSf * slopeSf);
        double slope = deno != 0.0 ? ((nBins * sumA) - (slopeSf * frameSum)) / deno : 0.0;
        output[n++] = (float)(slope * (nBins - 1.0));

        // Psychoacoustic sharpness: 0.11 · Σ z·g(z)·P / Σ P (Zwicker's weighting, z in Bark); cSpectral accumulates the
        // float-rounded terms in a float sum.
        output[n++] = frameSum != 0.0 ? (float)(0.11 * (float)(sumAA / frameSum)) : 0f;

        // Harmonicity: mean absolute difference between consecutive local extrema (5-point test), per bin; in float as
        // cSpectral computes it.
        float ptp = 0f;
        float lastPeak = -99f;
        bool havePeak = false;
        for (int j = lo + 2; j < hi - 1; j++)
        {
            float v = (float)power[j];
            bool max = power[j - 2] < v && power[j - 1] < v && v > power[j + 1] && v > power[j + 2];
            bool min = power[j - 2] > v && power[j - 1] > v && v < power[j + 1] && v < power[j + 2];
            if (max || min)
            {
                if (havePeak)
                {
                    ptp += MathF.Abs(v - lastPeak);
                }

                lastPeak = v;
                havePeak = true;
            }
        }

        ptp /= 2f;
        output[n++] = ptp / (float)nBins;
    }

    /// <summary>Shannon entropy (bits) of non-negative values normalised to sum 1 (openSMILE smileStat_entropy).</summary>
    /// <param name="values">Non-negative values.</param>
    public static double Entropy(ReadOnlySpan<double> values)
    {
        double sum = 0.0;
        foreach (double v in values)
        {
            sum += v;
        }

        return Entropy(values, sum);
    }

    // Entropy with the values' sum (added in order) already known.
    private static double Entropy(ReadOnlySpan<double> values, double sum)
    {
        const double floor = 0.0000001;
        if (sum < (float)floor)
        {
            sum = (float)floor; // openSMILE floors the normaliser at the float value of 1e-7
        }

        double e = 0.0;
        double inverse = 1.0 / sum;
        int i = 0;
        int lanes = Vector<double>.Count;
        if (values.Length >= lanes)
        {
            var acc = Vector<double>.Zero;
            var vFloor = new Vector<double>(floor);
            var vInverse = new Vector<double>(inverse);
            for (; i <= values.Length - lanes; i += lanes)
            {
                var p = Vector.Max(new Vector<double>(values[i..]), vFloor) * vInverse;
                acc += p * Vector.Log(p);
            }

            e = Vector.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            double v = values[i] <= floor ? floor : values[i];
            double p = v * inverse;
            e += p * Math.Log(p);
        }

        return -e / Math.Log(2.0);
    }
}
