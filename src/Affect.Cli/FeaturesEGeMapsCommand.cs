using System.Globalization;
using Affect.Audio;
using Affect.Features;
using Affect.Features.EGeMaps;
using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Cli;

/// <summary>
/// <c>affect features egemaps IN.wav [...] [--csv OUT.csv] [--arff OUT.arff] [--lld-csv LLD.csv] [--label CLASS]</c>:
/// the 88 eGeMAPS v02 functionals per file and optionally the 25 LLDs per 10 ms frame, in openSMILE's layouts.
/// </summary>
internal static class FeaturesEGeMapsCommand
{
    /// <summary><c>affect features egemaps</c>.</summary>
    public static CliCommand EGeMaps { get; } = new("features egemaps", """
        affect features egemaps IN.wav [IN2.wav ...] [--csv OUT.csv] [--arff OUT.arff] [--lld-csv LLD.csv] [--label CLASS]
            [--quiet | --json]
            the 88 eGeMAPS v02 functionals per file (openSMILE eGeMAPSv02.conf) in openSMILE's CSV/ARFF layouts and/or
            the 25 LLDs per 10 ms frame (at least one of --csv, --arff, --lld-csv); --label CLASS adds a class column;
            progress over the files on stderr, the first output's path (--quiet) or a JSON summary (--json) on stdout
        """, CliCommand.Sync(Run))
    {
        Options = ["csv", "arff", "lld-csv", "label"],
        Flags = CommandOutput.Flags,
        MinPositional = 1,
        MaxPositional = int.MaxValue,
    };

    /// <summary><c>affect features parity-egemaps</c>.</summary>
    public static CliCommand Parity { get; } = new("features parity-egemaps", """
        affect features parity-egemaps --reference DIR [--markdown docs/parity.md]
            eGeMAPS functionals and LLDs from the set-2 WAVs vs openSMILE's (DIR/set2/egemaps_*); prints the table or updates its section of the markdown file
        """, CliCommand.Sync(RunParity))
    {
        Options = ["reference", "markdown"],
    };

    private static int RunParity(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string reference = a.Require("reference");
        string? markdown = a.Get("markdown");
        a.RejectUnknown();
        if (!Directory.Exists(reference))
        {
            throw new DirectoryNotFoundException($"{reference}: reference directory does not exist");
        }

        string section = EGeMapsParity.RenderMarkdown(EGeMapsParity.Run(reference));
        if (markdown is null)
        {
            Console.Out.Write(section);
        }
        else
        {
            string doc = File.Exists(markdown) ? File.ReadAllText(markdown) : "# Parity with openSMILE\n";
            doc = FunctionalsParityRun.ReplaceSection(doc, section, EGeMapsParity.BeginMarker, EGeMapsParity.EndMarker);
            AtomicFile.WriteText(markdown, w => w.Write(doc));
            Console.WriteLine($"{markdown}: egemaps section updated");
        }

        return 0;
    }

    private static int Run(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string? csv = a.Get("csv");
        string? arff = a.Get("arff");
        string? lldCsv = a.Get("lld-csv");
        string? label = a.Get("label");
        using var output = CommandOutput.For(a, "features egemaps");
        a.RejectUnknown();
        if (csv is null && arff is null && lldCsv is null)
        {
            throw new UsageException("affect features egemaps: at least one of --csv, --arff, --lld-csv is required");
        }

        FeaturesUtteranceCommand.CheckLabelAndInputs(label, a.Positional);

        // Everything is computed before anything is written, so a bad input never leaves partial outputs behind.
        var rows = new List<FunctionalsRow>();
        var llds = new List<(string Name, LldMatrix Matrix)>();
        foreach (string path in a.Positional)
        {
            output.Progress("egemaps", rows.Count, a.Positional.Count);
            var clip = AudioLoader.LoadMono(path);
            if (clip.Samples.Length < 960)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: duration: {clip.DurationSeconds:F3} s is shorter than one 60 ms LLD frame"));
            }

            // Same sample scaling as SMILExtract's wave source, so the outputs can be diffed against it.
            var samples = new float[clip.Samples.Length];
            LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample), samples);
            var (lld, functionals) = EGeMapsV02.Extract(samples);
            string name = Path.GetFileNameWithoutExtension(path);
            rows.Add(new FunctionalsRow(name, functionals, label));
            llds.Add((name, lld));
            output.Detail(string.Create(CultureInfo.InvariantCulture, $"{path}: {lld.Rows} frames"));
        }

        output.Progress("egemaps", rows.Count, a.Positional.Count);

        if (csv is not null)
        {
            AtomicFile.WriteText(csv, w => FunctionalsTable.WriteCsv(w, rows, EGeMapsV02.FunctionalNames));
        }

        if (arff is not null)
        {
            AtomicFile.WriteText(arff, w => FunctionalsTable.WriteArff(w, rows, EGeMapsV02.FunctionalNames));
        }

        if (lldCsv is not null)
        {
            AtomicFile.WriteText(lldCsv, w => OpenSmileCsv.Write(w, llds));
        }

        output.Finish(new CommandSummary("completed", [.. new[] { ("csv", csv), ("arff", arff), ("lld-csv", lldCsv) }.Where(o => o.Item2 is not null).Select(o => (o.Item1, Path.GetFullPath(o.Item2!)))], [("files", rows.Count)]));
        return 0;
    }
}
