using System.Diagnostics;
using System.Globalization;
using System.Text;
using Affect.Learning;

namespace Affect.Benchmarks;

/// <summary>
/// <c>affect learn --model kelm --grid</c> as a whole process on synthetic ComParE-sized tables (2000 × 6373 train,
/// 500 devel, 500 test; openSMILE's <c>%e</c> cells), from CSV and from <c>.npy</c> + sidecar, against scikit-learn's
/// KernelRidge over the same C grid, as a plain loop and with a precomputed linear kernel, each a whole Python process
/// reading the same CSVs. Also times the table reader in process against a sequential split + double.Parse reader.
/// Usage: <c>learn-cli [--affect PATH] [--runs 3] [--dir DIR] [--no-python] [--torch] [--profile]</c>: <c>--torch</c> also
/// times <c>--algebra torch</c>, <c>--profile</c> prints one run's stage times (<c>AFFECT_PROFILE=1</c>).
/// </summary>
public sealed class LearnCliBenchmark : IBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string Name => "learn-cli";

    /// <inheritdoc />
    public string Description => "affect learn (CSV and .npy) as a process vs scikit-learn KernelRidge (loop / precomputed kernel)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        string affect = Path.GetFullPath("src/Affect.Cli/bin/Release/net10.0/linux-x64/affect");
        int runs = 3;
        string? dir = null;
        bool python = true;
        bool torch = false;
        bool profile = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--affect": affect = Path.GetFullPath(args[++i]); break;
                case "--runs": runs = int.Parse(args[++i], Inv); break;
                case "--dir": dir = args[++i]; break;
                case "--no-python": python = false; break;
                case "--torch": torch = true; break;
                case "--profile": profile = true; break;
                default:
                    Console.Error.WriteLine($"learn-cli: unknown argument '{args[i]}'");
                    return 2;
            }
        }

        if (!File.Exists(affect))
        {
            Console.Error.WriteLine($"learn-cli: {affect}: not found; build it first (dotnet build src/Affect.Cli -c Release)");
            return 1;
        }

        dir ??= Directory.CreateTempSubdirectory("learn-cli").FullName;
        Directory.CreateDirectory(dir);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; data in {dir}; load average {Load()}");
        foreach (var (part, n, seed) in new[] { ("train", 2000, 1), ("devel", 500, 2), ("test", 500, 3) })
        {
            string csv = Path.Combine(dir, part + ".csv");
            if (!File.Exists(csv))
            {
                await File.WriteAllTextAsync(csv, Table(n, 6373, seed));
            }

            NpyTable.Write(FeatureTable.Read(csv), Path.Combine(dir, part + ".npy"));
        }

        // In-process readers: the parallel fast_float reader vs the sequential split + double.Parse it replaced.
        var parts = new[] { "train", "devel", "test" }.Select(p => Path.Combine(dir, p + ".csv")).ToArray();
        var fast = Median(runs, () => { foreach (var p in parts) { FeatureTable.Read(p); } });
        var slow = Median(runs, () => { foreach (var p in parts) { SequentialRead(p); } });
        var npy = Median(runs, () => { foreach (var p in parts) { FeatureTable.Read(Path.ChangeExtension(p, ".npy")); } });
        Console.WriteLine($"read 3 tables in process (wall / CPU): parallel fast_float {fast.Wall:F2} / {fast.Cpu:F2} s, sequential split + double.Parse {slow.Wall:F2} / {slow.Cpu:F2} s (wall {slow.Wall / fast.Wall:F1}×), .npy {npy.Wall:F2} / {npy.Cpu:F2} s");

        string Learn(string ext) => $"learn --model kelm --grid --train {dir}/train.{ext} --devel {dir}/devel.{ext} --test {dir}/test.{ext} --scores {dir}/scores-{ext}.csv";
        if (profile)
        {
            Run(affect, Learn("csv"), profile: true);
        }

        var ourCsv = Median(runs, () => Run(affect, Learn("csv")));
        var ourNpy = Median(runs, () => Run(affect, Learn("npy")));
        Console.WriteLine($"whole process (wall / CPU), KELM 19-C grid on devel, test scores: affect CSV {ourCsv.Wall:F2} / {ourCsv.Cpu:F2} s, affect .npy {ourNpy.Wall:F2} / {ourNpy.Cpu:F2} s");
        if (torch)
        {
            var ourTorch = Median(1, () => Run(affect, Learn("csv") + " --algebra torch"));
            Console.WriteLine($"affect CSV --algebra torch (libtorch BLAS/LAPACK) {ourTorch.Wall:F2} / {ourTorch.Cpu:F2} s");
        }

        if (python)
        {
            string py = Path.Combine(dir, "kernel_ridge.py");
            await File.WriteAllTextAsync(py, PythonScript);
            var pre = Median(runs, () => Run("/usr/bin/python3", $"{py} {dir} precomputed"));
            var plain = Median(1, () => Run("/usr/bin/python3", $"{py} {dir} plain"));
            Console.WriteLine($"scikit-learn KernelRidge loop {plain.Wall:F2} / {plain.Cpu:F2} s, precomputed kernel {pre.Wall:F2} / {pre.Cpu:F2} s");
            foreach (var (name, sk) in new[] { ("KernelRidge loop", plain), ("precomputed kernel", pre) })
            {
                Console.WriteLine($"ratio scikit-learn {name} ÷ affect: CSV wall {sk.Wall / ourCsv.Wall:F2}× CPU {sk.Cpu / ourCsv.Cpu:F2}×, .npy wall {sk.Wall / ourNpy.Wall:F2}× CPU {sk.Cpu / ourNpy.Cpu:F2}× ({(ourCsv.Wall < sk.Wall && ourNpy.Wall < sk.Wall ? "affect faster" : "affect NOT faster")} in wall time)");
            }
        }

        string load = Load();
        Console.WriteLine($"load average at the end {load}");
        Console.WriteLine(GoalVerdict(ourCsv.Wall, ourNpy.Wall, load));
        return 0;
    }

    /// <summary>The issue's goal, whole process under 3 s of wall time on 2 idle cores, for both table formats.</summary>
    internal const double GoalSeconds = 3.0;

    // The verdict line; a load average (1 min) of 1 or more means other processes shared the cores, so a miss is not
    // a verdict on the code.
    private static string GoalVerdict(double csvWall, double npyWall, string load)
    {
        bool met = csvWall < GoalSeconds && npyWall < GoalSeconds;
        bool quiet = double.TryParse(load.Split(' ')[0], NumberStyles.Float, Inv, out double l1) && l1 < 1;
        string verdict = met ? "MET" : "NOT MET";
        return $"goal (whole process < {GoalSeconds:F0} s wall on 2 idle cores): CSV {csvWall:F2} s, .npy {npyWall:F2} s: {verdict}"
            + (quiet || met ? string.Empty : $" (machine not idle: load average {load.Split(' ')[0]}; re-run on a quiet machine)");
    }

    // Median wall and median CPU (user + sys, this process and its finished children) over the runs; the CPU figure
    // is what to compare on a shared machine, where wall time mostly measures the other tenants.
    private static (double Wall, double Cpu) Median(int runs, Action action)
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            childCpu = 0;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            walls.Add(sw.Elapsed.TotalSeconds);
            cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds + childCpu);
        }

        walls.Sort();
        cpus.Sort();
        return (walls[walls.Count / 2], cpus[cpus.Count / 2]);
    }

    private static double childCpu;

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private static void Run(string exe, string arguments, bool profile = false)
    {
        var start = new ProcessStartInfo("/usr/bin/time", $"-f \"cpu %U %S\" {exe} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (profile)
        {
            start.Environment["AFFECT_PROFILE"] = "1";
        }

        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        var cpu = output.Trim().Split('\n')[^1].Split(' ');
        childCpu += double.Parse(cpu[1], Inv) + double.Parse(cpu[2], Inv);
        Console.WriteLine($"  {Path.GetFileName(exe)}: " + (profile ? output.Trim() : output.Trim().Replace('\n', ' ')));
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} {arguments}: exit {p.ExitCode}");
        }
    }

    // Seeded features with per-column scales spanning 10 decades (as functionals do) and a weak class signal.
    private static string Table(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var scale = Enumerable.Range(0, d).Select(j => Math.Exp(((j * 7919) % 1000 / 100.0) - 5)).ToArray();
        var sb = new StringBuilder("name," + string.Join(',', Enumerable.Range(0, d).Select(j => $"f{j}")) + ",class\n");
        for (int i = 0; i < n; i++)
        {
            int y = rng.Next(3);
            sb.Append(Inv, $"'u{seed}_{i:D4}'");
            for (int j = 0; j < d; j++)
            {
                sb.Append(',').Append(((rng.NextDouble() - 0.5 + (0.05 * y)) * scale[j]).ToString("E6", Inv));
            }

            sb.Append(',').Append("LMH"[y]).Append('\n');
        }

        return sb.ToString();
    }

    // The reader before the parallel one: line by line, string.Split and double.Parse (validation omitted).
    private static double[] SequentialRead(string path)
    {
        using var reader = new StreamReader(path);
        int cols = reader.ReadLine()!.Split(',').Length;
        var values = new List<double>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var cells = line.Split(',');
            for (int j = 1; j < cols - 1; j++)
            {
                values.Add(double.Parse(cells[j].Trim(), NumberStyles.Float, Inv));
            }
        }

        return [.. values];
    }

    private const string PythonScript = """
        import sys, time
        import numpy as np
        from sklearn.kernel_ridge import KernelRidge
        t0 = time.perf_counter()
        d, mode = sys.argv[1], sys.argv[2]
        def load(p):
            names = np.loadtxt(f"{d}/{p}.csv", delimiter=",", skiprows=1, dtype=str, usecols=(0, 6374))
            x = np.loadtxt(f"{d}/{p}.csv", delimiter=",", skiprows=1, usecols=range(1, 6374))
            return x, np.array(["LMH".index(c) for c in names[:, 1]])
        (x, y), (xd, yd), (xt, yt) = load("train"), load("devel"), load("test")
        t1 = time.perf_counter()
        mu, sd = x.mean(0), x.std(0); sd[sd == 0] = 1
        x, xd, xt = (x - mu) / sd, (xd - mu) / sd, (xt - mu) / sd
        t = -np.ones((len(y), 3)); t[np.arange(len(y)), y] = 1
        def uar(s, g): p = s.argmax(1); return np.mean([np.mean(p[g == c] == c) for c in range(3)])
        grid = [10 ** (-6 + 0.5 * i) for i in range(19)]
        if mode == "precomputed":
            k, kd = x @ x.T, xd @ x.T
            best = max(grid, key=lambda c: uar(KernelRidge(alpha=1 / c, kernel="precomputed").fit(k, t).predict(kd), yd))
            s = KernelRidge(alpha=1 / best, kernel="precomputed").fit(k, t).predict(xt @ x.T)
        else:
            best = max(grid, key=lambda c: uar(KernelRidge(alpha=1 / c, kernel="linear").fit(x, t).predict(xd), yd))
            s = KernelRidge(alpha=1 / best, kernel="linear").fit(x, t).predict(xt)
        print(f"{mode}: C={best:.4g} test UAR {uar(s, yt):.4f} load {t1 - t0:.2f} s learn {time.perf_counter() - t1:.2f} s")
        """;
}
