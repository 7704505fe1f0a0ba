using System.Diagnostics;
using System.Globalization;
using Affect.Learning;
using Affect.Training.Algebra;

namespace Affect.Benchmarks;

/// <summary>
/// KELM (one C and a 20-value C grid) and KPLS (30 factors) fit + predict on n × 6373 features, on the managed
/// algebra and on LAPACK/BLAS through TorchSharp, against scikit-learn's KernelRidge / PLSRegression timed by a
/// Python child process on the same float32 data.
/// Usage: <c>learn [--n 2000,4000] [--features 6373] [--paths managed,torch] [--sklearn 2000] [--sklearn-grid]</c>.
/// scikit-learn runs only at the sizes listed by <c>--sklearn</c> (default: the first size); its 20-C grid is timed
/// only with <c>--sklearn-grid</c>, otherwise it is extrapolated as 20 × its single fit and labelled so.
/// </summary>
public sealed class LearnBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "learn";

    /// <inheritdoc />
    public string Description => "KELM single C / 20-C grid and KPLS 30 factors, managed and LAPACK (TorchSharp), vs scikit-learn";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int[] sizes = [2000];
        int d = 6373;
        string[] paths = ["managed", "torch"];
        int[]? sklearnSizes = null;
        bool sklearnGrid = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n":
                    sizes = [.. args[++i].Split(',').Select(s => int.Parse(s, inv))];
                    break;
                case "--features":
                    d = int.Parse(args[++i], inv);
                    break;
                case "--paths":
                    paths = args[++i].Split(',');
                    break;
                case "--sklearn":
                    sklearnSizes = args[++i] == "none" ? [] : [.. args[i].Split(',').Select(s => int.Parse(s, inv))];
                    break;
                case "--sklearn-grid":
                    sklearnGrid = true;
                    break;
                default:
                    Console.Error.WriteLine($"learn: unknown argument '{args[i]}'");
                    return 2;
            }
        }

        sklearnSizes ??= [sizes[0]];
        var algebras = paths.Select(p => (Name: p, Algebra: p switch
        {
            "managed" => (IKernelAlgebra)ManagedKernelAlgebra.Instance,
            "torch" => new TorchKernelAlgebra(),
            _ => throw new ArgumentException($"--paths: '{p}' is not managed or torch"),
        })).ToList();
        var grid = Enumerable.Range(0, 20).Select(i => Math.Pow(10, -6 + (9.0 * i / 19))).ToArray();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, Vector<double> {System.Numerics.Vector<double>.Count} lanes, torch threads {TorchSharp.torch.get_num_threads()}");
        foreach (int n in sizes)
        {
            int nt = n / 4;
            var rng = new SplitMix64(42);
            var x = Random(n, d, ref rng);
            var xt = Random(nt, d, ref rng);
            var labels = Enumerable.Range(0, n).Select(i => (int)(rng.Next() % 3)).ToArray();
            var t = TargetCoding.OneVsAll(labels, 3);
            Console.WriteLine($"n={n} (test {nt}) × {d} features");
            var results = new Dictionary<string, double[]>();
            foreach (var (name, algebra) in algebras)
            {
                // Warm-up on a mid-sized problem (JIT, library load, LAPACK's blocked code paths), then the timed runs.
                var wrng = new SplitMix64(7);
                var small = Random(400, 400, ref wrng);
                var st = TargetCoding.OneVsAll([.. Enumerable.Range(0, 400).Select(i => i % 3)], 3);
                Kelm(small, Random(8, 400, ref wrng), st, [1.0, 2.0], algebra);
                Kelm(small, Random(8, 400, ref wrng), st, [1.0], algebra);
                var sw = Stopwatch.StartNew();
                _ = algebra.Gram(x);
                double gram = sw.Elapsed.TotalSeconds;
                sw.Restart();
                Kelm(x, xt, t, [1.0], algebra);
                double single = sw.Elapsed.TotalSeconds;
                sw.Restart();
                Kelm(x, xt, t, grid, algebra);
                double gridS = sw.Elapsed.TotalSeconds;
                sw.Restart();
                var kp = Kernel.Linear.Train(x, algebra);
                var kt = Kernel.Linear.Cross(xt, x, algebra);
                var pls = KernelPls.Fit(kp, t, 30);
                _ = pls.Predict(pls.Project(kt), 30);
                double plsS = sw.Elapsed.TotalSeconds;
                results[name] = [gram, single, gridS, plsS];
                Console.WriteLine(string.Create(inv, $"  {name,-8} Gram {gram,7:F2} s   KELM one C {single,7:F2} s   KELM 20-C grid {gridS,7:F2} s   KPLS 30 {plsS,7:F2} s"));
                GC.Collect();
            }

            if (sklearnSizes.Contains(n))
            {
                var sk = await ScikitLearnAsync(x, xt, t, sklearnGrid);
                if (sk is null)
                {
                    return 1;
                }

                string gridNote = sklearnGrid ? "measured" : "extrapolated 20 × one fit";
                Console.WriteLine(string.Create(inv, $"  sklearn  KernelRidge one C {sk[0],7:F2} s   20-C grid {sk[1],7:F2} s ({gridNote})   PLSRegression 30 {sk[2],7:F2} s"));
                foreach (var (name, r) in results)
                {
                    Console.WriteLine(string.Create(inv, $"  ratio sklearn/{name}: one C {sk[0] / r[1],6:F2}×   grid {sk[1] / r[2],6:F2}×   KPLS {sk[2] / r[3],6:F2}×"));
                }
            }

            if (results.TryGetValue("managed", out var m) && results.TryGetValue("torch", out var tr))
            {
                Console.WriteLine(string.Create(inv, $"  ratio managed/torch: Gram {m[0] / tr[0],6:F2}×   one C {m[1] / tr[1],6:F2}×   grid {m[2] / tr[2],6:F2}×   KPLS {m[3] / tr[3],6:F2}×"));
            }
        }

        return 0;
    }

    // [one C, 20-C grid, PLS 30] seconds; null when python failed.
    private static async Task<double[]?> ScikitLearnAsync(RealMatrix x, RealMatrix xt, RealMatrix t, bool grid)
    {
        var inv = CultureInfo.InvariantCulture;
        string dir = Path.Combine(Path.GetTempPath(), "affect-learn-bench");
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, "x.npy"), NpyMatrix.WriteFloat32(x));
        await File.WriteAllBytesAsync(Path.Combine(dir, "xt.npy"), NpyMatrix.WriteFloat32(xt));
        await File.WriteAllBytesAsync(Path.Combine(dir, "t.npy"), NpyMatrix.WriteFloat32(t));
        string script = $$"""
            import numpy as np, time
            from sklearn.kernel_ridge import KernelRidge
            from sklearn.cross_decomposition import PLSRegression
            d = r'{{dir}}'
            x = np.load(d + '/x.npy').astype(np.float64); xt = np.load(d + '/xt.npy').astype(np.float64); t = np.load(d + '/t.npy').astype(np.float64)
            s = time.perf_counter(); KernelRidge(alpha=1.0, kernel='linear').fit(x, t).predict(xt); single = time.perf_counter() - s
            grid = 20 * single
            if {{(grid ? "True" : "False")}}:
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
        var output = p.StandardOutput.ReadToEndAsync();
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine("python failed: " + err);
            return null;
        }

        return [.. (await output).Trim().Split(' ').Select(s => double.Parse(s, inv))];
    }

    private static void Kelm(RealMatrix x, RealMatrix xt, RealMatrix t, double[] cs, IKernelAlgebra algebra)
    {
        var k = Kernel.Linear.Train(x, algebra);
        var kt = Kernel.Linear.Cross(xt, x, algebra);
        if (cs.Length == 1)
        {
            _ = kt.Multiply(KernelElm.SolveDirect(k, t, cs[0], algebra: algebra));
            return;
        }

        var elm = KernelElm.Prepare(k, t, algebra: algebra);
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
