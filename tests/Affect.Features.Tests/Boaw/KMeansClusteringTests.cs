using System.Diagnostics;
using System.Globalization;
using Affect.Audio;
using Affect.Features.Boaw;

namespace Affect.Features.Tests.Boaw;

public sealed class KMeansClusteringTests
{
    [Fact]
    public void PlusPlusSeedsMatchBruteForceReference()
    {
        const int rows = 300, dims = 7, k = 12;
        float[] x = BoawTestData.Blobs(rows, dims, 5, 1.0, 11);
        int[] seeds = KMeansClustering.PlusPlusSeeds(x, rows, dims, k, new CodebookRandom(5));

        // Reference: same draw protocol (NextInt for the first, one NextDouble per further centre), in plain double loops.
        var random = new CodebookRandom(5);
        var expected = new List<int> { random.NextInt(rows) };
        var d2 = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            d2[i] = BoawTestData.Distance(x.AsSpan(i * dims, dims), x.AsSpan(expected[0] * dims, dims));
        }

        while (expected.Count < k)
        {
            double r = random.NextDouble() * d2.Sum();
            double cum = 0;
            int pick = -1;
            for (int i = 0; i < rows; i++)
            {
                cum += d2[i];
                if (d2[i] > 0 && cum > r)
                {
                    pick = i;
                    break;
                }
            }

            expected.Add(pick);
            for (int i = 0; i < rows; i++)
            {
                d2[i] = Math.Min(d2[i], BoawTestData.Distance(x.AsSpan(i * dims, dims), x.AsSpan(pick * dims, dims)));
            }
        }

        Assert.Equal(expected, seeds);
        Assert.Equal(k, seeds.Distinct().Count());
    }

    [Fact]
    public void NearestWordsMatchBruteForceForEveryAssignmentCount()
    {
        const int rows = 257, dims = 13, words = 37;
        float[] x = BoawTestData.Blobs(rows, dims, 8, 1.0, 3);
        float[] c = BoawTestData.Blobs(words, dims, 8, 1.0, 4);
        foreach (int a in new[] { 1, 3, 10 })
        {
            int[] nearest = WordSearch.Nearest(x, rows, dims, c, words, a);
            for (int r = 0; r < rows; r++)
            {
                var reference = Enumerable.Range(0, words)
                    .Select(j => (D: BoawTestData.Distance(x.AsSpan(r * dims, dims), c.AsSpan(j * dims, dims)), J: j))
                    .OrderBy(p => p.D).ThenBy(p => p.J).ToArray();
                for (int m = 0; m < a; m++)
                {
                    int got = nearest[(r * a) + m];
                    if (got != reference[m].J)
                    {
                        // Only a float near-tie may swap two words; the chosen one must be as close up to rounding.
                        double dGot = BoawTestData.Distance(x.AsSpan(r * dims, dims), c.AsSpan(got * dims, dims));
                        Assert.True(Math.Abs(dGot - reference[m].D) <= 1e-4 * (1 + reference[m].D), $"frame {r}, rank {m}: word {got} (d={dGot}) vs {reference[m].J} (d={reference[m].D})");
                    }
                }

                Assert.Equal(a, nearest.AsSpan(r * a, a).ToArray().Distinct().Count());
            }
        }
    }

    [Fact]
    public void TiesGoToTheLowestWordIndex()
    {
        float[] words = [1, 0, 0, 1, 1, 0, 0, 1]; // words 0 and 2 equal, 1 and 3 equal
        float[] frames = [1, 0, 0, 1];
        int[] nearest = WordSearch.Nearest(frames, 2, 2, words, 4, 2);
        Assert.Equal([0, 2, 1, 3], nearest);
    }

    [Fact]
    public void LloydStepsMatchAReferenceIteration()
    {
        const int rows = 200, dims = 5, k = 6;
        float[] x = BoawTestData.Blobs(rows, dims, 6, 0.5, 21);
        var zero = KMeansClustering.Fit(x, rows, dims, k, CodebookMethod.KMeansPlusPlus, 0, new CodebookRandom(9));
        var one = KMeansClustering.Fit(x, rows, dims, k, CodebookMethod.KMeansPlusPlus, 1, new CodebookRandom(9));
        int[] labels = WordSearch.Nearest(x, rows, dims, zero.Centroids, k, 1);
        for (int c = 0; c < k; c++)
        {
            var members = Enumerable.Range(0, rows).Where(i => labels[i] == c).ToArray();
            for (int d = 0; d < dims; d++)
            {
                double mean = members.Length == 0 ? zero.Centroids[(c * dims) + d] : members.Average(i => (double)x[(i * dims) + d]);
                Assert.Equal(mean, one.Centroids[(c * dims) + d], 5);
            }
        }

        var full = KMeansClustering.Fit(x, rows, dims, k, CodebookMethod.KMeansPlusPlus, 500, new CodebookRandom(9));
        Assert.True(full.Converged);
        Assert.True(full.Inertia <= one.Inertia && one.Inertia <= zero.Inertia);
    }

    [Fact]
    public void TooFewDistinctFramesIsAClearError()
    {
        float[] x = [1, 1, 1, 1, 2, 2, 1, 1];
        var e = Assert.Throws<InvalidDataException>(() => KMeansClustering.Fit(x, 4, 2, 3, CodebookMethod.KMeansPlusPlus, 5, new CodebookRandom(1), "train.csv"));
        Assert.Contains("train.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("distinct", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => KMeansClustering.Fit(x, 4, 2, 3, CodebookMethod.Random, 0, new CodebookRandom(1)));
    }

    [Fact]
    public void InertiaIsWithinAFewPercentOfScikitLearn()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Fail("python3 (with numpy and scikit-learn) is required at /usr/bin/python3 for this test");
        }

        const int rows = 4000, dims = 10, k = 25, iterations = 50;
        float[] x = BoawTestData.Blobs(rows, dims, 40, 1.2, 77);
        var ours = Enumerable.Range(1, 3).Select(s => KMeansClustering.Fit(x, rows, dims, k, CodebookMethod.KMeansPlusPlus, iterations, new CodebookRandom((ulong)s)).Inertia).ToArray();

        string dir = Directory.CreateTempSubdirectory("affect-kmeans").FullName;
        try
        {
            string npy = Path.Combine(dir, "x.npy");
            using (var fs = File.Create(npy))
            {
                NpyFormat.Write(fs, x, rows, dims);
            }

            string script = Path.Combine(dir, "km.py");
            File.WriteAllText(script, $"""
                import numpy as np, sys
                from sklearn.cluster import KMeans
                x = np.load(sys.argv[1]).astype(np.float64)
                for s in (1, 2, 3):
                    km = KMeans(n_clusters={k}, init='k-means++', n_init=1, max_iter={iterations}, tol=0.0, algorithm='lloyd', random_state=s).fit(x)
                    print(repr(float(km.inertia_)))
                """);
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(npy);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, error);
            double[] sk = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            double oursMedian = ours.Order().ElementAt(1);
            double skMedian = sk.Order().ElementAt(1);
            Assert.True(Math.Abs(oursMedian - skMedian) / skMedian < 0.05, $"inertia: ours {string.Join(", ", ours)}; sklearn {string.Join(", ", sk)}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
