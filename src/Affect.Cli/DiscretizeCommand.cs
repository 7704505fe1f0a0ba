using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Learning;
using Affect.Learning.Discretization;

namespace Affect.Cli;

/// <summary>
/// <c>affect discretize</c> (stage 9, paper §4.2): fits the thresholds that turn utterance scores (e.g. per-file
/// means of cross-corpus LSTM predictions) into ordered classes with the best UAR on the fit partitions, optionally
/// on a blend w·arousal + (1 − w)·valence (the paper's first submission), and writes <c>name,class</c> for every
/// scored utterance. The class order is never guessed from the data: it comes from <c>--classes</c> or the corpus
/// manifest (<c>--manifest</c>).
/// </summary>
internal static class DiscretizeCommand
{
    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("discretize", """
        affect discretize (--scores S.csv | --arousal A.csv --valence V.csv) --labels L.csv --fit-on train|devel|train+devel (--classes L,M,H | --manifest CORPUS) [--direction increasing|decreasing|auto] --out C.csv
            thresholds maximising UAR turn utterance scores (name,score) into ordered classes (name,class); prints thresholds, UAR/WAR per partition
        """, CliCommand.Sync(Run))
    {
        Options = ["scores", "arousal", "valence", "labels", "fit-on", "classes", "manifest", "direction", "out"],
    };

    private static int Run(Arguments args)
    {
        string? scoresPath = args.Get("scores");
        string? arousalPath = args.Get("arousal");
        string? valencePath = args.Get("valence");
        string labelsPath = args.Require("labels");
        string fitOn = args.Require("fit-on");
        string outPath = args.Require("out");
        var fitPartitions = fitOn switch
        {
            "train" => new[] { "train" },
            "devel" => ["devel"],
            "train+devel" => ["train", "devel"],
            _ => throw new UsageException($"option --fit-on: '{fitOn}' is not one of train, devel, train+devel"),
        };
        string directionName = args.Get("direction") ?? "auto";
        var direction = directionName switch
        {
            "increasing" => DirectionChoice.Increasing,
            "decreasing" => DirectionChoice.Decreasing,
            "auto" => DirectionChoice.Auto,
            _ => throw new UsageException($"option --direction: '{directionName}' is not one of increasing, decreasing, auto"),
        };
        var classes = UtteranceCsv.ClassOrder(args) ?? throw new UsageException("the class order is required: --classes L,M,H or --manifest CORPUS");
        args.RejectUnknown();
        if (args.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{args.Positional[0]}'");
        }

        bool blend = arousalPath is not null || valencePath is not null;
        if (blend == (scoresPath is not null) || (blend && (arousalPath is null || valencePath is null)))
        {
            throw new UsageException("give either --scores S.csv or both --arousal A.csv and --valence V.csv");
        }

        var labels = UtteranceCsv.ReadLabels(labelsPath);
        UtteranceCsv.CheckClasses(labelsPath, labels, classes);
        NamedRows first;
        double[] a, v;
        if (blend)
        {
            first = UtteranceCsv.Read(arousalPath!, 2);
            var second = UtteranceCsv.Read(valencePath!, 2);
            a = Column(first);
            v = new double[a.Length];
            for (int i = 0; i < first.Names.Count; i++)
            {
                v[i] = second.Index.TryGetValue(first.Names[i], out int j)
                    ? UtteranceCsv.Number(second, j, 0)
                    : throw new InvalidDataException($"{second.Path}: name: '{first.Names[i]}' (line {first.Lines[i]} of {first.Path}) is missing");
            }

            if (second.Names.Count != first.Names.Count)
            {
                int extra = second.Names.FindIndex(n => !first.Index.ContainsKey(n));
                throw new InvalidDataException($"{second.Path}: name: line {second.Lines[extra]}: '{second.Names[extra]}' is missing from {first.Path}");
            }
        }
        else
        {
            first = UtteranceCsv.Read(scoresPath!, 2);
            a = Column(first);
            v = a;
        }

        UtteranceCsv.CheckLabelled(first, labels, labelsPath);
        int n = first.Names.Count;
        var truth = new int[n];
        var fitRows = new List<int>();
        for (int i = 0; i < n; i++)
        {
            var row = labels[first.Names[i]];
            truth[i] = row.Class is null ? -1 : IndexOf(classes, row.Class);
            if (truth[i] >= 0 && fitPartitions.Contains(row.Partition))
            {
                fitRows.Add(i);
            }
        }

        foreach (string p in fitPartitions)
        {
            if (!fitRows.Any(i => labels[first.Names[i]].Partition == p))
            {
                throw new InvalidDataException($"{labelsPath}: partition: no labelled '{p}' rows among the {n} utterances of {first.Path}");
            }
        }

        var fitTruth = fitRows.Select(i => truth[i]).ToArray();
        int[] predicted;
        ThresholdRule rule;
        double? weight = null;
        try
        {
            if (blend)
            {
                var fit = ThresholdSearch.FitBlend([.. fitRows.Select(i => a[i])], [.. fitRows.Select(i => v[i])], fitTruth, classes.Count, direction);
                (rule, weight, predicted) = (fit.Rule, fit.ArousalWeight, fit.Classify(a, v));
            }
            else
            {
                rule = ThresholdSearch.Fit([.. fitRows.Select(i => a[i])], fitTruth, classes.Count, direction);
                predicted = rule.Classify(a);
            }
        }
        catch (ArgumentException e) when (e.ParamName == "truth")
        {
            throw new InvalidDataException($"{labelsPath}: class: {e.Message.Split(" (Parameter", 2)[0]} (fit on {fitOn})");
        }
        catch (ArgumentException e) when (e.ParamName is "scores" or "valence")
        {
            throw new InvalidDataException($"{first.Path}: score: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        var csv = new StringBuilder("name,class\n");
        for (int i = 0; i < n; i++)
        {
            csv.Append(first.Names[i]).Append(',').Append(classes[predicted[i]]).Append('\n');
        }

        AtomicFile.WriteAllText(outPath, csv.ToString());
        var inv = CultureInfo.InvariantCulture;
        string thresholds = string.Join(", ", rule.Thresholds.Select(t => t.ToString("R", inv)));
        string blended = weight is { } w ? $" on {w.ToString("0.00", inv)}·arousal + {(1 - w).ToString("0.00", inv)}·valence" : string.Empty;
        Console.WriteLine($"discretize: thresholds {thresholds} ({rule.Direction.ToString().ToLowerInvariant()}{blended}; classes {string.Join(" < ", classes)}), fit on {fitOn}: {UtteranceCsv.Rates(rule.FitUar, rule.FitWar, fitRows.Count)}");
        foreach (string p in UtteranceCsv.Partitions)
        {
            var rows = Enumerable.Range(0, n).Where(i => truth[i] >= 0 && labels[first.Names[i]].Partition == p).ToArray();
            if (rows.Length > 0)
            {
                var t = rows.Select(i => truth[i]).ToArray();
                var y = rows.Select(i => predicted[i]).ToArray();
                Console.WriteLine($"{p}: {UtteranceCsv.Rates(Metrics.Uar(t, y, classes.Count), Metrics.War(t, y), rows.Length)}");
            }
        }

        Console.WriteLine($"classes: {outPath}");
        return 0;
    }

    private static double[] Column(NamedRows rows) => [.. Enumerable.Range(0, rows.Names.Count).Select(i => UtteranceCsv.Number(rows, i, 0))];

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
