using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Corpora;
using Affect.Features;
using Affect.Features.Boaw;
using Affect.Features.Functionals;

namespace Affect.Cli;

/// <summary>
/// <c>affect features functionals IN.wav [...] [--csv OUT.csv] [--arff OUT.arff] [--label CLASS]</c>: the 6373
/// ComParE 2016 functionals per file in openSMILE's CSV/ARFF layouts;
/// <c>affect features parity-functionals --reference DIR [--markdown docs/parity.md]</c>: parity with openSMILE;
/// <c>affect features boaw --corpus DIR --out DIR2 [...]</c>: bag-of-audio-words with a codebook from the train partition.
/// </summary>
internal static class FeaturesUtteranceCommand
{
    /// <summary><c>affect features functionals</c>.</summary>
    public static CliCommand Functionals { get; } = new("features functionals", """
        affect features functionals IN.wav [IN2.wav ...] [--csv OUT.csv] [--arff OUT.arff] [--label CLASS] [--quiet | --json]
            the 6373 ComParE 2016 functionals per file in openSMILE's CSV/ARFF layouts (at least one of --csv, --arff);
            --label CLASS adds a nominal class column (last column 'class' in both) that affect learn reads;
            progress over the files on stderr, the table's path (--quiet) or a JSON summary (--json) on stdout
        """, CliCommand.Sync(RunFunctionals))
    {
        Options = ["csv", "arff", "label"],
        Flags = CommandOutput.Flags,
        MinPositional = 1,
        MaxPositional = int.MaxValue,
    };

    /// <summary><c>affect features parity-functionals</c>.</summary>
    public static CliCommand ParityFunctionals { get; } = new("features parity-functionals", """
        affect features parity-functionals --reference DIR [--markdown docs/parity.md]
            per-functional agreement with the openSMILE reference outputs in DIR; prints the tables or updates their sections of the markdown file
        """, CliCommand.Sync(RunParityFunctionals))
    {
        Options = ["reference", "markdown"],
    };

    /// <summary><c>affect features boaw</c>.</summary>
    public static CliCommand Boaw { get; } = new("features boaw", """
        affect features boaw --corpus DIR --out DIR2 [--size 1000] [--assignments 10] [--seed 1] [--iterations 500] [--train-frames N]
            [--method kmeans++|kmeans|random|random++] [--no-log] [--quiet | --json]
            bag-of-audio-words (openXBOW semantics): LLD and delta codebooks from the train partition; DIR2/boaw.npy, boaw.json,
            boaw.csv (name;words...;class, the class column only for categorical corpora) and codebook/;
            progress per stage (lld, codebook, bags) on stderr, boaw.csv's path (--quiet) or a JSON summary (--json) on stdout
        """, CliCommand.Sync(RunBoaw))
    {
        Options = ["corpus", "out", "size", "assignments", "seed", "iterations", "train-frames", "method"],
        Flags = ["no-log", .. CommandOutput.Flags],
    };

    /// <summary>
    /// Runs <c>affect features boaw</c>: LLDs (+ deltas) of every file of the corpus, codebooks learned on the train
    /// partition only, then DIR2/codebook/ (codebook.json + codebook-{lld,delta}.npy), DIR2/boaw.npy (files × words,
    /// manifest order), DIR2/boaw.json (ids, partitions, words) and DIR2/boaw.csv (<c>name;words...[;class]</c>).
    /// </summary>
    private static int RunBoaw(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string corpus = a.Require("corpus");
        string output = a.Require("out");
        int size = a.GetInt("size", 1000, 1, 1 << 20);
        int assignments = a.GetInt("assignments", 10, 1, 1 << 20);
        ulong seed = a.GetSeed();
        int iterations = a.GetInt("iterations", 500, 0, 1 << 20);
        int trainFrames = a.GetInt("train-frames", 0, 0, int.MaxValue);
        string method = a.Get("method") ?? "kmeans++";
        bool noLog = a.Flag("no-log");
        using var display = CommandOutput.For(a, "features boaw");
        a.RejectUnknown();
        var codebookMethod = method switch
        {
            "kmeans++" => CodebookMethod.KMeansPlusPlus,
            "kmeans" => CodebookMethod.KMeans,
            "random" => CodebookMethod.Random,
            "random++" => CodebookMethod.RandomPlusPlus,
            _ => throw new UsageException($"--method: '{method}' is not one of kmeans++, kmeans, random, random++"),
        };
        var options = new BoawOptions(size, assignments, seed, codebookMethod, iterations, trainFrames, !noLog);
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var (manifestPath, manifest, source) = OpenCorpusFolder(corpus);

        // LLDs per file in parallel; each result lands in its own slot, so the order (and output) never depends on scheduling.
        var frames = new BoawFrames[manifest.Files.Count];
        int extracted = 0;
        display.Progress("lld", 0, frames.Length);
        Parallel.For(0, frames.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var f = manifest.Files[i];
            string path = source.Resolve(f.Audio);
            var clip = AudioLoader.LoadMono(path);
            var extractor = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample)));
            var m = extractor.Extract(clip.Samples);
            frames[i] = new BoawFrames(path, m.Values, m.Rows);
            display.Progress("lld", Interlocked.Increment(ref extracted), frames.Length);
        });
        display.Line(string.Create(CultureInfo.InvariantCulture, $"{manifest.Name}: LLDs of {frames.Length} files, {frames.Sum(f => (long)f.Rows)} frames"));

        var train = Enumerable.Range(0, frames.Length).Where(i => manifest.Files[i].Partition == CorpusPartition.Train).Select(i => frames[i]).ToList();
        if (train.Count == 0)
        {
            throw new InvalidDataException($"{manifestPath}: files: no file in the train partition to learn the codebook from");
        }

        display.Progress("codebook", 0, 1);
        var codebook = BoawCodebook.Learn(train, LldColumns.All, options);
        display.Progress("codebook", 1, 1);
        foreach (var s in codebook.Streams)
        {
            display.Line(string.Create(CultureInfo.InvariantCulture, $"codebook {s.Stream.Name}: {s.Size} words from {s.TrainingFrames} train frames, {s.Iterations} iterations{(s.Converged ? " (converged)" : string.Empty)}"));
        }

        var rows = Enumerable.Range(0, frames.Length)
            .Select(i => new BoawRow(manifest.Files[i].Id, codebook.Histogram(frames[i]), manifest.Files[i].Label))
            .ToList();
        display.Progress("bags", rows.Count, frames.Length);
        Directory.CreateDirectory(output);
        codebook.Save(Path.Combine(output, "codebook"));
        using (var npy = File.Create(Path.Combine(output, "boaw.npy")))
        {
            BoawTable.WriteNpy(npy, rows);
        }

        var index = new
        {
            corpus = manifest.Name,
            ids = manifest.Files.Select(f => f.Id).ToArray(),
            partitions = manifest.Files.Select(f => f.Partition.ToString().ToLowerInvariant()).ToArray(),
            words = codebook.WordNames,
        };
        using (var outputs = new AtomicFileSet())
        {
            outputs.StageText(Path.Combine(output, "boaw.json"), w => w.Write(System.Text.Json.JsonSerializer.Serialize(index, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n"));
            outputs.StageText(Path.Combine(output, "boaw.csv"), w => BoawTable.WriteCsv(w, codebook.WordNames, rows, manifest.Kind == CorpusKind.Categorical));
            outputs.Commit();
        }

        display.Line(string.Create(CultureInfo.InvariantCulture, $"{output}: {rows.Count} bags of {codebook.HistogramLength} words"));
        display.Finish(new CommandSummary(
            "completed",
            [.. new[] { "boaw.csv", "boaw.npy", "boaw.json", "codebook" }.Select(f => (f, Path.GetFullPath(Path.Combine(output, f))))],
            [("files", rows.Count), ("words", codebook.HistogramLength)]));
        return 0;
    }

    /// <summary>Runs <c>affect features functionals</c>.</summary>
    private static int RunFunctionals(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string? csv = a.Get("csv");
        string? arff = a.Get("arff");
        string? label = a.Get("label");
        using var output = CommandOutput.For(a, "features functionals");
        a.RejectUnknown();
        if (csv is null && arff is null)
        {
            throw new UsageException("affect features functionals: --csv and/or --arff is required");
        }

        CheckLabelAndInputs(label, a.Positional);

        var rows = new List<FunctionalsRow>();
        foreach (string path in a.Positional)
        {
            output.Progress("functionals", rows.Count, a.Positional.Count);
            var clip = AudioLoader.LoadMono(path);
            var extractor = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample)));
            var m = FeaturesCommand.RequireFrames(extractor.Extract(clip.Samples), path, clip.DurationSeconds);

            rows.Add(new FunctionalsRow(Path.GetFileNameWithoutExtension(path), ComParEFunctionals.Compute(m, path), label));
            output.Detail(string.Create(CultureInfo.InvariantCulture, $"{path}: {m.Rows} frames"));
        }

        output.Progress("functionals", rows.Count, a.Positional.Count);

        // Both outputs or neither: a failure writing the ARFF (disk full) must not leave a new CSV beside an old ARFF.
        using var outputs = new AtomicFileSet();
        if (csv is not null)
        {
            outputs.StageText(csv, w => FunctionalsTable.WriteCsv(w, rows));
        }

        if (arff is not null)
        {
            outputs.StageText(arff, w => FunctionalsTable.WriteArff(w, rows));
        }

        outputs.Commit();
        output.Finish(new CommandSummary("completed", [.. new[] { ("csv", csv), ("arff", arff) }.Where(o => o.Item2 is not null).Select(o => (o.Item1, Path.GetFullPath(o.Item2!)))], [("files", rows.Count)]));
        return 0;
    }

    /// <summary>Runs <c>affect features parity-functionals</c>: prints the table and optionally updates the markdown section.</summary>
    private static int RunParityFunctionals(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string reference = a.Require("reference");
        string? markdown = a.Get("markdown");
        a.RejectUnknown();
        if (!Directory.Exists(reference))
        {
            throw new DirectoryNotFoundException($"{reference}: reference directory does not exist");
        }

        string fromWav = FunctionalsParity.RenderMarkdownFromWav(FunctionalsParityRun.RunFromWav(reference));
        string fromLld = FunctionalsParity.RenderMarkdown(FunctionalsParityRun.RunSet2(reference));
        if (markdown is null)
        {
            Console.Out.Write(fromWav);
            Console.Out.Write('\n');
            Console.Out.Write(fromLld);
        }
        else
        {
            string doc = File.Exists(markdown) ? File.ReadAllText(markdown) : "# Parity with openSMILE\n";
            doc = FunctionalsParityRun.ReplaceSection(doc, fromWav, FunctionalsParity.WavBeginMarker, FunctionalsParity.WavEndMarker);
            doc = FunctionalsParityRun.ReplaceSection(doc, fromLld);
            AtomicFile.WriteText(markdown, w => w.Write(doc));
        }

        return 0;
    }


    /// <summary>
    /// The corpus folder of <c>--corpus</c>: its manifest, parsed, and a source in which every audio file it lists
    /// exists (checked before any work, so a missing file fails naming the manifest entry).
    /// </summary>
    internal static (string ManifestPath, CorpusManifest Manifest, FolderCorpusSource Source) OpenCorpusFolder(string corpus)
    {
        string manifestPath = Path.Combine(corpus, CorpusManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{manifestPath}: file does not exist (--corpus must be a corpus folder with {CorpusManifest.FileName})");
        }

        var manifest = CorpusManifest.Parse(File.ReadAllText(manifestPath), manifestPath);
        var source = new FolderCorpusSource(corpus);
        foreach (var f in manifest.Files)
        {
            if (!source.Exists(f.Audio))
            {
                throw new FileNotFoundException($"{manifestPath}: files['{f.Id}'].audio: {f.Audio} does not exist");
            }
        }

        return (manifestPath, manifest, source);
    }

    /// <summary>Checks <c>--label</c> (a usage error when it cannot be written as a class) and that every input WAV exists.</summary>
    internal static void CheckLabelAndInputs(string? label, IEnumerable<string> paths)
    {
        if (label is not null)
        {
            try
            {
                FunctionalsTable.ValidateLabel(label);
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--label: " + e.Message);
            }
        }

        foreach (string path in paths)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }
        }
    }
}
