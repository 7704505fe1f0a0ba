using Affect.Features.Boaw;

namespace Affect.Features.Tests.Boaw;

/// <summary>Synthetic frame data for the bag-of-audio-words tests: Gaussian blobs drawn from <see cref="CodebookRandom"/>.</summary>
internal static class BoawTestData
{
    /// <summary>rows × dims values around <paramref name="centres"/> blob centres (spread 1, noise <paramref name="noise"/>).</summary>
    public static float[] Blobs(int rows, int dims, int centres, double noise, ulong seed, double offset = 0, double scale = 1)
    {
        var random = new CodebookRandom(seed);
        var c = new double[centres * dims];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = Gaussian(random) * 4;
        }

        var values = new float[rows * dims];
        for (int r = 0; r < rows; r++)
        {
            int k = random.NextInt(centres);
            for (int d = 0; d < dims; d++)
            {
                values[(r * dims) + d] = (float)(offset + (scale * (c[(k * dims) + d] + (noise * Gaussian(random)))));
            }
        }

        return values;
    }

    /// <summary>Utterances of random length with <paramref name="columns"/> columns.</summary>
    public static List<BoawFrames> Utterances(int count, int columns, ulong seed, string prefix = "u", double offset = 0)
    {
        var random = new CodebookRandom(seed ^ 0xABCDEF);
        var list = new List<BoawFrames>();
        for (int i = 0; i < count; i++)
        {
            int rows = 40 + random.NextInt(80);
            list.Add(new BoawFrames($"{prefix}{i:D3}.wav", Blobs(rows, columns, 6, 0.7, seed + (ulong)i, offset), rows));
        }

        return list;
    }

    /// <summary>Column names: <paramref name="half"/> LLDs then their deltas.</summary>
    public static string[] Columns(int half) =>
        [.. Enumerable.Range(0, half).Select(i => $"f{i}_sma"), .. Enumerable.Range(0, half).Select(i => $"f{i}_sma_de")];

    public static double Gaussian(CodebookRandom random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Brute-force squared distance in double.</summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            s += d * d;
        }

        return s;
    }
}
