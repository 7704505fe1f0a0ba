using System.Diagnostics;
using System.Globalization;
using Affect.Audio;
using Affect.Features;
using Affect.Features.EGeMaps;

namespace Affect.Benchmarks;

/// <summary>
/// eGeMAPS v02 extraction speed (25 LLDs + 88 functionals) on 60 s of 16 kHz audio, one thread. openSMILE is not
/// installed here; the reference is the SMILExtract timing recorded with the reference data
/// (tests/data/opensmile/set2/README.md: eGeMAPSv02, LLD CSV + functionals CSV, median 0.554 s for 60 s, same machine class).
/// Usage: <c>egemaps [FILE.wav]</c> (default tests/data/opensmile/set2/wav/long_60s.wav).
/// </summary>
public sealed class EGeMapsBenchmark : IBenchmark
{
    private const double SmileExtractSeconds = 0.554;
    private const double SmileExtractAudioSeconds = 60.0;

    /// <inheritdoc />
    public string Name => "egemaps";

    /// <inheritdoc />
    public string Description => "eGeMAPS v02 LLDs + functionals on long_60s.wav: single-thread time and RTF vs recorded SMILExtract (0.554 s)";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Cloud.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("Cloud.sln not found");
        }

        string wav = args.Length > 0 ? args[0] : Path.Combine(root, "tests", "data", "opensmile", "set2", "wav", "long_60s.wav");
        AudioClip clip = AudioLoader.LoadMono(wav);
        double seconds = clip.DurationSeconds;
        var samples = new float[clip.Samples.Length];
        LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample), samples);
        for (int i = 0; i < 2; i++)
        {
            _ = EGeMapsV02.Extract(samples);
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        int rows = 0;
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < 7; i++)
        {
            self.Refresh();
            TimeSpan c0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            rows = EGeMapsV02.Extract(samples).Lld.Rows;
            wall.Add(sw.Elapsed.TotalSeconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - c0).TotalSeconds);
        }

        wall.Sort();
        cpu.Sort();
        double median = wall[wall.Count / 2];
        double smile = SmileExtractSeconds * seconds / SmileExtractAudioSeconds;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine(string.Create(inv, $"eGeMAPS v02 (25 LLDs, {rows} rows + 88 functionals), {seconds:F1} s of audio, one thread, 7 runs"));
        Console.WriteLine(string.Create(inv, $"  wall min {wall[0]:F3} s  median {median:F3} s  RTF {median / seconds:F4}   (CPU median {cpu[cpu.Count / 2]:F3} s)"));
        Console.WriteLine(string.Create(inv, $"  SMILExtract recorded median {smile:F3} s  RTF {SmileExtractSeconds / SmileExtractAudioSeconds:F4}  → affect/SMILExtract {median / smile:F2}×"));
        return Task.FromResult(0);
    }
}
