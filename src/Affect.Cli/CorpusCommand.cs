using System.Text.RegularExpressions;
using Affect.Audio;
using Affect.Corpora;
using Affect.Corpora.Import;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Storage;

namespace Affect.Cli;

/// <summary><c>affect corpus synth|validate|import|upload</c>.</summary>
internal static class CorpusCommand
{
    /// <summary><c>affect corpus synth</c>.</summary>
    public static CliCommand Synth { get; } = new("corpus synth", """
        affect corpus synth --kind recola|semaine|creativeit|usoms --out DIR [--seed N] [--scale demo|paper] [--speakers K] [--minutes M] [--utterances U]
            write a deterministic synthetic corpus (same seed ⇒ byte-identical files); --scale picks the default sizes
            (demo, or the paper's: RECOLA 23 × 5 min, SEMAINE 24 × 18.6 min, CreativeIT 31 × 4.3 min, USoMS 100 speakers × 8
            utterances of 5–30 s), which --speakers, --minutes and --utterances override
        """, CliCommand.Sync(RunSynth))
    {
        Options = ["kind", "seed", "out", "scale", "speakers", "minutes", "utterances"],
    };

    /// <summary><c>affect corpus validate</c>.</summary>
    public static CliCommand Validate { get; } = new("corpus validate", """
        affect corpus validate DIR
            check a corpus folder and report every problem with its file and field
        """, CliCommand.Sync(RunValidate))
    {
        MinPositional = 1,
        MaxPositional = 1,
    };

    /// <summary><c>affect corpus import</c>.</summary>
    public static CliCommand Import { get; } = new("corpus import", """
        affect corpus import --layout folder|emodb|ravdess|compare2018|recola|semaine|creativeit SRC --out DIR [--name NAME]
            [--class-from REGEX] [--speaker-from REGEX] [--partition-from REGEX] [--labels FILE] [--classes A,B,...]
            [--split 60/20/20] [--seed N] [--rate HZ]
            convert a corpus as downloaded into a corpus folder with a manifest (audio copied, or converted to 16 kHz mono
            16-bit PCM), validated; DIR is written whole or not at all. Layouts and their options: see README, "Real corpora"
        """, CliCommand.Sync(RunImport))
    {
        Options = ["layout", "out", "name", "class-from", "speaker-from", "partition-from", "labels", "classes", "split", "seed", "rate"],
        MinPositional = 1,
        MaxPositional = 1,
    };

    /// <summary><c>affect corpus upload</c>.</summary>
    public static CliCommand Upload { get; } = new("corpus upload", """
        affect corpus upload DIR --store CONN [--name NAME]
            put a valid corpus folder into a store (folder path or Azure Storage connection string) under corpora/NAME/
            (default: the manifest's name), manifest last; every blob is read back and compared by SHA-256
        """, UploadAsync)
    {
        Options = ["store", "name"],
        MinPositional = 1,
        MaxPositional = 1,
    };

    private static int RunImport(Arguments a)
    {
        string layoutName = a.Require("layout");
        var layout = CorpusLayouts.Find(layoutName)
            ?? throw new UsageException($"--layout: '{layoutName}' is not one of {string.Join(", ", CorpusLayouts.All.Select(l => l.Name))}");
        string outDir = a.Require("out");
        string src = a.Positional[0];
        string? labels = a.Get("labels");
        string? split = a.Get("split");
        string? classes = a.Get("classes");
        string? name = a.Get("name");
        var options = new ImportOptions(
            split is null ? SpeakerSplit.Default : ParseSplit(split),
            a.GetSeed(),
            Pattern(a, "class-from"),
            Pattern(a, "speaker-from"),
            Pattern(a, "partition-from"),
            Classes: classes?.Split(',', StringSplitOptions.TrimEntries),
            Rate: a.Get("rate") is null ? null : a.GetDouble("rate", 0, 1, 1000));
        a.RejectUnknown();
        var source = new FolderImportSource(src);
        if (labels is not null)
        {
            options = options with { Labels = labels, LabelsText = ReadLabels(source, labels) };
        }

        name ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir)));
        var result = CorpusImporter.Import(layout, source, options, name, outDir);
        foreach (string note in result.Notes)
        {
            Console.WriteLine("note: " + DisplayText.Escape(note));
        }

        var m = result.Manifest;
        string counts = m.Kind == CorpusKind.Categorical
            ? string.Join(", ", m.Classes.Select(c => $"{c} {m.Files.Count(f => f.Label == c)}"))
            : $"{string.Join(", ", m.Dimensions)} traces";
        Console.WriteLine($"imported {m.Files.Count} files ({result.Copied} copied, {result.Converted} converted to 16 kHz mono PCM) from {source.Root} as {m.Kind.ToString().ToLowerInvariant()} corpus '{m.Name}'");
        Console.WriteLine($"  speakers {m.Files.Select(f => f.Speaker).Distinct().Count()}; partitions {string.Join(", ", m.Files.GroupBy(f => f.Partition).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}"))}; {counts}");
        Console.WriteLine($"wrote {result.Directory} (validated)");
        return 0;
    }

    private static async Task<int> UploadAsync(Arguments a, CancellationToken cancellationToken)
    {
        string connection = a.Require("store");
        string? name = a.Get("name");
        a.RejectUnknown();
        string dir = a.Positional[0];
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"affect: error: {dir}: corpus folder does not exist");
            return 1;
        }

        var problems = CorpusValidator.ValidateFolder(dir);
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                Console.Error.WriteLine(p.ToString());
            }

            Console.Error.WriteLine($"affect: error: {dir}: {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}; nothing uploaded");
            return 1;
        }

        if (RunCommand.StoreFolder(connection) is { } folder)
        {
            Directory.CreateDirectory(folder); // uploading is how a folder store begins
        }

        var store = BlobStore.Open(connection);
        var upload = await CorpusTransfer.UploadAsync(store, dir, name, cancellationToken: cancellationToken);
        Console.WriteLine($"uploaded {upload.Files} files ({upload.Bytes} bytes) to corpora/{upload.Name}/, manifest last; each read back and verified by SHA-256");
        Console.WriteLine($"  run it: affect run --store {(RunCommand.StoreFolder(connection) ?? "CONN")} --corpus {upload.Name}");
        return 0;
    }

    private static SpeakerSplit ParseSplit(string text)
    {
        try
        {
            return SpeakerSplit.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException("--split: " + e.Message);
        }
    }

    private static Regex? Pattern(Arguments a, string option)
    {
        string? text = a.Get(option);
        if (text is null)
        {
            return null;
        }

        try
        {
            var regex = new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return regex.GetGroupNumbers().Length >= 2 ? regex : throw new UsageException($"--{option}: '{text}' has no capture group (the first group is taken, e.g. '^([0-9]+)_')");
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--{option}: '{text}' is not a valid regular expression ({e.Message})");
        }
    }

    // The label CSV: a path as given (absolute or from the working folder), else relative to SRC; read at this edge.
    private static string ReadLabels(FolderImportSource source, string labels)
    {
        if (File.Exists(labels) || Directory.Exists(labels) || Path.IsPathFullyQualified(labels))
        {
            try
            {
                using var stream = RegularFile.OpenRead(labels, labels, FolderImportSource.MaxTextBytes);
                using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false, true));
                return reader.ReadToEnd();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
            {
                throw new CorpusImportException(labels, "file", e is FileNotFoundException ? "does not exist" : $"cannot be read as UTF-8 text ({e.Message})");
            }
        }

        if (CorpusPath.Problem(labels) is { } problem)
        {
            throw new CorpusImportException(labels, "--labels", $"{problem}");
        }

        return source.ReadText(labels);
    }

    private static int RunSynth(Arguments a)
    {
        string kindName = a.Require("kind");
        var kind = kindName switch
        {
            "recola" => SyntheticCorpusKind.Recola,
            "semaine" => SyntheticCorpusKind.Semaine,
            "creativeit" => SyntheticCorpusKind.CreativeIt,
            "usoms" => SyntheticCorpusKind.Usoms,
            _ => throw new UsageException($"--kind: '{kindName}' is not one of recola, semaine, creativeit, usoms"),
        };
        ulong seed = a.GetSeed();
        string outDir = a.Require("out");
        var defaults = SyntheticCorpusSpec.ForScale(kind, seed, ParseScale(a.Get("scale")));
        var spec = defaults with
        {
            Speakers = a.GetInt("speakers", defaults.Speakers, 3, 1000),
            Minutes = a.GetDouble("minutes", defaults.Minutes, 0.05, 60),
            UtterancesPerSpeaker = a.GetInt("utterances", defaults.UtterancesPerSpeaker, 1, 10_000),
        };
        a.RejectUnknown();
        SyntheticCorpusGenerator.WriteTo(spec, outDir);
        Console.WriteLine($"wrote {kindName} corpus (seed {seed}) to {Path.GetFullPath(outDir)}");
        return 0;
    }

    /// <summary>Parses <c>--scale</c>: <c>demo</c> (also when absent) or <c>paper</c>.</summary>
    /// <exception cref="UsageException">Any other value.</exception>
    public static SyntheticScale ParseScale(string? value) => value switch
    {
        null or "demo" => SyntheticScale.Demo,
        "paper" => SyntheticScale.Paper,
        _ => throw new UsageException($"--scale: '{value}' is not one of demo, paper"),
    };

    private static int RunValidate(Arguments a)
    {
        a.RejectUnknown();
        string dir = a.Positional[0];
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(dir)}: corpus folder does not exist");
            return 1;
        }

        var problems = CorpusValidator.ValidateFolder(dir);
        if (problems.Count == 0)
        {
            Console.WriteLine($"{dir}: corpus is valid");
            return 0;
        }

        foreach (var p in problems)
        {
            Console.Error.WriteLine(p.ToString());
        }

        Console.Error.WriteLine($"affect: error: {DisplayText.Escape(dir)}: {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}");
        return 1;
    }
}
