namespace Affect.Corpora.Synthetic;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna, 2018): a 256-bit-state generator with 64-bit output,
/// out = rotl(s1·5, 7)·9, then the xorshift state update; seeded by four SplitMix64 outputs as its authors recommend.
/// Used instead of System.Random so that the same seed gives the same numbers on every .NET version.
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the state with four consecutive SplitMix64 outputs of <paramref name="seed"/> (never all zero).</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>
    /// SplitMix64 (Steele, Lea &amp; Flood, 2014): state += 0x9E3779B97F4A7C15, then the output is the state passed
    /// through two xor-shift-multiply rounds (constants 0xBF58476D1CE4E5B9, 0x94D049BB133111EB).
    /// </summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += Golden;
        return Finalize(state);
    }

    /// <summary>
    /// Derives an independent stream seed from <paramref name="seed"/> and a path of indices (corpus kind, speaker,
    /// recording, purpose), so each part of a corpus has its own stream and changing one size leaves the others alone.
    /// </summary>
    public static ulong DeriveSeed(ulong seed, params ReadOnlySpan<ulong> path)
    {
        ulong h = Finalize(seed + Golden);
        for (int i = 0; i < path.Length; i++)
        {
            h = Finalize(h ^ Finalize(path[i] + (Golden * (ulong)(i + 2))));
        }

        return h;
    }

    /// <summary>A generator for the stream <see cref="DeriveSeed"/> names.</summary>
    public static Xoshiro256StarStar ForStream(ulong seed, params ReadOnlySpan<ulong> path) => new(DeriveSeed(seed, path));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits: (x &gt;&gt; 11) · 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Uniform integer in [0, <paramref name="n"/>) by Lemire's multiply-shift with rejection (no modulo bias).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            UInt128 m = (UInt128)NextUInt64() * bound;
            if ((ulong)m >= threshold)
            {
                return (int)(ulong)(m >> 64);
            }
        }
    }

    /// <summary>Standard normal by the Box–Muller transform: sqrt(-2 ln u1) · cos(2π u2), u1 in (0, 1].</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
