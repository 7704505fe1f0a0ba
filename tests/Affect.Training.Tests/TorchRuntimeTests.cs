using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

public sealed class TorchRuntimeTests(ITestOutputHelper output)
{
    private static readonly string[] CpuVariables = ["ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS"];

    [Fact]
    public void EnsureLoadedPinsTheNativeEnvironmentAndSwitchesOneDnnOff()
    {
        Assert.True(TorchRuntime.Reproducible, $"the tests expect the reproducible default ({TorchRuntime.NativeIsaVariable} unset)");

        TorchRuntime.EnsureLoaded();

        Assert.Equal(["MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA"], TorchRuntime.CpuPins.Select(p => p.Key));
        foreach (var (name, value) in TorchRuntime.CpuPins)
        {
            // What libtorch, oneMKL and oneDNN read: libc's environment, not .NET's copy.
            Assert.Equal(value, Marshal.PtrToStringUTF8(NativeGetEnv(name)));
            Assert.Equal(value, TorchRuntime.NativeEnvironmentVariable(name));
            Assert.Equal(value, Environment.GetEnvironmentVariable(name));
        }

        Assert.False(TorchRuntime.OneDnnKernelsEnabled);
    }

    /// <summary>
    /// The same seeded training in fresh processes whose environment asks for different CPU code paths (the machine's own,
    /// AVX2 only, AVX-512) gives byte-identical ONNX models and kernel-algebra results, and TorchSharp agrees with ONNX
    /// Runtime within 1e-5 in each. On an AVX-512 CPU a control run with the pins off shows that the environments
    /// really do change the bits.
    /// </summary>
    [Fact]
    public async Task SeededTrainingIsByteIdenticalWhateverCpuCodePathTheEnvironmentAsksFor()
    {
        var machine = new Dictionary<string, string>();
        var avx2 = new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["ATEN_CPU_CAPABILITY"] = "avx2", ["MKL_CBWR"] = "AVX2", ["MKL_ENABLE_INSTRUCTIONS"] = "AVX2" };
        var avx512 = new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "AVX512_CORE_AMX", ["ATEN_CPU_CAPABILITY"] = "avx512", ["MKL_CBWR"] = "AVX512", ["MKL_ENABLE_INSTRUCTIONS"] = "AVX512" };

        var reference = await Probe("machine", machine);
        foreach (var run in new[] { reference, await Probe("avx2", avx2), await Probe("avx512", avx512) })
        {
            Assert.Equal("True", run.Report["reproducible"]);
            Assert.Equal("False", run.Report["onednn"]);
            Assert.Equal("COMPATIBLE", run.Report["env:MKL_CBWR"]);
            Assert.Equal("AVX2", run.Report["env:ONEDNN_MAX_CPU_ISA"]);
            Assert.True(run.Worst <= 1e-5, $"{run.Name}: largest |TorchSharp - ORT| = {run.Worst}");
            Assert.True(reference.Onnx.AsSpan().SequenceEqual(run.Onnx), $"{run.Name}: ONNX bytes differ from the machine-default run");
            Assert.Equal(reference.Report["algebra"], run.Report["algebra"]);
        }

        if (Avx512F.IsSupported)
        {
            var native = new Dictionary<string, string> { [TorchRuntime.NativeIsaVariable] = "1" };
            var nativeMachine = await Probe("native machine", native);
            var nativeAvx2 = await Probe("native avx2", new Dictionary<string, string>(avx2.Concat(native)));
            Assert.Equal("True", nativeMachine.Report["onednn"]);
            Assert.False(nativeMachine.Onnx.AsSpan().SequenceEqual(nativeAvx2.Onnx), "with the pins off, AVX-512 and AVX2 runs should differ on this CPU");
        }
    }

    private async Task<ProbeRun> Probe(string name, IReadOnlyDictionary<string, string> environment)
    {
        var dir = Directory.CreateTempSubdirectory("affect-isa-");
        try
        {
            var onnxPath = Path.Combine(dir.FullName, "model.onnx");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { typeof(ReproducibilityProbe).Assembly.Location, ReproducibilityProbe.Command, onnxPath })
            {
                start.ArgumentList.Add(a);
            }

            foreach (var variable in CpuVariables.Append(TorchRuntime.NativeIsaVariable))
            {
                start.Environment.Remove(variable);
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"{name}: probe exited {process.ExitCode}: {stderr}");
            var report = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
            var run = new ProbeRun(name, await File.ReadAllBytesAsync(onnxPath), report, double.Parse(report["worst"], CultureInfo.InvariantCulture));
            output.WriteLine($"{name}: ONNX SHA-256 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(run.Onnx))[..16]}, |TorchSharp - ORT| {run.Worst:E2}, oneDNN {report["onednn"]}, {string.Join(", ", report.Where(p => p.Key.StartsWith("env:", StringComparison.Ordinal)).Select(p => $"{p.Key[4..]}={p.Value}"))}");
            return run;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr NativeGetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    private sealed record ProbeRun(string Name, byte[] Onnx, Dictionary<string, string> Report, double Worst);
}
