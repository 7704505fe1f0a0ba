using System.Globalization;
using Affect.Audio;
using Affect.Corpora;
using Affect.Features.AuDeep;
using Affect.Features.IO;
using Affect.Training;

namespace Affect.Cli;

/// <summary>
/// <c>affect features audeep --corpus DIR --out DIR2 [...]</c>: auDeep representations (Freitag et al., JMLR 2018). Per
/// clip threshold, Mel spectrograms of every file and one recurrent autoencoder trained on the train partition only; the
/// representations of all thresholds are concatenated and written as one feature CSV per partition for <c>affect learn</c>;
/// each encoder is also written as ONNX.
/// </summary>
internal static class FeaturesAuDeepCommand
{
    /// <summary><c>affect features audeep</c>.</summary>
    public static CliCommand Command { get; } = new("features audeep", """
        affect features audeep --corpus DIR --out DIR2 [--seed 1] [--clip-below -30,-45,-60,-75] [--fixed-length 5] [--window 0.08]
            [--overlap 0.04] [--mel-bands 128] [--layers 2] [--units 256] [--epochs 64] [--batch-size 256] [--learning-rate 0.001]
            [--keep-prob 0.8] [--unidirectional-encoder] [--quiet | --json]
            auDeep representations: Mel spectrograms clipped below each threshold, one GRU sequence-to-sequence autoencoder per
            threshold trained on the train partition (seeded, bit-reproducible on CPU), representations concatenated;
            DIR2/audeep-{train,devel,test}.csv (name;features...;class, the class column only for categorical corpora) and
            DIR2/encoder-<N>dB.onnx, each threshold's encoder (spectrogram [batch, time, bands] → representation) for ONNX Runtime;
            progress (spectrograms, then epochs per threshold) on stderr, the train CSV's path (--quiet) or a JSON summary (--json) on stdout
        """, CliCommand.Sync(Run))
    {
        Options = ["corpus", "out", "seed", "clip-below", "fixed-length", "window", "overlap", "mel-bands", "layers", "units", "epochs", "batch-size", "learning-rate", "keep-prob"],
        Flags = ["unidirectional-encoder", .. CommandOutput.Flags],
    };

    private static int Run(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string corpus = a.Require("corpus");
        string output = a.Require("out");
        long seed = (long)(a.GetSeed() & long.MaxValue);
        var thresholds = ParseThresholds(a.Get("clip-below"));
        double fixedLength = a.GetDouble("fixed-length", 5.0, 0.01, 3600);
        var spectrogramOptions = new MelSpectrogramOptions(
            WindowSeconds: a.GetDouble("window", 0.08, 0.001, 10),
            OverlapSeconds: a.GetDouble("overlap", 0.04, 0, 10),
            MelBands: a.GetInt("mel-bands", 128, 1, 4096),
            FixedSeconds: fixedLength,
            ClipBelowDb: thresholds);
        var autoencoderOptions = new SpectrogramAutoencoderOptions(
            Layers: a.GetInt("layers", 2, 1, 16),
            Units: a.GetInt("units", 256, 1, 8192),
            BidirectionalEncoder: !a.Flag("unidirectional-encoder"),
            KeepProbability: a.GetDouble("keep-prob", 0.8, 0.01, 1),
            Epochs: a.GetInt("epochs", 64, 1, 100_000),
            BatchSize: a.GetInt("batch-size", 256, 1, 1 << 20),
            LearningRate: a.GetDouble("learning-rate", 0.001, 1e-9, 10),
            Seed: seed);
        using var display = CommandOutput.For(a, "features audeep");
        a.RejectUnknown();
        try
        {
            spectrogramOptions.Validate();
            autoencoderOptions.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var (manifestPath, manifest, source) = FeaturesUtteranceCommand.OpenCorpusFolder(corpus);

        // Spectrograms per file in parallel, each into its own slot: [file][threshold].
        var spectrograms = new IReadOnlyList<SpectrogramMatrix>[manifest.Files.Count];
        int computed = 0;
        display.Progress("spectrograms", 0, spectrograms.Length);
        try
        {
            Parallel.For(0, spectrograms.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                string path = source.Resolve(manifest.Files[i].Audio);
                var clip = AudioLoader.LoadMono(path);
                try
                {
                    spectrograms[i] = MelSpectrogram.Compute(clip.Samples, clip.SampleRate, spectrogramOptions);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"{path}: audio: {e.Message}");
                }

                display.Progress("spectrograms", Interlocked.Increment(ref computed), spectrograms.Length);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // One clear error line: the first failing file's own exception, not the aggregate.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        var trainIndex = Enumerable.Range(0, spectrograms.Length).Where(i => manifest.Files[i].Partition == CorpusPartition.Train).ToArray();
        if (trainIndex.Length == 0)
        {
            throw new InvalidDataException($"{manifestPath}: files: no file in the train partition to train the autoencoders on");
        }

        int size = autoencoderOptions.RepresentationSize;
        var features = new float[spectrograms.Length][];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = new float[size * thresholds.Count];
        }

        for (int t = 0; t < thresholds.Count; t++)
        {
            var all = Stack(spectrograms, Enumerable.Range(0, spectrograms.Length).ToArray(), t);
            var train = Stack(spectrograms, trainIndex, t);
            string stage = string.Create(CultureInfo.InvariantCulture, $"autoencoder {thresholds[t]} dB");
            display.Progress(stage, 0, autoencoderOptions.Epochs);
            var run = SpectrogramAutoencoderTrainer.Train(train, autoencoderOptions, line => display.EpochLine(stage, line, autoencoderOptions.Epochs));
            using var model = run.Model;
            Directory.CreateDirectory(output);
            AtomicFile.WriteAllBytes(Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"encoder-{-thresholds[t]:0.##}dB.onnx")), SpectrogramEncoderOnnxExporter.Export(model));
            var represented = SpectrogramAutoencoderTrainer.Represent(model, all);
            for (int i = 0; i < features.Length; i++)
            {
                Array.Copy(represented, i * size, features[i], t * size, size);
            }

            display.Line(string.Create(CultureInfo.InvariantCulture,
                $"clip {thresholds[t]} dB: autoencoder on {train.Count} train spectrograms [{train.Frames} × {train.Bands}], RMSE {run.EpochLosses[0]:F4} → {run.EpochLosses[^1]:F4}"));
        }

        var names = new List<string>();
        foreach (double threshold in thresholds)
        {
            for (int j = 0; j < size; j++)
            {
                names.Add(string.Create(CultureInfo.InvariantCulture, $"audeep_{-threshold:0.##}dB_{j}"));
            }
        }

        Directory.CreateDirectory(output);
        bool withClass = manifest.Kind == CorpusKind.Categorical;
        var written = new List<(string, string)>();
        foreach (var partition in Enum.GetValues<CorpusPartition>())
        {
            var rows = Enumerable.Range(0, features.Length).Where(i => manifest.Files[i].Partition == partition).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            string path = Path.Combine(output, $"audeep-{partition.ToString().ToLowerInvariant()}.csv");
            AtomicFile.WriteText(path, w => WriteCsv(w, names, rows.Select(i => (manifest.Files[i].Id, features[i], manifest.Files[i].Label)), withClass));
            display.Line(string.Create(CultureInfo.InvariantCulture, $"{path}: {rows.Length} rows of {names.Count} features"));
            written.Add(($"{partition.ToString().ToLowerInvariant()}", Path.GetFullPath(path)));
        }

        display.Finish(new CommandSummary("completed", written, [("files", features.Length), ("features", names.Count)]));
        return 0;
    }

    /// <summary>Parses <c>--clip-below</c>: comma-separated negative dB values (auDeep's ComParE 2018 four by default).</summary>
    private static IReadOnlyList<double> ParseThresholds(string? text)
    {
        if (text is null)
        {
            return MelSpectrogramOptions.DefaultClipBelowDb;
        }

        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v < 0))
            {
                throw new UsageException($"--clip-below: '{part}' is not a negative dB value (e.g. -30,-45,-60,-75)");
            }

            values.Add(v);
        }

        if (values.Distinct().Count() != values.Count)
        {
            throw new UsageException($"--clip-below: '{text}' repeats a threshold");
        }

        return values;
    }

    private static SpectrogramBatch Stack(IReadOnlyList<SpectrogramMatrix>[] spectrograms, int[] files, int threshold)
    {
        var first = spectrograms[files[0]][threshold];
        int stride = first.Frames * first.Bands;
        var values = new float[files.Length * stride];
        for (int i = 0; i < files.Length; i++)
        {
            spectrograms[files[i]][threshold].Values.CopyTo(values, i * stride);
        }

        return new SpectrogramBatch(files.Length, first.Frames, first.Bands, values);
    }

    private static void WriteCsv(TextWriter writer, IReadOnlyList<string> names, IEnumerable<(string Id, float[] Values, string? Label)> rows, bool withClass)
    {
        writer.Write("name");
        foreach (string n in names)
        {
            writer.Write(';');
            writer.Write(n);
        }

        writer.Write(withClass ? ";class\n" : "\n");
        foreach (var (id, values, label) in rows)
        {
            OpenSmileCsv.RequireCell(id, "name");
            OpenSmileCsv.RequireCell(label ?? "?", "label");
            writer.Write('\'');
            writer.Write(id);
            writer.Write('\'');
            foreach (float v in values)
            {
                writer.Write(';');
                writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
            }

            if (withClass)
            {
                writer.Write(';');
                writer.Write(label ?? "?");
            }

            writer.Write('\n');
        }
    }
}
