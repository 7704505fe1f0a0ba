using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features;
using Affect.Features.IO;
using Affect.Features.Parity;
using Affect.Learning;

namespace Affect.Cli;

/// <summary>
/// <c>affect features lld</c>: ComParE 2016 LLDs in openSMILE's CSV layout; <c>affect features parity</c>: agreement
/// table with openSMILE.
/// </summary>
internal static class FeaturesCommand
{
    /// <summary><c>affect features lld</c>.</summary>
    public static CliCommand Lld { get; } = new("features lld", """
        affect features lld IN.wav [IN2.wav ...] --csv OUT.csv [--no-deltas] [--quiet | --json]
            ComParE 2016 LLDs (+ deltas) per 10 ms frame in openSMILE's CSV layout (any WAV, resampled to 16 kHz);
            progress over the files on stderr, the CSV's path (--quiet) or a JSON summary (--json) on stdout
        """, CliCommand.Sync(RunLld))
    {
        Options = ["csv"],
        Flags = ["no-deltas", .. CommandOutput.Flags],
        MinPositional = 1,
        MaxPositional = int.MaxValue,
    };

    /// <summary><c>affect features parity</c>.</summary>
    public static CliCommand Parity { get; } = new("features parity", """
        affect features parity --reference DIR [--markdown docs/parity.md]
            per-LLD agreement (Pearson r, NRMSE) with the openSMILE reference outputs in DIR; prints the table or updates its section of the markdown file
        """, CliCommand.Sync(RunParity))
    {
        Options = ["reference", "markdown"],
    };

    // src/Affect.Cli.Native (the published Native AOT entry) runs this command too, with the same output; a change here
    // goes there as well (NativeEntryTests compares the two).
    private static int RunLld(Arguments a)
    {
        string csv = a.Require("csv");
        bool noDeltas = a.Flag("no-deltas");
        using var output = CommandOutput.For(a, "features lld");
        a.RejectUnknown();

        foreach (string path in a.Positional)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }
        }

        var options = new LowLevelDescriptorOptions(IncludeDeltas: !noDeltas);

        // Decode, extract and validate every input before writing, so a bad file never leaves a partial CSV behind.
        var extracted = new List<(string Name, double Seconds, LldMatrix Lld)>();
        foreach (string path in a.Positional)
        {
            output.Progress("lld", extracted.Count, a.Positional.Count);
            var clip = StageProfile.Measure("read " + Path.GetFileName(path), () => AudioLoader.LoadMono(path));

            // Same sample scaling as SMILExtract's wave source, so the CSV can be diffed against it.
            var extractor = new LowLevelDescriptors(options with { InputGain = LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample) });
            var lld = StageProfile.Measure("extract", () => extractor.ExtractInPlace(clip.Samples)); // the clip is not used again: no copy of the signal
            extracted.Add((Path.GetFileNameWithoutExtension(path), clip.DurationSeconds, RequireFrames(lld, path, clip.DurationSeconds)));
        }

        // AFFECT_PROFILE=1 prints the wall and CPU time of each stage (read, extract, write) on stderr.
        StageProfile.Measure("write csv", () =>
        {
            AtomicFile.Write(csv, stream =>
            {
                OpenSmileCsv.WriteHeader(stream, options.IncludeDeltas ? LldColumns.All : LldColumns.Lld);
                foreach (var (name, seconds, m) in extracted)
                {
                    OpenSmileCsv.WriteRows(stream, name, m);
                    output.Detail(string.Create(CultureInfo.InvariantCulture, $"{name}: {seconds:F3} s, {m.Rows} frames"));
                }
            });
            return 0;
        });
        output.Progress("lld", extracted.Count, a.Positional.Count);
        output.Finish(new CommandSummary("completed", [("csv", Path.GetFullPath(csv))], [("files", extracted.Count), ("frames", extracted.Sum(e => e.Lld.Rows))]));
        return 0;
    }

    /// <summary>
    /// Refuses a recording shorter than one 60 ms frame (fewer than 960 samples at 16 kHz): it has no LLD rows, so
    /// <c>features lld</c> would write nothing for it and its functionals would be undefined. Both <c>features lld</c> and
    /// <c>features functionals</c> call this, so they accept and refuse the same inputs.
    /// </summary>
    internal static LldMatrix RequireFrames(LldMatrix m, string path, double seconds) => m.Rows > 0
        ? m
        : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: duration: {seconds:F3} s is shorter than one 60 ms LLD frame"));

    private static int RunParity(Arguments a)
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
            AtomicFile.WriteAllText(markdown, LldParityReport.ReplaceSection(doc, section));
            Console.WriteLine($"{markdown}: lld section updated ({report.Frames} frames)");
        }

        return 0;
    }
}
