namespace Affect.Features.Lld;

/// <summary>
/// openSMILE cPlp auditory spectrum (doAud = 1, no IDFT/LP): Hermansky's (1990) equal-loudness weighting
/// E(ω) = 10³²·(ω² + 56.8·10⁶)·ω⁴ / ((ω² + 6.3·10⁶)²·(ω² + 0.38·10⁹)·(ω⁷ + 1.7·10³¹)) of each critical band and the
/// power law of hearing y = (E·x)^0.33; optionally RASTA-filtered in the log domain (newRASTA: band-pass 1–29 Hz).
/// </summary>
internal sealed class AuditorySpectrum
{
    /// <summary>cPlp's default mel floor for openSMILE-scaled ([-1, 1]) audio.</summary>
    public const double MelFloor = 0.00000000093;

    /// <summary>Loudness compression exponent (Stevens' power law, cPlp <c>compression</c>).</summary>
    public const double Compression = 0.33;

    // cPlp holds melfloor, compression and the equal-loudness curve as FLOAT_DMEM (float32).
    private const float MelFloorF = (float)MelFloor;
    private const float CompressionF = (float)Compression;

    private readonly float[] loudness;
    private readonly float[] logLoudness;
    private readonly float logMelFloor = MathF.Log(MelFloorF);

    /// <param name="centreHz">Centre frequency of each band in Hz.</param>
    public AuditorySpectrum(IReadOnlyList<double> centreHz)
    {
        loudness = new float[centreHz.Count];
        logLoudness = new float[centreHz.Count];
        for (int i = 0; i < loudness.Length; i++)
        {
            loudness[i] = (float)EqualLoudness(centreHz[i]);
            logLoudness[i] = MathF.Log(loudness[i]);
        }
    }

    /// <summary>Hermansky's equal-loudness curve at <paramref name="hz"/>, scaled so its maximum is about 1.</summary>
    /// <param name="hz">Frequency in Hz.</param>
    public static double EqualLoudness(double hz)
    {
        double w = 2.0 * Math.PI * hz;
        double w2 = w * w;
        double c = w2 + 6300000.0;
        return c > 0.0 ? 1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * ((w2 * w2 * w2 * w) + 1.7e31)) : 0.0;
    }

    /// <summary>
    /// Plain auditory spectrum in cPlp's float32 order: y[b] = (float)pow((double)(max(x[b], floor)·E_b), (double)0.33f).
    /// </summary>
    /// <param name="bands">Critical-band powers (float32 values).</param>
    /// <param name="output">Destination.</param>
    public void Plain(ReadOnlySpan<float> bands, Span<float> output)
    {
        for (int i = 0; i < loudness.Length; i++)
        {
            float x = bands[i] < MelFloorF ? MelFloorF : bands[i];
            x *= loudness[i];
            output[i] = (float)Math.Pow(x, (double)CompressionF);
        }
    }

    /// <summary>
    /// RASTA auditory spectrum in cPlp's float32 order: y[b] = expf((R(logf max(x[b], floor)) + ln E_b)·0.33f) with R the
    /// stateful RASTA filter (single-precision <c>logf</c>/<c>expf</c>, as openSMILE calls them on float data).
    /// </summary>
    /// <param name="bands">Critical-band powers of the current frame (float32 values).</param>
    /// <param name="filter">The RASTA filter state (one per stream, advanced by this call).</param>
    /// <param name="output">Destination, at least as many values as bands.</param>
    public void Rasta(ReadOnlySpan<float> bands, RastaFilter filter, Span<float> output)
    {
        Span<float> x = output[..loudness.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = bands[i] < MelFloorF ? logMelFloor : MathF.Log(bands[i]);
        }

        filter.Process(x);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += logLoudness[i];
            x[i] *= CompressionF;
            x[i] = MathF.Exp(x[i]);
        }
    }
}

/// <summary>
/// openSMILE's "newRASTA" band-pass (Hermansky &amp; Morgan 1994) on log band energies, as a transposed direct-form
/// filter per band: FIR b = [2, −4·cos ω_u, 0, 4·cos ω_u, −2]/√(10·(32·cos²ω_u + 8)), ω_u = 2π·29 Hz·T, and one pole
/// a = 1 − sin(2π·1 Hz·T) at frame period T; the first five frames output 0 and the pole is enabled from the fifth on.
/// </summary>
internal sealed class RastaFilter
{
    private readonly float[] state;
    private readonly int bands;
    private readonly float b0, b1, b2, b3, b4, pole;
    private int initialised;

    /// <param name="bands">Number of bands filtered in parallel.</param>
    /// <param name="framePeriodSeconds">Frame period T (0.01 s).</param>
    public RastaFilter(int bands, double framePeriodSeconds)
    {
        this.bands = bands;
        state = new float[bands * 4];
        pole = (float)(1.0 - Math.Sin(2.0 * Math.PI * 1.0 * framePeriodSeconds));
        float om = (float)Math.Cos(2.0 * Math.PI * 29.0 * framePeriodSeconds);
        float norm = (float)Math.Sqrt(10.0 * ((32.0 * om * om) + 8.0));
        b0 = (float)(2.0 / norm);
        b1 = (float)(-4.0 * om / norm);
        b2 = 0f;
        b3 = -b1;
        b4 = -b0;
    }

    /// <summary>
    /// Filters one frame of log band energies in place, in float32 with cPlp's operation order (the pole term added last).
    /// </summary>
    /// <param name="x">Log energies of the current frame; replaced by the filter output.</param>
    public void Process(Span<float> x)
    {
        float feedback = initialised >= 5 ? pole : 0f;
        for (int i = 0; i < bands; i++)
        {
            int s = i * 4;
            float v = x[i];
            float y = (b0 * v) + state[s];
            state[s] = ((b1 * v) + state[s + 1]) + (feedback * y);
            state[s + 1] = (b2 * v) + state[s + 2];
            state[s + 2] = (b3 * v) + state[s + 3];
            state[s + 3] = b4 * v;
            x[i] = initialised >= 5 ? y : 0f;
        }

        if (initialised < 5)
        {
            initialised++;
        }
    }
}
