namespace Affect.Features.EGeMaps;

/// <summary>
/// openSMILE cSpectral as eGeMAPS configures it on the 20 ms Hamming |FFT| (squareInput = 1, useLogSpectrum = 1,
/// normBandEnergies = 1, freqRange 0–5000 Hz): alpha ratio 10·log10(Σ_{1–5 kHz} P / Σ_{&lt;1 kHz} P), Hammarberg index
/// 10·log10(max_{&lt;2 kHz} P / max_{2–5 kHz} P), least-squares slopes of the dB spectrum 10·log10 P over 0–500 Hz and
/// 500–1500 Hz, and the spectral flux √(mean_k (|X_t[k]| − |X_{t−1}[k]|)²) over the bins of 0–5 kHz.
/// </summary>
public sealed class LogSpectralDescriptors
{
    /// <summary>Values per frame: alphaRatio, hammarbergIndex, slope0-500, slope500-1500, spectralFlux.</summary>
    public const int Count = 5;

    private const float SpecFloor = 1e-14f; // specFloor² with the default specFloor 1e-7
    private readonly float logSpecFloor = (float)(10.0 * Math.Log(SpecFloor) / Math.Log(10.0));
    private readonly float logFactor = (float)(10.0 / Math.Log(10.0));
    private readonly double binHz;
    private readonly int binCount;
    private readonly int fluxBins;
    private readonly float[] previous;
    private readonly float[] power;
    private readonly float[] logPower;
    private bool hasPrevious;

    /// <param name="binCount">Number of magnitude bins (N/2 + 1).</param>
    /// <param name="binHz">Bin spacing in Hz.</param>
    public LogSpectralDescriptors(int binCount, double binHz)
    {
        this.binCount = binCount;
        this.binHz = binHz;

        // freqRange 0-5000: the last bin whose frequency is below 5000 Hz closes the range.
        int upper = 0;
        for (int i = 0; i < binCount; i++)
        {
            if (5000.0 > i * binHz)
            {
                upper = i;
            }
        }

        fluxBins = upper + 1;
        previous = new float[fluxBins];
        power = new float[binCount];
        logPower = new float[binCount];
    }

    /// <summary>Computes the five values of the next frame (frames must come in order: the flux needs the previous one).</summary>
    /// <param name="magnitude">|X[k]| in float32, N/2 + 1 bins.</param>
    /// <param name="output">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<float> magnitude, Span<float> output)
    {
        for (int k = 0; k < binCount; k++)
        {
            float p = magnitude[k] * magnitude[k];
            power[k] = p;
            logPower[k] = p <= SpecFloor ? logSpecFloor : logFactor * MathF.Log(p);
        }

        float sum01 = 0f, sum15 = 0f, max02 = 0f, max25 = 0f;
        for (int k = 0; k < binCount; k++)
        {
            double f = k * binHz;
            if (f > 5000.0)
            {
                break;
            }

            if (f < 1000.0)
            {
                sum01 += power[k];
            }
            else
            {
                sum15 += power[k];
            }

            if (f < 2000.0)
            {
                max02 = Math.Max(max02, power[k]);
            }
            else
            {
                max25 = Math.Max(max25, power[k]);
            }
        }

        output[0] = sum01 > 0f
            ? (float)(sum15 > SpecFloor ? 10.0 * Math.Log(sum15 / sum01) / Math.Log(10.0) : 10.0 * (Math.Log(SpecFloor) - Math.Log(sum01)) / Math.Log(10.0))
            : 0f;
        output[1] = max25 > 0f
            ? (float)(max02 > SpecFloor ? 10.0 * Math.Log(max02 / max25) / Math.Log(10.0) : 10.0 * (Math.Log(SpecFloor) - Math.Log(max25)) / Math.Log(10.0))
            : 0f;
        output[2] = Slope(0, 500);
        output[3] = Slope(500, 1500);

        if (!hasPrevious)
        {
            output[4] = 0f;
            hasPrevious = true;
        }
        else
        {
            double acc = 0.0;
            for (int k = 0; k < fluxBins; k++)
            {
                double d = (double)magnitude[k] - previous[k];
                acc += d * d;
            }

            double flux = acc / fluxBins;
            output[4] = flux > 0.0 ? (float)Math.Sqrt(flux) : 0f;
        }

        magnitude[..fluxBins].CopyTo(previous);
    }

    // cSpectral's band slope with a frequency axis: the first bin at or below low (weight (f_next − low)/Δf) to the bin at
    // high (or the last below it, weight (high − f_prev)/Δf); least squares of the dB spectrum over frequency in Hz.
    private float Slope(int low, int high)
    {
        int ii = 0;
        while (ii < binCount && ii * binHz <= low)
        {
            ii++;
        }

        double wl = ii < binCount && ii > 0 ? ((ii * binHz) - low) / binHz : 1.0;
        int iL = Math.Clamp(ii - 1, 0, binCount);
        ii = 0;
        while (ii < binCount && (float)(ii * binHz) < (float)high)
        {
            ii++;
        }

        double wr = ii < binCount && ii > 0 ? (high - ((ii - 1) * binHz)) / binHz : 1.0;
        int iR = ii < binCount && (float)(ii * binHz) == (float)high ? ii : ii - 1;
        iR = Math.Min(iR, binCount - 1);
        if (wl == 0.0)
        {
            wl = 1.0;
        }

        if (wr == 0.0)
        {
            wr = 1.0;
        }

        double nInd = iR - iL;
        double fl = iL * binHz, fr = iR * binHz;
        double sf = fl * wl;
        double s2f = sf * sf;
        double sumA = fl * wl * logPower[iL];
        double sumB = wl * logPower[iL];
        for (int i = iL + 1; i < iR; i++)
        {
            double f = i * binHz;
            s2f += f * f;
            sf += f;
            sumA += f * logPower[i];
            sumB += logPower[i];
        }

        s2f += fr * wr * fr * wr;
        sf += fr * wr;
        sumA += fr * wr * logPower[iR];
        sumB += wr * logPower[iR];
        double den = (nInd * s2f) - (sf * sf);
        return den != 0.0 ? (float)(((nInd * sumA) - (sf * sumB)) / den) : 0f;
    }
}
