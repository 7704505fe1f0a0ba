using TorchSharp;

namespace Affect.Training;

/// <summary>
/// Loads TorchSharp's native backend once with a clear error, and makes torch's random state reproducible
/// (every random choice takes an explicit seed; same seed and thread count give bit-identical weights).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool loaded;

    /// <summary>
    /// Loads libtorch and libLibTorchSharp.so for the CPU device, or throws an <see cref="InvalidOperationException"/>
    /// that names the library, the folder it was looked for in, and the fix.
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded)
            {
                return;
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

            loaded = true;
        }
    }

    /// <summary>Guards torch's process-wide random generator while a seed is set and consumed (model initialisation).</summary>
    internal static readonly object GlobalGenerator = new();

    /// <summary>
    /// Seeds torch's global CPU generator (<c>torch.manual_seed</c>) and, when <paramref name="singleThread"/> is set,
    /// limits intra-op parallelism to one thread so floating-point reductions run in a fixed order.
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
