using System.Diagnostics;
using System.Globalization;
using Affect.Audio;

namespace Affect.Benchmarks;

/// <summary>
/// Loading a WAV at an odd sample rate (44 101, 767 999 Hz) next to its round neighbour (44 100, 768 000 Hz): the odd
/// rates have no small exact polyphase table, so this shows what the interpolated phase table costs. The reference is
/// the round neighbour in the same run (what <c>affect audio info</c> pays for the common rate).
/// </summary>
public sealed class ResampleBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "resample";

    /// <inheritdoc />
    public string Description => "AudioLoader.LoadMono to 16 kHz at odd rates (44 101, 767 999 Hz) vs their round neighbours, wall time median of 5";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args)
    {
        var cases = new (int Rate, int Seconds)[] { (44100, 60), (44101, 60), (48000, 60), (768000, 10), (767999, 10) };
        Console.WriteLine("| input | load + resample to 16 kHz, wall median of 5 (min) | RTF |");
        Console.WriteLine("|---|---|---|");
        foreach (var (rate, seconds) in cases)
        {
            var samples = new float[rate * seconds];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 440.0 * i / rate));
            }

            byte[] wav = WavWriter.ToPcm16Bytes(samples, rate);
            _ = AudioLoader.LoadMono(new MemoryStream(wav), "warmup.wav");
            var times = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                _ = AudioLoader.LoadMono(new MemoryStream(wav), "bench.wav");
                times.Add(sw.Elapsed.TotalSeconds);
            }

            times.Sort();
            double median = times[times.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {seconds} s at {rate} Hz | {median:F3} s ({times[0]:F3}) | {median / seconds:F4} |"));
        }

        return Task.FromResult(0);
    }
}
