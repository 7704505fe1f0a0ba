namespace Affect.Audio.Dsp;

/// <summary>Analysis windows with openSMILE's cWindower definitions (symmetric, N−1 in the denominator).</summary>
public static class WindowFunction
{
    /// <summary>Hamming window w[i] = 0.54 − 0.46·cos(2πi/(N−1)).</summary>
    /// <param name="length">Window length N.</param>
    public static double[] Hamming(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        var w = new double[length];
        for (int i = 0; i < length; i++)
        {
            w[i] = 0.54 - (0.46 * Math.Cos(2.0 * Math.PI * i / (length - 1)));
        }

        return w;
    }

    /// <summary>Gaussian window w[i] = exp(−½·((i − (N−1)/2) / (σ(N−1)/2))²), σ clamped to [0.01, 0.5] as openSMILE does.</summary>
    /// <param name="length">Window length N.</param>
    /// <param name="sigma">Relative width σ (ComParE uses 0.4).</param>
    public static double[] Gaussian(int length, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        sigma = Math.Clamp(sigma, 0.01, 0.5);
        var w = new double[length];
        for (int i = 0; i < length; i++)
        {
            double t = (i - ((length - 1) / 2.0)) / (sigma * (length - 1) / 2.0);
            w[i] = Math.Exp(-0.5 * t * t);
        }

        return w;
    }
}
