using System.Globalization;
using Affect.Audio;

namespace Affect.Cli;

/// <summary><c>affect audio info</c>: reads WAV files and prints their header and summary (or a clear error).</summary>
internal static class AudioCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Info { get; } = new("audio info", """
        affect audio info FILE.wav [FILE2.wav ...]
            read WAV files (any PCM/float format) and print their header and summary
        """, CliCommand.Sync(Run))
    {
        MinPositional = 1,
        MaxPositional = int.MaxValue,
    };

    private static int Run(Arguments args)
    {
        foreach (string path in args.Positional)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }

            // Regular files only: a FIFO or device would block or never end.
            using var stream = RegularFile.OpenRead(path, path);
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
