using System.Globalization;
using Affect.Audio;
using Affect.Learning;
using Affect.Training.Algebra;

namespace Affect.Cli;

/// <summary>
/// <c>affect learn</c>: trains an utterance-level learner (KELM, WKELM, KPLS, WKPLS, SVM) on a feature table,
/// optionally selects C / factors by development UAR, writes the test scores CSV and prints UAR/WAR when labelled.
/// The kernel algebra is the managed one (deterministic on every x86-64 machine, and the faster one for a whole process:
/// docs/benchmarks.md, learn-cli) unless <c>--algebra torch</c> asks for LAPACK/BLAS through libtorch.
/// </summary>
internal static class LearnCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("learn", """
        affect learn --model kelm|wkelm|kpls|wkpls|svm --train TRAIN --test TEST --scores OUT.csv [--C x | --factors k | --grid --devel DEVEL [--retrain]]
            [--class-column class] [--scaling zscore|minmax|none] [--power p] [--seed N] [--algebra managed|torch]
            utterance-level classifier on CSV/ARFF feature tables (name first, then numeric features, and a class column named
            'class' unless --class-column names another; a table without it is refused); writes class scores, prints UAR/WAR
        """, CliCommand.Sync(Run))
    {
        Options = ["model", "train", "test", "scores", "devel", "C", "factors", "seed", "scaling", "power", "algebra", "class-column"],
        Flags = ["grid", "retrain"],
    };

    private static int Run(Arguments args)
    {
        string model = args.Require("model");
        var learner = model switch
        {
            "kelm" => LearnerKind.Kelm,
            "wkelm" => LearnerKind.Wkelm,
            "kpls" => LearnerKind.Kpls,
            "wkpls" => LearnerKind.Wkpls,
            "svm" => LearnerKind.Svm,
            _ => throw new UsageException($"option --model: '{model}' is not one of kelm, wkelm, kpls, wkpls, svm"),
        };
        string trainPath = args.Require("train");
        string testPath = args.Require("test");
        string scoresPath = args.Require("scores");
        string? develPath = args.Get("devel");
        bool grid = args.Flag("grid");
        bool retrain = args.Flag("retrain");
        double c = args.GetDouble("C", 1.0, double.Epsilon, double.MaxValue);
        int factors = args.GetInt("factors", 10, 1, 10000);
        ulong seed = args.GetSeed();
        string scaling = args.Get("scaling") ?? "zscore";
        var scale = scaling switch
        {
            "zscore" => FeatureScaling.ZScore,
            "minmax" => FeatureScaling.MinMax,
            "none" => FeatureScaling.None,
            _ => throw new UsageException($"option --scaling: '{scaling}' is not one of zscore, minmax, none"),
        };
        string? power = args.Get("power");
        double? powerExponent = power is null ? null : args.GetDouble("power", 1, 1e-9, 1e9);
        string algebraName = args.Get("algebra") ?? "managed";
        if (algebraName is not ("torch" or "managed"))
        {
            throw new UsageException($"option --algebra: '{algebraName}' is not one of torch, managed");
        }

        string classColumn = args.Get("class-column") ?? FeatureTable.DefaultClassColumn;
        args.RejectUnknown();
        if (grid && develPath is null)
        {
            throw new UsageException("--grid needs --devel DEVEL");
        }

        // Options the chosen learner or mode would not use are refused rather than silently ignored.
        bool pls = learner is LearnerKind.Kpls or LearnerKind.Wkpls;
        if (args.Get("C") is not null && (grid || pls))
        {
            throw new UsageException(grid ? "--C is chosen by --grid; give one or the other" : $"--C does not apply to {model} (it takes --factors)");
        }

        if (args.Get("factors") is not null && (grid || !pls))
        {
            throw new UsageException(grid ? "--factors is chosen by --grid; give one or the other" : $"--factors does not apply to {model} (it takes --C)");
        }

        if (retrain && develPath is null)
        {
            throw new UsageException("--retrain refits on train + devel: it needs --devel DEVEL");
        }

        if (learner == LearnerKind.Svm && args.Get("algebra") is not null)
        {
            throw new UsageException("--algebra chooses the kernel learners' linear algebra; svm does not use it");
        }

        var train = StageProfile.Measure("read train", () => ReadWithRows(trainPath, classColumn));
        var test = StageProfile.Measure("read test", () => SameColumns(ReadWithRows(testPath, classColumn), train));
        var devel = develPath is null ? null : StageProfile.Measure("read devel", () => SameColumns(ReadWithRows(develPath, classColumn), train));
        var options = new LearnerOptions(learner, scale, powerExponent, C: c, Factors: factors, SearchGrid: grid, RetrainOnTrainDevel: retrain, Seed: seed);
        var algebra = learner == LearnerKind.Svm ? null : StageProfile.Measure("algebra", () => Algebra(algebraName));
        var outcome = UtteranceClassifier.Run(train, devel, test, options, algebra);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(scoresPath));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        AtomicFile.WriteAllText(scoresPath, outcome.ToScoreCsv(outcome.Test));
        var inv = CultureInfo.InvariantCulture;
        string chosen = outcome.Selected.C is { } sc ? $"C={sc.ToString("G4", inv)}" : $"factors={outcome.Selected.Factors}";
        Console.WriteLine($"learn: {model} {chosen}" + (grid ? $" (devel UAR {outcome.Selected.DevelUar.ToString("P2", inv)})" : string.Empty));
        if (outcome.Test.Uar is { } uar && outcome.Test.War is { } war)
        {
            Console.WriteLine($"test: UAR {uar.ToString("P2", inv)} WAR {war.ToString("P2", inv)} ({outcome.Test.Names.Count} utterances)");
        }

        Console.WriteLine($"scores: {scoresPath}");
        return 0;
    }

    // A header-only table would fail deep inside a learner (or score nothing), so it is refused here by file.
    private static FeatureTable ReadWithRows(string path, string classColumn)
    {
        var table = FeatureTable.Read(path, classColumn);
        return table.Names.Count == 0 ? throw new InvalidDataException($"{path}: rows: the table has no data rows") : table;
    }

    // Models are fitted on train's columns by position, so test/devel must have the same feature columns in the same order.
    private static FeatureTable SameColumns(FeatureTable table, FeatureTable train)
    {
        int n = Math.Max(table.FeatureNames.Count, train.FeatureNames.Count);
        for (int j = 0; j < n; j++)
        {
            string? mine = j < table.FeatureNames.Count ? table.FeatureNames[j] : null;
            string? theirs = j < train.FeatureNames.Count ? train.FeatureNames[j] : null;
            if (mine != theirs)
            {
                // Column numbers count the name column as 1, as in the file's header.
                throw new InvalidDataException($"{table.Source}: column {j + 2}: {Quoted(mine)} (train has {Quoted(theirs)})");
            }
        }

        return table;
    }

    private static string Quoted(string? column) => column is null ? "no column" : $"'{column}'";

    // The managed algebra is the default: in a whole process it beats libtorch's BLAS/LAPACK (whose thread pool and
    // eigenvector accumulation cost more than they save at these sizes; docs/benchmarks.md, learn-cli), and its
    // results do not depend on the CPU. libtorch stays available with --algebra torch and falls back to the managed
    // algebra where it cannot be loaded; both give the same scores to rounding.
    private static IKernelAlgebra Algebra(string name)
    {
        if (name == "managed")
        {
            return ManagedKernelAlgebra.Instance;
        }

        try
        {
            return new TorchKernelAlgebra();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"learn: libtorch unavailable, using the managed algebra ({e.Message.Split('\n')[0]})");
            return ManagedKernelAlgebra.Instance;
        }
    }
}
