using System.Globalization;
using Affect.Audio;

namespace Affect.Cli;

/// <summary><c>affect audio info</c>: reads WAV files and prints their header and summary (or a clear error).</summary>
internal static class AudioCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[0] != "info")
        {
            throw new UsageException("affect audio info FILE.wav [...]");
        }

        foreach (string path in args[1..])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }

            using var stream = File.OpenRead(path);
            var header = WavReader.ReadHeader(stream, Path.GetFileName(path));
            stream.Position = 0;
            var clip = AudioLoader.LoadMono(stream, Path.GetFileName(path), 16000);
            var s = AudioSummary.Compute(clip.Samples, clip.SampleRate);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: format {header.FormatTag}, {header.Channels} ch, {header.SampleRate} Hz, {header.BitsPerSample} bit, {s.DurationSeconds:F3} s; RMS {s.RmsDbfs:F2} dBFS, peak {s.PeakAbs:F4}, active {s.ActiveFraction:P0}"));
        }

        return 0;
    }
}
