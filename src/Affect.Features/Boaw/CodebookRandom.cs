namespace Affect.Features.Boaw;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): state += 0x9E3779B97F4A7C15, then the output is the state
/// passed through two xor-shift-multiply rounds. Used for every random choice of codebook learning so that the same
/// seed gives the same codebook on any machine and runtime (System.Random's algorithm is not specified).
/// </summary>
public sealed class CodebookRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong state;

    /// <summary>Starts the sequence of <paramref name="seed"/>.</summary>
    /// <param name="seed">Any 64-bit value; equal seeds give equal sequences.</param>
    public CodebookRandom(ulong seed) => state = seed;

    /// <summary>An independent generator for sub-stream <paramref name="stream"/> of <paramref name="seed"/> (e.g. one per codebook).</summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="stream">Index of the sub-stream.</param>
    public static CodebookRandom ForStream(ulong seed, int stream) => new(Mix(seed ^ Mix((ulong)(stream + 1) * Gamma)));

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        state += Gamma;
        return Mix(state);
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits times 2⁻⁵³.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (rejection of the top remainder).</summary>
    /// <param name="bound">Exclusive upper bound, at least 1.</param>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong n = (ulong)bound;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % n);
        ulong x;
        do
        {
            x = NextUInt64();
        }
        while (x >= limit);
        return (int)(x % n);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
