using System.Diagnostics;
using System.Globalization;
using Affect.Learning;

namespace Affect.Benchmarks;

/// <summary>
/// KELM (one C and a 20-value C grid) and KPLS (30 factors) fit + predict on n × 6373 features, against
/// scikit-learn's KernelRidge / PLSRegression timed by a Python child process on the same float32 data.
/// Usage: <c>learn [--n 2000,4000] [--features 6373]</c>.
/// </summary>
public sealed class LearnBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "learn";

    /// <inheritdoc />
    public string Description => "KELM single C / 20-C grid and KPLS 30 factors vs scikit-learn KernelRidge/PLSRegression";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int[] sizes = [2000];
        int d = 6373;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--n")
            {
                sizes = [.. args[i + 1].Split(',').Select(s => int.Parse(s, inv))];
            }
            else if (args[i] == "--features")
            {
                d = int.Parse(args[i + 1], inv);
            }
        }

        var grid = Enumerable.Range(0, 20).Select(i => Math.Pow(10, -6 + (9.0 * i / 19))).ToArray();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, Vector<double> {System.Numerics.Vector<double>.Count} lanes");
        foreach (int n in sizes)
        {
            int nt = n / 4;
            var rng = new SplitMix64(42);
            var x = Random(n, d, ref rng);
            var xt = Random(nt, d, ref rng);
            var labels = Enumerable.Range(0, n).Select(i => (int)(rng.Next() % 3)).ToArray();
            var t = TargetCoding.OneVsAll(labels, 3);
            string dir = Path.Combine(Path.GetTempPath(), "affect-learn-bench");
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, "x.npy"), NpyMatrix.WriteFloat32(x));
            await File.WriteAllBytesAsync(Path.Combine(dir, "xt.npy"), NpyMatrix.WriteFloat32(xt));
            await File.WriteAllBytesAsync(Path.Combine(dir, "t.npy"), NpyMatrix.WriteFloat32(t));

            // Warm-up on a small problem (JIT), then the timed runs.
            Kelm(Random(64, 64, ref rng), Random(8, 64, ref rng), TargetCoding.OneVsAll([.. Enumerable.Range(0, 64).Select(i => i % 3)], 3), [1.0, 2.0]);
            var sw = Stopwatch.StartNew();
            Kelm(x, xt, t, [1.0]);
            double single = sw.Elapsed.TotalSeconds;
            sw.Restart();
            Kelm(x, xt, t, grid);
            double gridS = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var k = Kernel.Linear.Train(x);
            var kt = Kernel.Linear.Cross(xt, x);
            var pls = KernelPls.Fit(k, t, 30);
            _ = pls.Predict(pls.Project(kt), 30);
            double plsS = sw.Elapsed.TotalSeconds;

            string script = $$"""
                import numpy as np, time
                from sklearn.kernel_ridge import KernelRidge
                from sklearn.cross_decomposition import PLSRegression
                d = r'{{dir}}'
                x = np.load(d + '/x.npy').astype(np.float64); xt = np.load(d + '/xt.npy').astype(np.float64); t = np.load(d + '/t.npy').astype(np.float64)
                s = time.perf_counter(); KernelRidge(alpha=1.0, kernel='linear').fit(x, t).predict(xt); single = time.perf_counter() - s
                s = time.perf_counter()
                for c in np.logspace(-6, 3, 20):
                    KernelRidge(alpha=1.0 / c, kernel='linear').fit(x, t).predict(xt)
                grid = time.perf_counter() - s
                s = time.perf_counter(); PLSRegression(n_components=30, scale=False).fit(x, t).predict(xt); pls = time.perf_counter() - s
                print(single, grid, pls)
                """;
            string py = Path.Combine(dir, "bench.py");
            await File.WriteAllTextAsync(py, script);
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", py) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string output = await p.StandardOutput.ReadToEndAsync();
            string err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine("python failed: " + err);
                return 1;
            }

            var sk = output.Trim().Split(' ').Select(s => double.Parse(s, inv)).ToArray();
            Console.WriteLine($"n={n} (test {nt}) × {d} features");
            Console.WriteLine(string.Create(inv, $"  KELM single C     affect {single,7:F2} s   sklearn KernelRidge {sk[0],7:F2} s   ratio {sk[0] / single,5:F2}×"));
            Console.WriteLine(string.Create(inv, $"  KELM 20-C grid    affect {gridS,7:F2} s   sklearn KernelRidge {sk[1],7:F2} s   ratio {sk[1] / gridS,5:F2}×"));
            Console.WriteLine(string.Create(inv, $"  KPLS 30 factors   affect {plsS,7:F2} s   sklearn PLSRegression {sk[2],7:F2} s   ratio {sk[2] / plsS,5:F2}×"));
        }

        return 0;
    }

    private static void Kelm(RealMatrix x, RealMatrix xt, RealMatrix t, double[] cs)
    {
        var k = Kernel.Linear.Train(x);
        var kt = Kernel.Linear.Cross(xt, x);
        if (cs.Length == 1)
        {
            _ = kt.Multiply(KernelElm.SolveDirect(k, t, cs[0]));
            return;
        }

        var elm = KernelElm.Prepare(k, t);
        foreach (double c in cs)
        {
            _ = kt.Multiply(elm.Coefficients(c));
        }
    }

    // Float32-representable values so both sides see identical data.
    private static RealMatrix Random(int n, int d, ref SplitMix64 rng)
    {
        var m = new RealMatrix(n, d);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = (float)(((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5);
        }

        return m;
    }
}
