using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Affect.Training.Tests;

/// <summary>Runs infra/torchsharp/patch-libtorchsharp.sh on a fresh copy of the package's libLibTorchSharp.so.</summary>
public sealed class PatchScriptTests
{
    private static string Metadata(string key) =>
        typeof(PatchScriptTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");

    [Fact]
    public void PatchesOnceThenDoesNothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var script = Path.Combine(Metadata("RepositoryRoot"), "infra", "torchsharp", "patch-libtorchsharp.sh");
        var original = Path.Combine(Metadata("NuGetPackageRoot"), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native",
            "libLibTorchSharp.so");
        Assert.True(File.Exists(original), $"{original}: package file not found");

        var dir = Directory.CreateTempSubdirectory("affect-torchsharp-");
        try
        {
            var lib = Path.Combine(dir.FullName, "libLibTorchSharp.so");
            File.Copy(original, lib);

            var (firstCode, firstOut, firstErr) = Run(script, dir.FullName);
            Assert.True(firstCode == 0, $"first run exited {firstCode}: {firstErr}");
            var shim = Path.Combine(dir.FullName, "libAffectIosBaseInit.so");
            var patched = File.Exists(shim);
            if (patched)
            {
                // One line on success, and the library really changed.
                Assert.Single(firstOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains("patched", firstOut);
                Assert.NotEqual(Hash(original), Hash(lib));
            }
            else
            {
                // The host's libstdc++ already defines GLIBCXX_3.4.32: nothing to do, nothing printed.
                Assert.Equal(string.Empty, firstOut);
                Assert.Equal(Hash(original), Hash(lib));
            }

            var before = Hash(lib);
            var (secondCode, secondOut, secondErr) = Run(script, dir.FullName);
            Assert.True(secondCode == 0, $"second run exited {secondCode}: {secondErr}");
            Assert.Equal(string.Empty, secondOut);
            Assert.Equal(before, Hash(lib));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MissingLibraryIsAClearError()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var script = Path.Combine(Metadata("RepositoryRoot"), "infra", "torchsharp", "patch-libtorchsharp.sh");
        var dir = Directory.CreateTempSubdirectory("affect-torchsharp-");
        try
        {
            var (code, _, err) = Run(script, dir.FullName);
            Assert.NotEqual(0, code);
            Assert.Contains("libLibTorchSharp.so: file not found", err);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static (int Code, string Out, string Err) Run(string script, string dir)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
