namespace Affect.Features.Lld;

/// <summary>
/// openSMILE cMelspec triangular filter bank (bwMethod = lr): <c>nBands</c> filters equidistant on the Mel scale
/// m(f) = 1127·ln(1 + f/700) between <c>lofreq</c> and <c>hifreq</c>; each FFT bin strictly between the cut-off bins
/// is split between its left filter (falling slope) and right filter (rising slope), weights summing to 1.
/// </summary>
internal sealed class MelFilterBank
{
    private readonly int[] leftBand;      // band on the falling slope of bin n, −1 none, −3 outside the bank
    private readonly float[] fallWeight;  // weight of bin n in leftBand (the rest goes to leftBand + 1)
    private readonly int firstBin;
    private readonly int endBin;

    /// <param name="binCount">Number of FFT magnitude bins (N/2 + 1).</param>
    /// <param name="binHz">Bin spacing in Hz (1 / FFT frame length in seconds).</param>
    /// <param name="bands">Number of filters.</param>
    /// <param name="lowHz">Lower cut-off in Hz.</param>
    /// <param name="highHz">Upper cut-off in Hz.</param>
    public MelFilterBank(int binCount, float binHz, int bands, float lowHz, float highHz)
    {
        Bands = bands;
        float lo = (float)Mel(lowHz);
        float hi = (float)Mel(highHz);
        float bandwidth = (hi - lo) / (bands + 1f);
        var centres = new float[bands + 2];
        for (int m = 0; m < centres.Length; m++)
        {
            centres[m] = lo + (m * bandwidth);
        }

        CentreHz = new double[bands];
        for (int m = 1; m <= bands; m++)
        {
            CentreHz[m - 1] = 700.0 * (Math.Exp(centres[m] / 1127.0) - 1.0);
        }

        firstBin = Math.Clamp((int)Math.Round(lowHz / binHz), 0, binCount);
        endBin = Math.Clamp((int)Math.Round(highHz / binHz), 0, binCount);
        leftBand = new int[binCount];
        fallWeight = new float[binCount];
        int c = 0;
        for (int n = 0; n < binCount; n++)
        {
            if (n <= firstBin || n >= endBin)
            {
                leftBand[n] = -3;
                continue;
            }

            float mel = (float)Mel(n * binHz);
            while (centres[c] < mel && c <= bands)
            {
                c++;
            }

            leftBand[n] = c - 2;
        }

        c = 0;
        for (int n = firstBin; n < endBin; n++)
        {
            float mel = (float)Mel(n * binHz);
            while (mel > centres[c + 1] && c <= bands)
            {
                c++;
            }

            fallWeight[n] = (centres[c + 1] - mel) / (centres[c + 1] - centres[c]);
        }
    }

    /// <summary>Number of filters.</summary>
    public int Bands { get; }

    /// <summary>Centre frequency of each filter in Hz (the frequency axis openSMILE attaches to the band level).</summary>
    public double[] CentreHz { get; }

    /// <summary>Mel scale m(f) = 1127·ln(1 + f/700) (0 for f ≤ 0).</summary>
    /// <param name="hz">Frequency in Hz.</param>
    public static double Mel(double hz) => hz > 0 ? 1127.0 * Math.Log(1.0 + (hz / 700.0)) : 0.0;

    /// <summary>
    /// Band energies of a power spectrum, out[b] = Σ_n w_b(n)·P[n], accumulated in float32 in bin order as cMelspec does
    /// (each bin's share a = (float)(P[n]·w) goes to its left band, P[n] − a to its right band).
    /// </summary>
    /// <param name="power">Power spectrum P[n] (|X|² as float32, N/2 + 1 bins).</param>
    /// <param name="bands">Destination, <see cref="Bands"/> values.</param>
    public void Apply(ReadOnlySpan<float> power, Span<float> bands)
    {
        bands[..Bands].Clear();
        for (int n = firstBin; n < endBin; n++)
        {
            int m = leftBand[n];
            if (m <= -2)
            {
                continue;
            }

            float p = power[n];
            float a = p * fallWeight[n];
            if (m > -1)
            {
                bands[m] += a;
            }

            if (m < Bands - 1)
            {
                bands[m + 1] += p - a;
            }
        }
    }
}
