using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Affect.Training;

/// <summary>
/// Loads TorchSharp's native backend once with a clear error, and makes torch's results reproducible: every random
/// choice takes an explicit seed, and the native kernels are pinned so that the same seed, data and thread count give
/// bit-identical weights, losses and predictions on every x86-64 CPU with AVX2 and FMA, whatever else it offers
/// (AVX-512, AMX, another vendor). See <see cref="EnsureLoaded"/> and docs/reproducibility.md.
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>
    /// Environment variable that switches the CPU pins off when set to <c>1</c>: libtorch then picks its kernels for the
    /// machine (fastest, but weights and predictions differ between CPUs, and oneDNN's AVX-512 LSTM disagrees with
    /// ONNX Runtime by up to 0.08 on small models). Anything else, or unset, keeps the reproducible default.
    /// </summary>
    public const string NativeIsaVariable = "AFFECT_TORCH_NATIVE_ISA";

    private static readonly Lock Gate = new();
    private static bool loaded;

    /// <summary>
    /// The native environment <see cref="EnsureLoaded"/> sets before libtorch starts (on x86-64, unless
    /// <see cref="NativeIsaVariable"/> is 1), each read once by its library at first use:
    /// <c>MKL_CBWR=COMPATIBLE</c> (oneMKL's conditional numerical reproducibility on its SSE2 code path, the only branch
    /// oneMKL documents as identical on Intel and non-Intel CPUs; <c>AVX2</c> silently falls back to the machine's own
    /// branch on AMD), <c>ATEN_CPU_CAPABILITY=avx2</c> (ATen's element-wise and reduction kernels compiled for AVX2, the
    /// same SLEEF code on every AVX2 CPU instead of AVX-512 where present; <c>default</c> on a CPU without AVX2/FMA,
    /// which ATen would choose there anyway), and <c>ONEDNN_MAX_CPU_ISA=AVX2</c> (caps oneDNN, a safeguard: its
    /// AVX-512 LSTM kernel is the one that disagrees with ONNX Runtime, and the LSTM is taken off oneDNN altogether).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CpuPins { get; } =
    [
        new("MKL_CBWR", "COMPATIBLE"),
        new("ATEN_CPU_CAPABILITY", Avx2.IsSupported && Fma.IsSupported ? "avx2" : "default"),
        new("ONEDNN_MAX_CPU_ISA", "AVX2"),
    ];

    /// <summary>
    /// Whether this process uses the reproducible CPU setup: on x86-64 unless <see cref="NativeIsaVariable"/> was 1 when
    /// the process first used this class (the pins are x86 names; other architectures keep libtorch's defaults).
    /// </summary>
    public static bool Reproducible { get; } =
        RuntimeInformation.ProcessArchitecture == Architecture.X64 && Environment.GetEnvironmentVariable(NativeIsaVariable) != "1";

    /// <summary>
    /// Loads libtorch and libLibTorchSharp.so for the CPU device, or throws an <see cref="InvalidOperationException"/>
    /// that names the library, the folder it was looked for in, and the fix. Call it before any other torch call (every
    /// Affect entry point does). When <see cref="Reproducible"/>, it first writes <see cref="CpuPins"/> into the native
    /// environment (libc <c>setenv</c>: .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not
    /// reach native <c>getenv</c> on Linux) and, once libtorch is loaded, turns off its oneDNN (mkldnn) kernels
    /// (<c>at::globalContext().setUserEnabledMkldnn(false)</c>, which TorchSharp 0.107 does not expose), so
    /// <c>nn.LSTM</c> runs ATen's own cell: oneMKL GEMMs plus ATen element-wise kernels, both pinned above; NNPACK's
    /// convolutions are turned off the same way (<c>setUserEnabledNNPACK(false)</c>), so a convolution is ATen's GEMM too. oneDNN's LSTM
    /// chooses its code by CPU and documents bit-reproducibility only on one machine; on AVX-512 its inference kernel
    /// differed from ONNX Runtime by 0.024 on the parity test's model, its AVX2 kernel by 4.5e-8 (docs/reproducibility.md).
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded)
            {
                return;
            }

            var reproducible = Reproducible;
            if (reproducible)
            {
                PinNativeEnvironment();
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception error) when (error is NotSupportedException or DllNotFoundException or TypeInitializationException
                                                 or BadImageFormatException or EntryPointNotFoundException)
            {
                throw new InvalidOperationException(
                    $"TorchSharp's native library libLibTorchSharp.so (TorchSharp-cpu, libtorch 2.10) could not be loaded from " +
                    $"{AppContext.BaseDirectory}: {error.Message} " +
                    "On Linux hosts whose libstdc++ lacks GLIBCXX_3.4.32 (e.g. Debian 12) the build patches this library " +
                    "(Directory.Build.targets, AffectPatchLibTorchSharp; .NET SDK only): rebuild with AffectTorchSharpPatch " +
                    "not set to false, and run from the build output rather than the NuGet package folder (see infra/torchsharp/README.md).",
                    error);
            }

            if (reproducible)
            {
                SetOneDnnKernels(false);
                SetNnpackKernels(false);
            }

            loaded = true;
        }
    }

    /// <summary>
    /// Whether libtorch may run oneDNN (mkldnn) kernels on the CPU (<c>at::globalContext().userEnabledMkldnn()</c>):
    /// false after <see cref="EnsureLoaded"/> in the reproducible setup, true with <see cref="NativeIsaVariable"/>=1.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">libtorch's C++ context is not reachable on this OS (only Linux and macOS are).</exception>
    public static bool OneDnnKernelsEnabled
    {
        get
        {
            EnsureLoaded();
            var (context, library) = TorchContext();
            unsafe
            {
                var get = (delegate* unmanaged<nint, byte>)Export(library, "_ZNK2at7Context17userEnabledMkldnnEv");
                return get(context) != 0;
            }
        }
    }

    /// <summary>Reads a variable from the native (libc) environment, which is what libtorch, oneMKL and oneDNN see.</summary>
    public static string? NativeEnvironmentVariable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(GetEnv(name));
    }

    // Before libtorch loads: its libraries read these once, at their first use.
    private static void PinNativeEnvironment()
    {
        foreach (var (name, value) in CpuPins)
        {
            if (OperatingSystem.IsWindows())
            {
                // The C runtime keeps its own copy: _putenv_s updates it (and the process environment).
                if (PutEnv(name, value) != 0)
                {
                    throw new InvalidOperationException($"could not set {name}={value} in the C runtime's environment");
                }
            }
            else if (SetEnv(name, value, 1) != 0)
            {
                throw new InvalidOperationException($"setenv({name}={value}) failed with errno {Marshal.GetLastPInvokeError()}");
            }

            // Keep .NET's copy (what child processes inherit and Environment reads) in step.
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    // libtorch's process-wide at::Context switch for oneDNN kernels (C++ symbols, Itanium ABI: Linux and macOS).
    private static void SetOneDnnKernels(bool enabled)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // MSVC-mangled names differ and are untested; the ONEDNN_MAX_CPU_ISA pin still applies.
        }

        var (context, library) = TorchContext();
        unsafe
        {
            var set = (delegate* unmanaged<nint, int, void>)Export(library, "_ZN2at7Context20setUserEnabledMkldnnEb");
            set(context, enabled ? 1 : 0);
        }
    }

    // NNPACK's convolutions pick their code by CPU (and print "Could not initialize NNPACK" per call where unsupported);
    // off, a libtorch convolution runs ATen's im2col + oneMKL GEMM, pinned like the rest (End2YouModel's own run on
    // Convolution1d, which is bit-identical everywhere and about 4× faster than that path).
    private static void SetNnpackKernels(bool enabled)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (context, library) = TorchContext();
        unsafe
        {
            var set = (delegate* unmanaged<nint, int, void>)Export(library, "_ZN2at7Context20setUserEnabledNNPACKEb");
            set(context, enabled ? 1 : 0);
        }
    }

    private static (nint Context, nint Library) TorchContext()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("libtorch's at::Context is only reached on Linux and macOS");
        }

        var name = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (!NativeLibrary.TryLoad(name, typeof(TorchRuntime).Assembly, null, out var library))
        {
            throw new InvalidOperationException($"{name} (loaded by TorchSharp) could not be opened to switch off oneDNN's LSTM; set {NativeIsaVariable}=1 to run without the reproducible CPU setup");
        }

        unsafe
        {
            var global = (delegate* unmanaged<nint>)Export(library, "_ZN2at13globalContextEv");
            return (global(), library);
        }
    }

    private static nint Export(nint library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out var address)
            ? address
            : throw new InvalidOperationException($"libtorch_cpu: symbol {symbol} not found (libtorch other than 2.x?); set {NativeIsaVariable}=1 to run without the reproducible CPU setup");

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnv(string name);

    [LibraryImport("ucrtbase", EntryPoint = "_putenv_s", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PutEnv(string name, string value);

    /// <summary>Guards torch's process-wide random generator while a seed is set and consumed (model initialisation).</summary>
    internal static readonly object GlobalGenerator = new();

    /// <summary>
    /// Seeds torch's global CPU generator (<c>torch.manual_seed</c>) and, when <paramref name="singleThread"/> is set,
    /// limits intra-op parallelism to one thread so floating-point reductions run in a fixed order (with the CPU pins of
    /// <see cref="EnsureLoaded"/> the same order on every machine).
    /// Call before creating modules or drawing random tensors.
    /// </summary>
    /// <param name="seed">The seed for weight initialisation, dropout and any torch.rand* call that follows.</param>
    /// <param name="singleThread">Use one intra-op thread (bit-reproducible results across runs and machines).</param>
    public static void Seed(long seed, bool singleThread = true)
    {
        EnsureLoaded();
        if (singleThread)
        {
            torch.set_num_threads(1);
        }

        torch.manual_seed(seed);
    }
}
