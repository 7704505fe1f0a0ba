using Affect.Corpora;
using Affect.Corpora.Synthetic;

namespace Affect.Cli;

/// <summary><c>affect corpus synth|validate</c>.</summary>
internal static class CorpusCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException("affect corpus synth|validate ...");
        }

        var a = Arguments.Parse(args[1..]);
        return args[0] switch
        {
            "synth" => Synth(a),
            "validate" => Validate(a),
            _ => throw new UsageException($"unknown corpus command '{args[0]}' (synth, validate)"),
        };
    }

    private static int Synth(Arguments a)
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

    private static int Validate(Arguments a)
    {
        if (a.Positional.Count != 1)
        {
            throw new UsageException("affect corpus validate DIR");
        }

        a.RejectUnknown();
        string dir = a.Positional[0];
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"affect: error: {dir}: corpus folder does not exist");
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

        Console.Error.WriteLine($"affect: error: {dir}: {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}");
        return 1;
    }
}
