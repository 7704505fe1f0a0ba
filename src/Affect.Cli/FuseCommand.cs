using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Learning;
using Affect.Learning.Fusion;

namespace Affect.Cli;

/// <summary>
/// <c>affect fuse</c> (stage 11, paper §2.2 and §4.3): score-level fusion of systems given as score CSVs
/// (<c>affect learn --scores</c>: <c>name</c>, one column per class, optional <c>predicted</c>, ignored) or class
/// CSVs (<c>affect discretize</c>: <c>name,class</c>, turned into the code matrix of Eq. 1). Each system is
/// z-normalised with its development statistics; SF (Eq. 2) or WF weights are fitted on the development rows and
/// applied to every row. Class order (the output columns, and argmax ties go to the first): <c>--classes</c> or
/// <c>--manifest</c>, else the columns of the first score CSV, else the label classes sorted ordinally (the order
/// <c>affect learn</c> writes).
/// </summary>
internal static class FuseCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("fuse", """
        affect fuse --systems A.csv B.csv [...] --labels L.csv --method sf|wf [--pool 100000] [--seed 1] [--chunks 1] [--classes L,M,H | --manifest CORPUS] --out F.csv
            score-level fusion of score CSVs (affect learn) and class CSVs (affect discretize, Eq. 1), weights fitted on devel; prints weights, UAR/WAR
        """, CliCommand.Sync(Run))
    {
        Options = ["systems", "labels", "method", "pool", "seed", "chunks", "classes", "manifest", "out"],
        MaxPositional = int.MaxValue,
    };

    private static int Run(Arguments args)
    {
        var systemPaths = args.GetAll("systems").Concat(args.Positional).ToList();
        string labelsPath = args.Require("labels");
        string method = args.Require("method");
        if (method is not ("sf" or "wf"))
        {
            throw new UsageException($"option --method: '{method}' is not one of sf, wf");
        }

        int pool = args.GetInt("pool", (int)WeightedFusion.DefaultPoolSize, 1, int.MaxValue);
        ulong seed = args.GetSeed();
        int chunks = args.GetInt("chunks", 1, 1, 4096);
        string outPath = args.Require("out");
        var order = UtteranceCsv.ClassOrder(args);
        args.RejectUnknown();
        if (systemPaths.Count < 2)
        {
            throw new UsageException("--systems needs at least two files");
        }

        if (method == "sf" && systemPaths.Count != 2)
        {
            throw new UsageException($"--method sf fuses exactly two systems (Eq. 2); {systemPaths.Count} given (use --method wf)");
        }

        var labels = UtteranceCsv.ReadLabels(labelsPath);
        var files = systemPaths.Select(p => UtteranceCsv.Read(p, null)).ToList();
        var classes = order
            ?? files.Where(f => !IsClassFile(f)).Select(ScoreClasses).FirstOrDefault()
            ?? [.. labels.Values.Select(l => l.Class).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (classes.Count < 2)
        {
            throw new InvalidDataException($"{labelsPath}: class: {classes.Count} classes labelled; give --classes (at least two)");
        }

        UtteranceCsv.CheckClasses(labelsPath, labels, classes);
        var names = files[0].Names;
        UtteranceCsv.CheckLabelled(files[0], labels, labelsPath);
        foreach (var f in files.Skip(1))
        {
            int missing = names.FindIndex(n => !f.Index.ContainsKey(n));
            if (missing >= 0)
            {
                throw new InvalidDataException($"{f.Path}: name: '{names[missing]}' (line {files[0].Lines[missing]} of {files[0].Path}) is missing");
            }

            if (f.Names.Count != names.Count)
            {
                int extra = f.Names.FindIndex(n => !files[0].Index.ContainsKey(n));
                throw new InvalidDataException($"{f.Path}: name: line {f.Lines[extra]}: '{f.Names[extra]}' is missing from {files[0].Path}");
            }
        }

        var systems = files.Select(f => Scores(f, names, classes)).ToList();
        var truth = names.Select(n => labels[n].Class is { } c ? IndexOf(classes, c) : -1).ToArray();
        int[] Rows(string partition) => [.. Enumerable.Range(0, names.Count).Where(i => truth[i] >= 0 && labels[names[i]].Partition == partition)];
        var devel = Rows("devel");
        if (devel.Length == 0)
        {
            throw new InvalidDataException($"{labelsPath}: partition: no labelled 'devel' rows among the {names.Count} utterances of {files[0].Path}; the fusion weights are fitted on devel");
        }

        var develTruth = devel.Select(i => truth[i]).ToArray();
        var normalised = systems.Select(s => ScoreNormalizer.Fit(s.SelectRows(devel)).Apply(s)).ToList();
        var develSystems = normalised.Select(s => s.SelectRows(devel)).ToList();
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < files.Count; i++)
        {
            Console.WriteLine($"system {i + 1} ({files[i].Path}{(IsClassFile(files[i]) ? ", classes → Eq. 1 code matrix" : string.Empty)}): devel UAR {Metrics.Uar(develTruth, TargetCoding.ArgMax(develSystems[i]), classes.Count).ToString("P2", inv)}");
        }

        RealMatrix fused;
        if (method == "sf")
        {
            var fit = SimpleFusion.Fit(develSystems[0], develSystems[1], develTruth);
            fused = SimpleFusion.Fuse(normalised[0], normalised[1], fit.Gamma);
            Console.WriteLine($"fuse: sf γ = {fit.Gamma.ToString("0.00", inv)} (system 1 weight; system 2 {(1 - fit.Gamma).ToString("0.00", inv)})");
        }
        else
        {
            var w = WeightedFusion.Search(develSystems, develTruth, seed, pool, chunks);
            fused = WeightedFusion.Fuse(normalised, w);
            Console.WriteLine($"fuse: wf pool {pool} seed {seed}: candidate {w.Index}{(w.Index < files.Count ? $" (system {w.Index + 1} alone)" : w.Index == files.Count ? " (plain average)" : string.Empty)}; weights (rows systems, columns {string.Join(", ", classes)}):");
            for (int i = 0; i < files.Count; i++)
            {
                Console.WriteLine("  " + string.Join(' ', Enumerable.Range(0, classes.Count).Select(j => w.Weight(i, j).ToString("0.0000", inv))));
            }
        }

        var predicted = TargetCoding.ArgMax(fused);
        foreach (string p in UtteranceCsv.Partitions)
        {
            var rows = Rows(p);
            if (rows.Length > 0)
            {
                var t = rows.Select(i => truth[i]).ToArray();
                var y = rows.Select(i => predicted[i]).ToArray();
                Console.WriteLine($"{p}: {UtteranceCsv.Rates(Metrics.Uar(t, y, classes.Count), Metrics.War(t, y), rows.Length)}");
            }
        }

        var csv = new StringBuilder("name,").Append(string.Join(',', classes)).Append(",predicted\n");
        for (int i = 0; i < names.Count; i++)
        {
            csv.Append(names[i]);
            foreach (double v in fused.Row(i))
            {
                csv.Append(',').Append(v.ToString("R", inv));
            }

            csv.Append(',').Append(classes[predicted[i]]).Append('\n');
        }

        AtomicFile.WriteAllText(outPath, csv.ToString());
        Console.WriteLine($"fused scores: {outPath}");
        return 0;
    }

    private static bool IsClassFile(NamedRows f) => f.Header is ["class"];

    private static string[] ScoreClasses(NamedRows f) => f.Header is [.. var c, "predicted"] ? c : f.Header;

    // The system's n × L score matrix in the given row and class order (a class file becomes its Eq. 1 code matrix).
    private static RealMatrix Scores(NamedRows f, List<string> names, IReadOnlyList<string> classes)
    {
        var m = new RealMatrix(names.Count, classes.Count);
        if (IsClassFile(f))
        {
            var y = new int[names.Count];
            for (int r = 0; r < names.Count; r++)
            {
                int i = f.Index[names[r]];
                string c = f.Cells[i][0];
                y[r] = IndexOf(classes, c);
                if (y[r] < 0)
                {
                    throw new InvalidDataException($"{f.Path}: class: line {f.Lines[i]} ('{names[r]}'): '{c}' is not one of the classes {string.Join(", ", classes)}");
                }
            }

            return CodeMatrix.OneVsAll(y, classes.Count);
        }

        var columns = ScoreClasses(f);
        if (columns.Length == 0)
        {
            throw new InvalidDataException($"{f.Path}: header: no class columns (expected name,{string.Join(',', classes)}[,predicted] or name,class)");
        }

        foreach (string c in columns)
        {
            if (IndexOf(classes, c) < 0 || columns.Count(x => x == c) > 1)
            {
                throw new InvalidDataException($"{f.Path}: header: column '{c}' is not one of the classes {string.Join(", ", classes)} (or appears twice)");
            }
        }

        foreach (string c in classes)
        {
            if (!columns.Contains(c, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{f.Path}: header: no column for class '{c}' (classes: {string.Join(", ", classes)})");
            }
        }

        for (int r = 0; r < names.Count; r++)
        {
            int i = f.Index[names[r]];
            for (int k = 0; k < columns.Length; k++)
            {
                m[r, IndexOf(classes, columns[k])] = UtteranceCsv.Number(f, i, k);
            }
        }

        return m;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string c)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            if (classes[i] == c)
            {
                return i;
            }
        }

        return -1;
    }
}
