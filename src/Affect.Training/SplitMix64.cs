namespace Affect.Training;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): state += 0x9E3779B97F4A7C15; z = state;
/// z = (z ^ (z ≫ 30)) · 0xBF58476D1CE4E5B9; z = (z ^ (z ≫ 27)) · 0x94D049BB133111EB; return z ^ (z ≫ 31).
/// A tiny seeded generator for the batch order (same seed ⇒ same order on every platform).
/// </summary>
/// <param name="seed">Initial state.</param>
public sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>) by rejection (no modulo bias).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var limit = ulong.MaxValue - (ulong.MaxValue % (ulong)n);
        ulong value;
        do
        {
            value = Next();
        }
        while (value >= limit);
        return (int)(value % (ulong)n);
    }
}
