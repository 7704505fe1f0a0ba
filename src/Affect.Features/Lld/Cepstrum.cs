namespace Affect.Features.Lld;

/// <summary>
/// HTK-compatible MFCC (openSMILE cMelspec htkcompatible = 1 + cMfcc): mel band powers scaled to 16-bit sample units
/// (× 32767²), floored at 1, c_i = √(2/M)·Σ_m ln(x_m)·cos(πi(m + ½)/M), liftered by 1 + (L/2)·sin(πi/L), L = 22.
/// </summary>
internal sealed class Cepstrum
{
    private const double HtkScale = 32767.0 * 32767.0;
    private readonly double[] cosTable;
    private readonly double[] lifter;
    private readonly int bands;
    private readonly int first;
    private readonly int count;

    /// <param name="bands">Number of mel bands M.</param>
    /// <param name="firstCoefficient">First coefficient index (1).</param>
    /// <param name="lastCoefficient">Last coefficient index (14).</param>
    /// <param name="cepLifter">Lifter parameter L (22).</param>
    public Cepstrum(int bands, int firstCoefficient, int lastCoefficient, double cepLifter)
    {
        this.bands = bands;
        first = firstCoefficient;
        count = lastCoefficient - firstCoefficient + 1;
        cosTable = new double[count * bands];
        lifter = new double[count];
        double factor = Math.Sqrt(2.0 / bands);
        for (int k = 0; k < count; k++)
        {
            int i = first + k;
            for (int m = 0; m < bands; m++)
            {
                cosTable[(k * bands) + m] = (float)Math.Cos(Math.PI * ((double)i / bands) * (m + 0.5));
            }

            lifter[k] = (float)(1.0 + (cepLifter / 2.0 * Math.Sin(Math.PI * i / cepLifter))) * factor;
        }
    }

    /// <summary>Number of coefficients written.</summary>
    public int Count => count;

    /// <summary>Computes the cepstrum of one frame of mel band powers (openSMILE [-1, 1] sample scaling).</summary>
    /// <param name="melPower">Mel band powers.</param>
    /// <param name="scratch">Work span of at least M values.</param>
    /// <param name="output">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<double> melPower, Span<double> scratch, Span<float> output)
    {
        for (int m = 0; m < bands; m++)
        {
            double x = (float)(melPower[m] * HtkScale);
            scratch[m] = x < 1.0 ? 0.0 : Math.Log(x);
        }

        for (int k = 0; k < count; k++)
        {
            double acc = 0.0;
            int row = k * bands;
            for (int m = 0; m < bands; m++)
            {
                acc += scratch[m] * cosTable[row + m];
            }

            output[k] = (float)(acc * lifter[k]);
        }
    }
}
