using System.Diagnostics;
using System.Globalization;
using Affect.Audio;
using Affect.Features;

namespace Affect.Benchmarks;

/// <summary>
/// ComParE 2016 LLD extraction speed: 60 s of 16 kHz audio on one thread, and many files over all cores.
/// openSMILE is not installed here; the reference is the SMILExtract timing recorded with the reference data
/// (tests/data/opensmile/set2/README.md: LLD CSV only, median 0.490 s for 60 s, RTF 0.0082, same machine class).
/// </summary>
public sealed class LldBenchmark : IBenchmark
{
    private const double SmileExtractLldRtf = 0.490 / 60.0;

    /// <inheritdoc />
    public string Name => "lld";

    /// <inheritdoc />
    public string Description => "ComParE 2016 LLD + deltas on long60.wav: single-thread RTF and all-core throughput vs recorded SMILExtract RTF";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Cloud.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("Cloud.sln not found");
        }

        string wav = args.Length > 0 ? args[0] : Path.Combine(root, "tests", "data", "opensmile", "wav", "long60.wav");
        AudioClip clip = AudioLoader.LoadMono(wav);
        double seconds = clip.DurationSeconds;
        var extractor = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample)));

        for (int i = 0; i < 2; i++)
        {
            _ = extractor.Extract(clip.Samples);
        }

        var single = new List<double>();
        var cpu = new List<double>();
        int rows = 0;
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < 7; i++)
        {
            self.Refresh();
            TimeSpan c0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            rows = extractor.Extract(clip.Samples).Rows;
            single.Add(sw.Elapsed.TotalSeconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - c0).TotalSeconds);
        }

        single.Sort();
        cpu.Sort();
        double median = single[single.Count / 2];

        // Streaming in 100 ms blocks (bounded memory), rows read as they become final.
        var streamed = new List<double>();
        var buffer = new float[130 * 256];
        for (int i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            LldStream stream = extractor.CreateStream();
            for (int p = 0; p < clip.Samples.Length; p += 1600)
            {
                stream.Write(clip.Samples.AsSpan(p, Math.Min(1600, clip.Samples.Length - p)));
                while (stream.ReadRows(buffer) > 0)
                {
                }
            }

            stream.Complete();
            while (stream.ReadRows(buffer) > 0)
            {
            }

            streamed.Add(sw.Elapsed.TotalSeconds);
        }

        streamed.Sort();

        var voicing = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            _ = Affect.Features.Voicing.VoicingDescriptors.Compute(clip.Samples, rows);
            voicing.Add(sw.Elapsed.TotalSeconds);
        }

        voicing.Sort();
        double voicingMedian = voicing[voicing.Count / 2];

        int copies = 16;
        int cores = Environment.ProcessorCount;
        var all = Stopwatch.StartNew();
        Parallel.For(0, copies, new ParallelOptions { MaxDegreeOfParallelism = cores }, _ => extractor.Extract(clip.Samples));
        double parallel = all.Elapsed.TotalSeconds;

        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"input: {Path.GetFileName(wav)}, {seconds:F1} s, {rows} frames × 130"));
        Console.WriteLine(string.Create(ci, $"Extract (voicing group beside the spectral chain, SHS frames on the thread pool; the stream below is one thread): min {single[0]:F3} s, median {median:F3} s, RTF {median / seconds:F5} (SMILExtract recorded RTF {SmileExtractLldRtf:F4}; speed relative to SMILExtract {SmileExtractLldRtf / (median / seconds):F2}×)"));
        Console.WriteLine(string.Create(ci, $"  process CPU time per extraction: min {cpu[0]:F3} s, median {cpu[cpu.Count / 2]:F3} s (wall/CPU shows how much the machine's load stretched the wall time)"));
        Console.WriteLine(string.Create(ci, $"  streaming in 100 ms blocks (one thread): median {streamed[1]:F3} s"));
        Console.WriteLine(string.Create(ci, $"  of which voicing group (Affect.Features.Voicing): median {voicingMedian:F3} s; other 59 LLDs + deltas ≈ {median - voicingMedian:F3} s (RTF {(median - voicingMedian) / seconds:F5})"));
        Console.WriteLine(string.Create(ci, $"all cores ({cores}): {copies} × {seconds:F0} s in {parallel:F3} s, aggregate RTF {parallel / (copies * seconds):F5}"));
        return Task.FromResult(0);
    }
}
