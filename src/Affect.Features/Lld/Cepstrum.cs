namespace Affect.Features.Lld;

/// <summary>
/// HTK-compatible MFCC (openSMILE cMelspec htkcompatible = 1 + cMfcc): mel band powers scaled to 16-bit sample units
/// (× 32767²), floored at 1, c_i = √(2/M)·Σ_m ln(x_m)·cos(πi(m + ½)/M), liftered by 1 + (L/2)·sin(πi/L), L = 22.
/// Evaluated in float32 in cMfcc's order (sequential DCT sum, then ·√(2/M), then ·lifter) so values round as openSMILE's.
/// </summary>
internal sealed class Cepstrum
{
    private const float HtkScale = (float)(32767.0 * 32767.0);
    private readonly float[] cosTable;
    private readonly float[] lifter;
    private readonly float factor;
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
        cosTable = new float[count * bands];
        lifter = new float[count];
        factor = (float)Math.Sqrt(2.0 / bands);
        float l = (float)cepLifter;
        for (int k = 0; k < count; k++)
        {
            int i = first + k;
            for (int m = 0; m < bands; m++)
            {
                cosTable[(k * bands) + m] = (float)Math.Cos(Math.PI * ((double)i / bands) * (m + 0.5));
            }

            lifter[k] = 1f + (l / 2f * (float)Math.Sin((float)Math.PI * i / l));
        }
    }

    /// <summary>Number of coefficients written.</summary>
    public int Count => count;

    /// <summary>Computes the cepstrum of one frame of mel band powers (openSMILE [-1, 1] sample scaling, float32 values).</summary>
    /// <param name="melPower">Mel band powers.</param>
    /// <param name="scratch">Work span of at least M values.</param>
    /// <param name="output">Destination, <see cref="Count"/> values.</param>
    public void Compute(ReadOnlySpan<float> melPower, Span<float> scratch, Span<float> output)
    {
        Span<float> x = scratch[..bands];
        for (int m = 0; m < bands; m++)
        {
            float v = melPower[m] * HtkScale;
            x[m] = v < 1f ? 0f : MathF.Log(v); // melfloor = 1 in HTK mode, ln 1 = 0
        }

        for (int k = 0; k < count; k++)
        {
            float acc = 0f;
            int row = k * bands;
            for (int m = 0; m < bands; m++)
            {
                acc += x[m] * cosTable[row + m];
            }

            output[k] = acc * (lifter[k] * factor);
        }
    }
}
