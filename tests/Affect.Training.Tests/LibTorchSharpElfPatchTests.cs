using System.Reflection;
using System.Text;
using Affect.Build;
using TorchSharp;

namespace Affect.Training.Tests;

/// <summary>
/// The build's managed ELF patcher (infra/torchsharp/LibTorchSharpElfPatch.cs, run by Directory.Build.targets) on a copy
/// of the TorchSharp package's own libLibTorchSharp.so, and the build output's patched library loading for real.
/// </summary>
public sealed class LibTorchSharpElfPatchTests
{
    // Facts of TorchSharp 0.107.0's linux-x64 libLibTorchSharp.so, read with binutils' readelf:
    // .dynsym at 0x3890, symbol 482 = _ZSt21ios_base_library_initv (FUNC GLOBAL UND, st_info 0x12);
    // .gnu.version at 0x3dfae (symbol 482's entry 0x12 = version index 18);
    // .gnu.version_r at 0x3f8f0, the GLIBCXX_3.4.32 Vernaux record at +0x140 (flags 0).
    private const int SymbolIndex = 482;
    private const long StInfoOffset = 0x3890 + SymbolIndex * 24 + 4;
    private const long VersymOffset = 0x3dfae + SymbolIndex * 2;
    private const long VnaFlagsOffset = 0x3f8f0 + 0x140 + 4;

    private static string PackageLibrary()
    {
        string root = typeof(LibTorchSharpElfPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value ?? throw new InvalidOperationException("NuGetPackageRoot is empty");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path),
            $"{path}: not found; this test's offsets are those of TorchSharp 0.107.0, restored with this project");
        return path;
    }

    [Fact]
    public void PatchChangesExactlyTheThreeFieldsThenNothing()
    {
        string original = PackageLibrary();
        var dir = Directory.CreateTempSubdirectory("affect-elf-");
        try
        {
            string lib = Path.Combine(dir.FullName, "libLibTorchSharp.so");
            File.Copy(original, lib);
            Assert.Equal(GlibcxxCompatState.NeedsPatch, GlibcxxCompat.Inspect(GlibcxxCompat.Load(lib)));

            Assert.Equal(GlibcxxCompatState.Patched, GlibcxxCompat.Stage(lib, lib, patch: true));

            byte[] before = File.ReadAllBytes(original);
            byte[] after = File.ReadAllBytes(lib);
            Assert.Equal(before.Length, after.Length);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i])
                .Select(i => (Offset: (long)i, Old: before[i], New: after[i])).ToArray();
            Assert.Equal(
                new[]
                {
                    (StInfoOffset, (byte)0x12, (byte)0x22),   // st_info: STB_GLOBAL|STT_FUNC -> STB_WEAK|STT_FUNC
                    (VersymOffset, (byte)0x12, (byte)0x01),   // .gnu.version: index 18 -> 1 (VER_NDX_GLOBAL)
                    (VnaFlagsOffset, (byte)0x00, (byte)0x02), // vna_flags: 0 -> VER_FLG_WEAK
                },
                changed);

            // The reader sees the same three fields where the patch put them.
            var image = GlibcxxCompat.Load(lib);
            var requirement = Assert.Single(image.VersionRequirements(), r => r.Name == GlibcxxCompat.RequiredVersion);
            Assert.Equal(VnaFlagsOffset, requirement.Offset + 4);
            Assert.Equal("libstdc++.so.6", requirement.Library);
            Assert.Equal(GlibcxxCompat.VerFlgWeak, requirement.Flags);
            Assert.Equal(SymbolIndex, Assert.Single(image.SymbolIndices(GlibcxxCompat.Symbol)));
            Assert.Equal(1, image.SymbolVersionIndices()[SymbolIndex]);
            Assert.Equal(GlibcxxCompat.StbWeak, image.Bytes[image.SymbolOffset(SymbolIndex) + 4] >> 4);
            Assert.DoesNotContain("libAffectIosBaseInit.so", image.NeededLibraries());

            // Second run: already patched, nothing written (same bytes, same file).
            var written = File.GetLastWriteTimeUtc(lib);
            Assert.Equal(GlibcxxCompatState.Patched, GlibcxxCompat.Stage(lib, lib, patch: true));
            Assert.Equal(after, File.ReadAllBytes(lib));
            Assert.Equal(written, File.GetLastWriteTimeUtc(lib));
            Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void StagingWithoutPatchCopiesTheOriginalUnchanged()
    {
        string original = PackageLibrary();
        var dir = Directory.CreateTempSubdirectory("affect-elf-");
        try
        {
            string staged = Path.Combine(dir.FullName, "stage", "libLibTorchSharp.so");
            Assert.Equal(GlibcxxCompatState.NeedsPatch, GlibcxxCompat.Stage(original, staged, patch: false));
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(staged));

            // Re-staging over an existing (patched) copy replaces it from the original.
            Assert.Equal(GlibcxxCompatState.Patched, GlibcxxCompat.Stage(original, staged, patch: true));
            Assert.Equal(GlibcxxCompatState.NeedsPatch, GlibcxxCompat.Stage(original, staged, patch: false));
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(staged));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void NonElfFileIsAClearErrorNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("affect-elf-");
        try
        {
            string lib = Path.Combine(dir.FullName, "libLibTorchSharp.so");
            File.WriteAllText(lib, "version https://git-lfs.github.com/spec/v1\n");
            string staged = Path.Combine(dir.FullName, "stage.so");

            var error = Assert.Throws<ElfFormatException>(() => GlibcxxCompat.Stage(lib, staged, patch: true));
            Assert.StartsWith($"{lib}: e_ident: not an ELF file", error.Message);
            Assert.False(File.Exists(staged));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(40, "e_ident")]          // shorter than the ELF header
    [InlineData(1 << 20, "e_shoff")]     // header intact, section header table cut off
    public void TruncatedLibraryIsAClearErrorNamingTheFile(int length, string field)
    {
        byte[] head = File.ReadAllBytes(PackageLibrary())[..length];
        var dir = Directory.CreateTempSubdirectory("affect-elf-");
        try
        {
            string lib = Path.Combine(dir.FullName, "libLibTorchSharp.so");
            File.WriteAllBytes(lib, head);

            var error = Assert.Throws<ElfFormatException>(() => GlibcxxCompat.Stage(lib, lib, patch: true));
            Assert.StartsWith($"{lib}: {field}: ", error.Message);
            Assert.Equal(head, File.ReadAllBytes(lib));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoaderCacheGivesTheLibStdCxxOfTheLibrarysArchitecture(bool oldFormatFirst)
    {
        var dir = Directory.CreateTempSubdirectory("affect-elf-");
        try
        {
            string cache = Path.Combine(dir.FullName, "ld.so.cache");
            File.WriteAllBytes(cache, LoaderCache(oldFormatFirst,
                (0x0003, "libstdc++.so.6", "/usr/lib/i386-linux-gnu/libstdc++.so.6"),
                (0x0303, "libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"),
                (0x0303, "libstdc++.so.6", "/opt/x86-64/libstdc++.so.6"),
                (0x0A03, "libstdc++.so.6", "/opt/aarch64/libstdc++.so.6")));

            Assert.Equal(new[] { "/opt/x86-64/libstdc++.so.6" }, HostStdCxx.CacheEntries(cache, ElfImage.EmX8664));
            Assert.Equal(new[] { "/opt/aarch64/libstdc++.so.6" }, HostStdCxx.CacheEntries(cache, ElfImage.EmAarch64));
            Assert.Empty(HostStdCxx.CacheEntries(Path.Combine(dir.FullName, "missing"), ElfImage.EmX8664));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void HostDecisionReadsTheSystemLibStdCxx()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            != System.Runtime.InteropServices.Architecture.X64)
        {
            return;
        }

        var candidates = HostStdCxx.Candidates(ElfImage.EmX8664, "/etc/ld.so.cache");
        Assert.NotEmpty(candidates);
        bool needs = HostStdCxx.NeedsCompat(ElfImage.EmX8664, "/etc/ld.so.cache", out string reason);
        bool allDefine = candidates.All(c => GlibcxxCompat.Load(c).VersionDefinitions().Contains("GLIBCXX_3.4.32"));
        Assert.Equal(!allDefine, needs);
        Assert.Contains("libstdc++.so.6", reason);
        Assert.Contains("GLIBCXX_3.4", GlibcxxCompat.Load(candidates[0]).VersionDefinitions());
    }

    /// <summary>The library the build put next to this assembly is patched when the host needs it, and TorchSharp loads it.</summary>
    [Fact]
    public void BuildOutputLibraryLoadsAndCreatesATensor()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string lib = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        var image = GlibcxxCompat.Load(lib);
        Assert.DoesNotContain("libAffectIosBaseInit.so", image.NeededLibraries());
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "libAffectIosBaseInit.so")));
        if (HostStdCxx.NeedsCompat(image.Machine, "/etc/ld.so.cache", out string reason))
        {
            Assert.True(GlibcxxCompat.Inspect(image) == GlibcxxCompatState.Patched, $"{lib}: not patched although {reason}");
        }

        TorchRuntime.EnsureLoaded();
        using var values = torch.arange(1, 5, dtype: torch.float32);
        using var sum = values.sum();
        Assert.Equal(10f, sum.item<float>());
    }

    private static byte[] LoaderCache(bool oldFormatFirst, params (int Flags, string Key, string Value)[] entries)
    {
        // glibc's struct cache_file_new (48-byte header, 24-byte entries), strings after the entries; offsets are from
        // the start of that header. Optionally preceded by an old-format cache ("ld.so-1.7.0", 12-byte entries).
        var strings = new MemoryStream();
        var offsets = new List<(uint Key, uint Value)>();
        int stringsStart = 48 + entries.Length * 24;
        foreach (var (_, key, value) in entries)
        {
            uint keyOffset = (uint)(stringsStart + strings.Length);
            strings.Write(Encoding.ASCII.GetBytes(key + "\0"));
            uint valueOffset = (uint)(stringsStart + strings.Length);
            strings.Write(Encoding.ASCII.GetBytes(value + "\0"));
            offsets.Add((keyOffset, valueOffset));
        }

        var cache = new MemoryStream();
        var writer = new BinaryWriter(cache);
        if (oldFormatFirst)
        {
            writer.Write(Encoding.ASCII.GetBytes("ld.so-1.7.0\0"));
            writer.Write(3u);
            writer.Write(new byte[3 * 12]);
            writer.Write(new byte[(8 - (int)(cache.Length % 8)) % 8]);
        }

        writer.Write(Encoding.ASCII.GetBytes("glibc-ld.so.cache1.1"));
        writer.Write((uint)entries.Length);
        writer.Write((uint)strings.Length);
        writer.Write(new byte[4 + 4 + 12]); // flags, padding, extension_offset, unused
        for (int i = 0; i < entries.Length; i++)
        {
            writer.Write(entries[i].Flags);
            writer.Write(offsets[i].Key);
            writer.Write(offsets[i].Value);
            writer.Write(0u);
            writer.Write(0UL);
        }

        writer.Write(strings.ToArray());
        writer.Flush();
        return cache.ToArray();
    }
}
