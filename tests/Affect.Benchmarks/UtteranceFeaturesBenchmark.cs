using System.Diagnostics;
using System.Globalization;
using Affect.Audio;
using Affect.Features;
using Affect.Features.Boaw;
using Affect.Features.Functionals;

namespace Affect.Benchmarks;

/// <summary>
/// Utterance-level features from cached LLDs: the 6373 ComParE functionals of many 5 s utterances, and a
/// bag-of-audio-words codebook (k-means++ then Lloyd) plus histogram assignment, against scikit-learn's KMeans timed by
/// a Python child process on the same float32 frames.
/// Usage: <c>utterance-features [--utterances 1000] [--seconds 5] [--frames 500000] [--words 1000] [--iterations 5] [--no-sklearn]</c>.
/// </summary>
public sealed class UtteranceFeaturesBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "utterance-features";

    /// <inheritdoc />
    public string Description => "ComParE functionals of 1000 × 5 s cached LLDs; BoAW k-means++ codebook (1000 words, 500k frames) and assignment vs scikit-learn KMeans";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int utterances = 1000, frames = 500_000, words = 1000, iterations = 5, dims = LldColumns.LldCount;
        double seconds = 5;
        bool sklearn = true;
        for (int i = 0; i < args.Length; i++)
        {
            string? next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--utterances": utterances = int.Parse(next!, inv); i++; break;
                case "--seconds": seconds = double.Parse(next!, inv); i++; break;
                case "--frames": frames = int.Parse(next!, inv); i++; break;
                case "--words": words = int.Parse(next!, inv); i++; break;
                case "--iterations": iterations = int.Parse(next!, inv); i++; break;
                case "--no-sklearn": sklearn = false; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");

        // 1. Functionals from cached LLD matrices (synthetic smooth contours, 130 columns).
        int rows = LowLevelDescriptors.RowCount((long)(seconds * 16000));
        var random = new CodebookRandom(7);
        var lld = new float[Math.Min(utterances, 64)][];
        for (int u = 0; u < lld.Length; u++)
        {
            lld[u] = SyntheticLld(rows, random);
        }

        var output = new float[ComParEFunctionals.Count];
        ComParEFunctionals.Compute(lld[0], rows, LldColumns.All, output, "warm-up");
        var sw = Stopwatch.StartNew();
        for (int u = 0; u < utterances; u++)
        {
            ComParEFunctionals.Compute(lld[u % lld.Length], rows, LldColumns.All, output, "bench");
        }

        double funcSerial = sw.Elapsed.TotalSeconds;
        sw.Restart();
        Parallel.For(0, utterances, () => new float[ComParEFunctionals.Count], (u, _, o) =>
        {
            ComParEFunctionals.Compute(lld[u % lld.Length], rows, LldColumns.All, o, "bench");
            return o;
        }, _ => { });
        double funcParallel = sw.Elapsed.TotalSeconds;
        double audio = utterances * seconds;
        Console.WriteLine(string.Create(inv, $"functionals: {utterances} utterances × {rows} frames × 130 columns ({audio:F0} s of audio)"));
        Console.WriteLine(string.Create(inv, $"  one thread   {funcSerial,8:F2} s  {funcSerial / utterances * 1000,7:F2} ms/utterance  RTF {funcSerial / audio:F5}"));
        Console.WriteLine(string.Create(inv, $"  all cores    {funcParallel,8:F2} s  {funcParallel / utterances * 1000,7:F2} ms/utterance  RTF {funcParallel / audio:F5}"));

        // 2. BoAW codebook and assignment on standardized-like frames (Gaussian blobs).
        var x = Blobs(frames, dims, 200, random);
        KMeansClustering.Fit(x.AsSpan(0, 5000 * dims), 5000, dims, 50, CodebookMethod.KMeansPlusPlus, 2, new CodebookRandom(1)); // JIT warm-up
        sw.Restart();
        KMeansClustering.PlusPlusSeeds(x, frames, dims, words, new CodebookRandom(1));
        double seedS = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var fit = KMeansClustering.Fit(x, frames, dims, words, CodebookMethod.KMeansPlusPlus, iterations, new CodebookRandom(1));
        double fitS = sw.Elapsed.TotalSeconds;
        sw.Restart();
        WordSearch.Nearest(x, frames, dims, fit.Centroids, words, 1);
        double assign1 = sw.Elapsed.TotalSeconds;
        sw.Restart();
        WordSearch.Nearest(x, frames, dims, fit.Centroids, words, 10);
        double assign10 = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv, $"boaw: {frames} frames × {dims} dims, {words} words, {iterations} Lloyd iterations max"));
        Console.WriteLine(string.Create(inv, $"  affect k-means++ seeding       {seedS,8:F2} s"));
        Console.WriteLine(string.Create(inv, $"  affect fit (seeding + Lloyd)   {fitS,8:F2} s  ({fit.Iterations} iterations, inertia {fit.Inertia:E4})"));
        Console.WriteLine(string.Create(inv, $"  affect assign a=1              {assign1,8:F2} s  ({frames / assign1:F0} frames/s)"));
        Console.WriteLine(string.Create(inv, $"  affect assign a=10             {assign10,8:F2} s  ({frames / assign10:F0} frames/s)"));
        if (!sklearn)
        {
            return 0;
        }

        string dir = Directory.CreateTempSubdirectory("affect-boaw-bench").FullName;
        try
        {
            await using (var fs = File.Create(Path.Combine(dir, "x.npy")))
            {
                NpyFormat.Write(fs, x, frames, dims);
            }

            string script = $$"""
                import numpy as np, time, threadpoolctl, sklearn
                from sklearn.cluster import KMeans, kmeans_plusplus
                x = np.load(r'{{dir}}/x.npy')
                s = time.perf_counter(); kmeans_plusplus(x, {{words}}, random_state=1); seed = time.perf_counter() - s
                s = time.perf_counter()
                km = KMeans(n_clusters={{words}}, init='k-means++', n_init=1, max_iter={{iterations}}, tol=0.0, algorithm='lloyd', random_state=1).fit(x)
                fit = time.perf_counter() - s
                s = time.perf_counter(); km.predict(x); pred = time.perf_counter() - s
                print(seed, fit, pred, km.n_iter_, km.inertia_)
                print(sklearn.__version__, np.__version__, threadpoolctl.threadpool_info())
                """;
            string py = Path.Combine(dir, "bench.py");
            await File.WriteAllTextAsync(py, script);
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", py) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string text = await p.StandardOutput.ReadToEndAsync();
            string err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine("python failed: " + err);
                return 1;
            }

            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var sk = lines[0].Trim().Split(' ').Select(v => double.Parse(v, inv)).ToArray();
            Console.WriteLine(string.Create(inv, $"  sklearn kmeans_plusplus        {sk[0],8:F2} s   ratio {sk[0] / seedS,6:F2}×"));
            Console.WriteLine(string.Create(inv, $"  sklearn KMeans.fit             {sk[1],8:F2} s   ratio {sk[1] / fitS,6:F2}×  ({sk[3]:F0} iterations, inertia {sk[4]:E4}, ours/sklearn {fit.Inertia / sk[4]:F4})"));
            Console.WriteLine(string.Create(inv, $"  sklearn KMeans.predict (a=1)   {sk[2],8:F2} s   ratio {sk[2] / assign1,6:F2}×"));
            Console.WriteLine("  python: " + lines[1]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }

        return 0;
    }

    // Smooth random-walk contours; the F0/voicing group is zero in about a third of the frames (unvoiced).
    private static float[] SyntheticLld(int rows, CodebookRandom random)
    {
        int cols = LldColumns.All.Count;
        var m = new float[rows * cols];
        for (int c = 0; c < cols; c++)
        {
            double v = random.NextDouble();
            for (int r = 0; r < rows; r++)
            {
                v += (random.NextDouble() - 0.5) * 0.2;
                m[(r * cols) + c] = (float)v;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            if ((r / 20) % 3 == 0)
            {
                for (int c = 0; c < LldColumns.VoicingCount; c++)
                {
                    m[(r * cols) + c] = 0;
                }
            }
            else
            {
                m[r * cols] = Math.Abs(m[r * cols]) + 100;
            }
        }

        return m;
    }

    private static float[] Blobs(int rows, int dims, int centres, CodebookRandom random)
    {
        var c = new double[centres * dims];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = (random.NextDouble() - 0.5) * 6;
        }

        var x = new float[rows * dims];
        for (int r = 0; r < rows; r++)
        {
            int k = random.NextInt(centres);
            for (int d = 0; d < dims; d++)
            {
                x[(r * dims) + d] = (float)(c[(k * dims) + d] + (random.NextDouble() - 0.5) * 2);
            }
        }

        return x;
    }
}
