namespace Affect.Corpora.Synthetic;

/// <summary>Smooth random processes for the latent affect trajectories.</summary>
internal static class LatentProcess
{
    /// <summary>
    /// A unit-variance Ornstein–Uhlenbeck process sampled every <paramref name="dt"/> s (Euler–Maruyama:
    /// x[k+1] = x[k] − x[k]·dt/τ + sqrt(2·dt/τ)·N(0,1), x[0] ~ N(0,1)), then smoothed by a one-pole low-pass with time
    /// constant <paramref name="smoothing"/> s (forward and backward, so the filter adds no lag).
    /// </summary>
    public static double[] FilteredOrnsteinUhlenbeck(Xoshiro256StarStar rng, int count, double dt, double tau, double smoothing)
    {
        var x = new double[count];
        double value = rng.NextGaussian();
        double decay = dt / tau;
        double kick = Math.Sqrt(2.0 * dt / tau);
        for (int k = 0; k < count; k++)
        {
            x[k] = value;
            value += (-value * decay) + (kick * rng.NextGaussian());
        }

        if (smoothing > 0)
        {
            double p = Math.Exp(-dt / smoothing);
            OnePole(x, p);
            Array.Reverse(x);
            OnePole(x, p);
            Array.Reverse(x);
        }

        return x;
    }

    /// <summary>In-place one-pole low-pass y[k] = (1 − p)·x[k] + p·y[k−1], started at x[0].</summary>
    public static void OnePole(double[] x, double p)
    {
        if (x.Length == 0)
        {
            return;
        }

        double y = x[0];
        for (int k = 0; k < x.Length; k++)
        {
            y = ((1 - p) * x[k]) + (p * y);
            x[k] = y;
        }
    }

    /// <summary>Linear interpolation of a track sampled at <paramref name="rate"/> Hz at time <paramref name="t"/> s, held at both ends.</summary>
    public static double At(double[] track, double rate, double t)
    {
        double pos = t * rate;
        if (pos <= 0)
        {
            return track[0];
        }

        int i = (int)pos;
        if (i >= track.Length - 1)
        {
            return track[^1];
        }

        double frac = pos - i;
        return track[i] + ((track[i + 1] - track[i]) * frac);
    }
}
