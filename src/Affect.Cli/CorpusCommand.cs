using Affect.Audio;
using Affect.Corpora;
using Affect.Corpora.Synthetic;

namespace Affect.Cli;

/// <summary><c>affect corpus synth|validate</c>.</summary>
internal static class CorpusCommand
{
    /// <summary><c>affect corpus synth</c>.</summary>
    public static CliCommand Synth { get; } = new("corpus synth", """
        affect corpus synth --kind recola|semaine|creativeit|usoms --out DIR [--seed N] [--speakers K] [--minutes M] [--utterances U]
            write a deterministic synthetic corpus (same seed ⇒ byte-identical files)
        """, CliCommand.Sync(RunSynth))
    {
        Options = ["kind", "seed", "out", "speakers", "minutes", "utterances"],
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
        var defaults = SyntheticCorpusSpec.Default(kind, seed);
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
