using Affect.Corpora.Synthetic;

namespace Affect.Corpora.Tests;

public sealed class RandomTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_sequence_for_seed_zero()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x06C45D188009454FUL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void Streams_are_reproducible_and_distinct()
    {
        var a = new Xoshiro256StarStar(42);
        var b = new Xoshiro256StarStar(42);
        var c = Xoshiro256StarStar.ForStream(42, 1);
        var first = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 8).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 8).Select(_ => c.NextUInt64()));
        Assert.NotEqual(Xoshiro256StarStar.DeriveSeed(1, 2, 3), Xoshiro256StarStar.DeriveSeed(1, 3, 2));
    }

    [Fact]
    public void Gaussian_and_uniform_moments_are_right()
    {
        var rng = new Xoshiro256StarStar(7);
        var g = Enumerable.Range(0, 100_000).Select(_ => rng.NextGaussian()).ToArray();
        double mean = g.Average();
        double variance = g.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.97, 1.03);
        var counts = new int[5];
        for (int i = 0; i < 50_000; i++)
        {
            counts[rng.NextInt(5)]++;
        }

        Assert.All(counts, n => Assert.InRange(n, 9_500, 10_500));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => rng.NextDouble()), u => Assert.InRange(u, 0, 0.9999999999));
    }
}
