using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features;
using Affect.Features.IO;
using Affect.Features.Parity;

namespace Affect.Cli;

/// <summary>
/// <c>affect features lld IN.wav [...] --csv OUT.csv [--no-deltas]</c>: ComParE 2016 LLDs in openSMILE's CSV layout;
/// <c>affect features parity --reference DIR [--markdown docs/parity.md]</c>: agreement table with openSMILE.
/// </summary>
internal static class FeaturesCommand
{
    public const string UsageText = "affect features lld IN.wav [IN2.wav ...] --csv OUT.csv [--no-deltas] | affect features parity --reference DIR [--markdown FILE.md]";

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException(UsageText);
        }

        return args[0] switch
        {
            "lld" => Lld(Arguments.Parse(args[1..], "no-deltas")),
            "parity" => Parity(Arguments.Parse(args[1..])),
            "functionals" => FeaturesUtteranceCommand.RunFunctionals(Arguments.Parse(args[1..])),
            "parity-functionals" => FeaturesUtteranceCommand.RunParityFunctionals(Arguments.Parse(args[1..])),
            "boaw" => FeaturesUtteranceCommand.RunBoaw(Arguments.Parse(args[1..], "no-log")),
            _ => throw new UsageException($"unknown features command '{args[0]}' ({UsageText})"),
        };
    }

    private static int Lld(Arguments a)
    {
        string csv = a.Require("csv");
        bool noDeltas = a.Flag("no-deltas");
        a.RejectUnknown();
        if (a.Positional.Count == 0)
        {
            throw new UsageException("affect features lld: at least one input WAV file is required");
        }

        foreach (string path in a.Positional)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }
        }

        var options = new LowLevelDescriptorOptions(IncludeDeltas: !noDeltas);

        // Decode and validate every input before writing, so a bad file never leaves a partial CSV behind.
        var clips = a.Positional.Select(p => (Name: Path.GetFileNameWithoutExtension(p), Clip: AudioLoader.LoadMono(p))).ToList();
        string tmp = csv + ".tmp";
        using (var writer = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
        {
            OpenSmileCsv.WriteHeader(writer, options.IncludeDeltas ? LldColumns.All : LldColumns.Lld);
            foreach (var (name, clip) in clips)
            {
                // Same sample scaling as SMILExtract's wave source, so the CSV can be diffed against it.
                var extractor = new LowLevelDescriptors(options with { InputGain = LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample) });
                LldMatrix m = extractor.Extract(clip.Samples);
                OpenSmileCsv.WriteRows(writer, name, m);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {clip.DurationSeconds:F3} s, {m.Rows} frames"));
            }
        }

        File.Move(tmp, csv, overwrite: true);
        return 0;
    }

    private static int Parity(Arguments a)
    {
        string reference = a.Require("reference");
        string? markdown = a.Get("markdown");
        a.RejectUnknown();
        if (!Directory.Exists(reference))
        {
            throw new DirectoryNotFoundException($"{reference}: reference directory does not exist");
        }

        var report = LldParityReport.Compute(reference, new LowLevelDescriptors());
        string section = report.ToMarkdown();
        if (markdown is null)
        {
            Console.WriteLine(section);
        }
        else
        {
            string doc = File.Exists(markdown) ? File.ReadAllText(markdown) : "# Parity with openSMILE\n";
            File.WriteAllText(markdown, LldParityReport.ReplaceSection(doc, section));
            Console.WriteLine($"{markdown}: lld section updated ({report.Frames} frames)");
        }

        return 0;
    }
}
