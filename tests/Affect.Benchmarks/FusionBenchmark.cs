using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Affect.Learning;
using Affect.Learning.Discretization;
using Affect.Learning.Fusion;

namespace Affect.Benchmarks;

/// <summary>
/// The weighted-fusion (WF) pool search on synthetic development scores (M systems × L classes × n utterances):
/// candidate matrices per second of <see cref="WeightedFusion"/> on one thread and on every core, against a
/// vectorised NumPy implementation of the same search (same SplitMix64 pool, batched BLAS matrix products, argmax,
/// per-class hit counts) timed by a Python child process in the same run; plus the exact threshold search
/// (<see cref="ThresholdSearch"/>) on 100 000 utterances.
/// Usage: <c>fusion [--pool 1000000] [--numpy-pool N] [--systems 4] [--classes 3] [--n 1000] [--batch 2000]
/// [--thresholds 100000] [--keep-openblas-env]</c>. NumPy runs the whole pool unless <c>--numpy-pool</c> is smaller
/// (then the rate is from that many candidates, labelled so). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from the
/// Python process's environment (OpenBLAS then picks its kernel for this processor) unless
/// <c>--keep-openblas-env</c>; the kernel it ran is printed (threadpoolctl).
/// </summary>
public sealed class FusionBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "fusion";

    /// <inheritdoc />
    public string Description => "WF pool search (matrices/s, 1 thread and all cores) vs NumPy/OpenBLAS; threshold search on 100 000 utterances";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        long pool = 1_000_000;
        long? numpyPool = null;
        int m = 4, l = 3, n = 1000, batch = 2000, thresholdRows = 100_000;
        bool keepEnv = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pool": pool = long.Parse(args[++i], inv); break;
                case "--numpy-pool": numpyPool = long.Parse(args[++i], inv); break;
                case "--systems": m = int.Parse(args[++i], inv); break;
                case "--classes": l = int.Parse(args[++i], inv); break;
                case "--n": n = int.Parse(args[++i], inv); break;
                case "--batch": batch = int.Parse(args[++i], inv); break;
                case "--thresholds": thresholdRows = int.Parse(args[++i], inv); break;
                case "--keep-openblas-env": keepEnv = true; break;
                default:
                    Console.Error.WriteLine($"fusion: unknown argument '{args[i]}'");
                    return 2;
            }
        }

        long npPool = Math.Min(numpyPool ?? pool, pool);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, Vector<double> {Vector<double>.Count} lanes");
        Console.WriteLine($"data: synthetic, M={m} systems × L={l} classes × n={n} devel utterances (SplitMix64 seed 42), pool {pool} (seed 7)");
        var (systems, truth) = Synthetic(m, l, n, 42);
        const ulong seed = 7;

        // Warm-up (JIT, tiering), then the timed runs.
        _ = WeightedFusion.SearchChunk(systems, truth, seed, 0, 20_000);
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var one = WeightedFusion.SearchChunk(systems, truth, seed, 0, pool);
        double oneS = sw.Elapsed.TotalSeconds;
        double oneCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        sw.Restart();
        var all = WeightedFusion.Search(systems, truth, seed, pool, Environment.ProcessorCount);
        double allS = sw.Elapsed.TotalSeconds;
        if (all.Index != one.Index || !all.Weights.AsSpan().SequenceEqual(one.Weights))
        {
            Console.Error.WriteLine("fusion: the chunked search disagrees with the single pass");
            return 1;
        }

        Console.WriteLine(string.Create(inv, $"  Affect 1 thread      {oneS,8:F3} s   {pool / oneS,12:N0} matrices/s   (CPU {oneCpu:F3} s: {pool / oneCpu:N0} matrices per CPU-second)   best index {one.Index}, devel UAR {one.DevelUar:F6}"));
        Console.WriteLine(string.Create(inv, $"  Affect {Environment.ProcessorCount} chunks/cores {allS,8:F3} s   {pool / allS,12:N0} matrices/s"));

        var np = await NumPyAsync(systems, truth, seed, npPool, batch, keepEnv);
        if (np is null)
        {
            return 1;
        }

        double npRate = npPool / np.Value.Seconds;
        string partial = npPool < pool ? $" (first {npPool} candidates)" : string.Empty;
        Console.WriteLine(string.Create(inv, $"  NumPy ({np.Value.Kernel}, {np.Value.Threads} BLAS threads) {np.Value.Seconds,8:F3} s   {npRate,12:N0} matrices/s   (CPU {np.Value.Cpu:F3} s: {npPool / np.Value.Cpu:N0} matrices per CPU-second){partial}   best index {np.Value.Index}, devel UAR {np.Value.Uar:F6}"));
        Console.WriteLine(string.Create(inv, $"  ratio Affect/NumPy: wall, 1 thread {pool / oneS / npRate,6:F1}×   wall, all cores {pool / allS / npRate,6:F1}×   per CPU-second {pool / oneCpu / (npPool / np.Value.Cpu),6:F1}×"));
        if (npPool == pool)
        {
            Console.WriteLine(np.Value.Index == one.Index ? "  same best candidate in both" : $"  NOTE: NumPy's best index {np.Value.Index} differs (BLAS summation order / FMA can flip near-ties)");
        }

        // Threshold search: 100 000 utterances, three ordered classes, both directions (auto).
        var rng = new SplitMix64(3);
        var scores = new double[thresholdRows];
        var classes = new int[thresholdRows];
        for (int i = 0; i < thresholdRows; i++)
        {
            classes[i] = (int)(rng.Next() % 3);
            scores[i] = (0.4 * classes[i]) + Gaussian(ref rng);
        }

        _ = ThresholdSearch.Fit(scores.AsSpan(0, 1000), classes.AsSpan(0, 1000), 3);
        var times = new List<double>();
        var cpuTimes = new List<double>();
        ThresholdRule? rule = null;
        for (int r = 0; r < 7; r++)
        {
            sw.Restart();
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            rule = ThresholdSearch.Fit(scores, classes, 3);
            times.Add(sw.Elapsed.TotalSeconds);
            cpuTimes.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        times.Sort();
        cpuTimes.Sort();
        Console.WriteLine(string.Create(inv, $"  thresholds: {thresholdRows} utterances, auto direction: wall median {times[3] * 1000,7:F1} ms (min {times[0] * 1000:F1} ms), CPU median {cpuTimes[3] * 1000:F1} ms, UAR {rule!.FitUar:F4}"));
        return 0;
    }

    private static async Task<(double Seconds, double Cpu, long Index, double Uar, string Kernel, int Threads)?> NumPyAsync(List<RealMatrix> systems, int[] truth, ulong seed, long pool, int batch, bool keepEnv)
    {
        var inv = CultureInfo.InvariantCulture;
        string dir = Path.Combine(Path.GetTempPath(), "affect-fusion-bench");
        Directory.CreateDirectory(dir);
        int m = systems.Count, l = systems[0].Cols, n = truth.Length;
        var stacked = new RealMatrix(n, m * l); // [t, i·L + j]
        for (int t = 0; t < n; t++)
        {
            for (int i = 0; i < m; i++)
            {
                systems[i].Row(t).CopyTo(stacked.Row(t).Slice(i * l, l));
            }
        }

        await File.WriteAllBytesAsync(Path.Combine(dir, "s.npy"), NpyMatrix.WriteFloat32(stacked));
        await File.WriteAllTextAsync(Path.Combine(dir, "y.txt"), string.Join('\n', truth));
        string script = $$"""
            import numpy as np, time, sys
            from threadpoolctl import threadpool_info
            d = r'{{dir}}'
            M, L, seed, pool, B = {{m}}, {{l}}, np.uint64({{seed}}), {{pool}}, {{batch}}
            S = np.load(d + '/s.npy').astype(np.float64).reshape(-1, M, L)          # n × M × L
            y = np.loadtxt(d + '/y.txt', dtype=np.int64)
            n = S.shape[0]
            SJ = [np.ascontiguousarray(S[:, :, j]) for j in range(L)]   # per class: n × M
            support = np.bincount(y, minlength=L)
            present = support > 0
            onehot = (y[:, None] == np.arange(L)[None, :])           # n × L
            G = np.uint64(0x9E3779B97F4A7C15)
            def mix(z):
                z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                return z ^ (z >> np.uint64(31))
            def candidates(k0, k1):
                k = np.arange(k0, k1, dtype=np.uint64)
                j = np.arange(L, dtype=np.uint64)[:, None]; i = np.arange(M, dtype=np.uint64)[None, :]
                p = k[:, None, None] * np.uint64(M * L) + j * np.uint64(M) + i + np.uint64(1)     # K × L × M
                u = ((mix(seed + p * G) >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * (1.0 / 2**53)
                w = u / u.sum(axis=2, keepdims=True)
                w = np.transpose(w, (0, 2, 1)).copy()               # K × M × L
                fixed = k <= np.uint64(M)
                if fixed.any():
                    for r in np.nonzero(fixed)[0]:
                        kk = int(k[r])
                        w[r] = np.full((M, L), 1.0 / M) if kk == M else np.eye(M)[kk][:, None] * np.ones((1, L))
                return w
            np.seterr(over='ignore')
            best, best_uar = -1, -1.0
            t0 = time.perf_counter(); c0 = time.process_time()
            for k0 in range(0, pool, B):
                k1 = min(pool, k0 + B)
                W = candidates(k0, k1)                               # K × M × L
                F = np.stack([SJ[j] @ W[:, :, j].T for j in range(L)], axis=2)   # n × K × L
                pred = F.argmax(axis=2)                              # n × K (first max: lowest class)
                hit = pred == y[:, None]
                hits = onehot.T.astype(np.float64) @ hit.astype(np.float64)       # L × K
                uar = (hits[present] / support[present][:, None]).mean(axis=0)
                b = int(np.argmax(uar))
                if uar[b] > best_uar:
                    best, best_uar = k0 + b, float(uar[b])
            secs = time.perf_counter() - t0; cpu = time.process_time() - c0
            info = threadpool_info()
            blas = next((x for x in info if x.get('internal_api') == 'openblas'), info[0] if info else {})
            print(secs, best, best_uar, blas.get('architecture', blas.get('internal_api', '?')), blas.get('num_threads', 0), cpu)
            """;
        string py = Path.Combine(dir, "bench.py");
        await File.WriteAllTextAsync(py, script);
        var psi = new ProcessStartInfo("/usr/bin/python3", py) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!keepEnv)
        {
            psi.Environment.Remove("OPENBLAS_CORETYPE");
            psi.Environment.Remove("OPENBLAS_L2_SIZE");
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine("python failed: " + err);
            return null;
        }

        var f = (await output).Trim().Split(' ');
        return (double.Parse(f[0], inv), double.Parse(f[5], inv), long.Parse(f[1], inv), double.Parse(f[2], inv), f[3], int.Parse(f[4], inv));
    }

    // M systems of noisy class evidence with system-specific noise and class bias.
    private static (List<RealMatrix> Systems, int[] Truth) Synthetic(int m, int l, int n, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var truth = new int[n];
        for (int t = 0; t < n; t++)
        {
            truth[t] = (int)(rng.Next() % (ulong)l);
        }

        var systems = new List<RealMatrix>();
        for (int i = 0; i < m; i++)
        {
            var s = new RealMatrix(n, l);
            double noise = 0.8 + (0.3 * i);
            for (int t = 0; t < n; t++)
            {
                for (int j = 0; j < l; j++)
                {
                    s[t, j] = (j == truth[t] ? 1.0 : 0.0) + (noise * Gaussian(ref rng)) + (0.2 * i * j);
                }
            }

            // normalised, then rounded to float32 so that NumPy (fed a float32 .npy) sees the same values
            var z = ScoreNormalizer.Fit(s).Apply(s);
            for (int k = 0; k < z.Data.Length; k++)
            {
                z.Data[k] = (float)z.Data[k];
            }

            systems.Add(z);
        }

        return (systems, truth);
    }

    private static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = ((rng.Next() >> 11) + 0.5) / (1UL << 53);
        double u2 = (rng.Next() >> 11) / (double)(1UL << 53);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
