using System.Globalization;
using System.Text;
using Affect.Learning;

namespace Affect.Learning.Tests;

/// <summary>Seeded Gaussian class clusters for the learner tests.</summary>
internal static class SyntheticData
{
    public static (RealMatrix X, int[] Y) Clusters(ulong seed, int[] perClass, int d, double separation, double noise = 1.0)
    {
        var rng = new SplitMix64(seed);
        int classes = perClass.Length;
        var centers = new double[classes][];
        for (int c = 0; c < classes; c++)
        {
            centers[c] = new double[d];
            for (int j = 0; j < d; j++)
            {
                centers[c][j] = separation * Gaussian(ref rng);
            }
        }

        int n = perClass.Sum();
        var x = new RealMatrix(n, d);
        var y = new int[n];
        int i = 0;
        for (int c = 0; c < classes; c++)
        {
            for (int k = 0; k < perClass[c]; k++, i++)
            {
                y[i] = c;
                for (int j = 0; j < d; j++)
                {
                    x[i, j] = centers[c][j] + (noise * Gaussian(ref rng)) + 3.0;
                }
            }
        }

        // interleave deterministically so classes are not blocked
        var order = Enumerable.Range(0, n).ToArray();
        for (int k = n - 1; k > 0; k--)
        {
            int j = rng.NextBelow(k + 1);
            (order[k], order[j]) = (order[j], order[k]);
        }

        return (x.SelectRows(order), order.Select(o => y[o]).ToArray());
    }

    public static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = ((rng.Next() >> 11) + 0.5) / (1UL << 53);
        double u2 = (rng.Next() >> 11) / (double)(1UL << 53);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static string ToCsv(RealMatrix m)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < m.Rows; i++)
        {
            sb.AppendJoin(',', m.Row(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        return sb.ToString();
    }

    public static RealMatrix ParseCsv(string text)
    {
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return RealMatrix.FromRows(rows);
    }

    public static double MaxRelative(RealMatrix a, RealMatrix b)
    {
        Assert.Equal(a.Rows, b.Rows);
        Assert.Equal(a.Cols, b.Cols);
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a.Data[i] - b.Data[i]));
            scale = Math.Max(scale, Math.Abs(b.Data[i]));
        }

        return diff / scale;
    }
}
