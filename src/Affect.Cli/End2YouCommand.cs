using System.Globalization;
using Affect.Audio;
using Affect.Corpora;
using Affect.Training;

namespace Affect.Cli;

/// <summary>
/// <c>affect e2e train --corpus DIR --out DIR2 [...]</c>: the End2You-style end-to-end baseline (Tzirakis et al.) of a
/// categorical corpus: raw 16 kHz audio → CNN over 40 ms frames → GRU → class scores, trained on train with the epoch
/// chosen by devel UAR; writes the ONNX model, its metrics and the per-file class scores of devel and test.
/// </summary>
internal static class End2YouCommand
{
    /// <summary><c>affect e2e train</c>.</summary>
    public static CliCommand Train { get; } = new("e2e train", """
        affect e2e train --corpus DIR --out DIR2 [--seed 1] [--epochs 50] [--patience 10] [--frames 100] [--units 256]
            [--conv-channels 40] [--batch-size 16] [--learning-rate 0.0001] [--small]
            End2You-style end-to-end model of a categorical corpus (Tzirakis et al.): raw audio standardised and cut to
            --frames 40 ms frames, conv 80 samples/40 filters + max-pool 2, conv 40/40 + max-pool 10, a GRU, the mean over
            frames → class scores; class-balanced cross-entropy, Adam, seeded (bit-reproducible on CPU), epoch chosen by devel
            UAR. --small: demo sizes (25 frames, 8 filters, 16 units, 8 epochs) before the other options. Writes
            DIR2/model.onnx (audio [batch, frames, 640] → probabilities), DIR2/metrics.json and
            DIR2/{devel,test}.scores.csv (name,{class...},predicted: the layout affect fuse and affect discretize read)
        """, CliCommand.Sync(Run))
    {
        Options = ["corpus", "out", "seed", "epochs", "patience", "frames", "units", "conv-channels", "batch-size", "learning-rate"],
        Flags = ["small"],
    };

    private static int Run(Arguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string corpus = a.Require("corpus");
        string output = a.Require("out");
        var d = a.Flag("small") ? End2YouOptions.Demo : new End2YouOptions();
        int channels = a.GetInt("conv-channels", d.Conv1Channels, 1, 4096);
        var options = d with
        {
            Seed = (long)(a.GetSeed() & long.MaxValue),
            Epochs = a.GetInt("epochs", d.Epochs, 1, 100_000),
            Patience = a.GetInt("patience", d.Patience, 0, 100_000),
            Frames = a.GetInt("frames", d.Frames, 1, 1_000_000),
            Units = a.GetInt("units", d.Units, 1, 8192),
            Conv1Channels = channels,
            Conv2Channels = channels,
            BatchSize = a.GetInt("batch-size", d.BatchSize, 1, 1 << 20),
            LearningRate = a.GetDouble("learning-rate", d.LearningRate, 1e-9, 10),
        };
        a.RejectUnknown();
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var (manifestPath, manifest, source) = FeaturesUtteranceCommand.OpenCorpusFolder(corpus);
        if (manifest.Kind != CorpusKind.Categorical)
        {
            throw new InvalidDataException($"{manifestPath}: kind: End2You classifies utterances; '{manifest.Name}' is not a categorical corpus");
        }

        var utterances = new End2YouUtterance[manifest.Files.Count];
        try
        {
            Parallel.For(0, utterances.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var file = manifest.Files[i];
                var clip = AudioLoader.LoadMono(source.Resolve(file.Audio));
                utterances[i] = new End2YouUtterance(file.Id, file.Partition.ToString().ToLowerInvariant(), file.Label, clip.Samples);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // One clear error line: the first failing file's own exception, not the aggregate.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        End2YouOutcome outcome;
        try
        {
            outcome = End2YouExperiment.Run(utterances, manifest.Classes, options, Console.Error.WriteLine);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{manifestPath}: {e.Message}", e);
        }

        Directory.CreateDirectory(output);
        using (var outputs = new AtomicFileSet())
        {
            outputs.Stage(Path.Combine(output, "model.onnx"), s => s.Write(outcome.Model));
            outputs.Stage(Path.Combine(output, "metrics.json"), s => s.Write(outcome.Metrics.ToJsonBytes()));
            outputs.StageText(Path.Combine(output, "devel.scores.csv"), w => w.Write(outcome.DevelScores));
            outputs.StageText(Path.Combine(output, "test.scores.csv"), w => w.Write(outcome.TestScores));
            outputs.Commit();
        }

        var m = outcome.Metrics;
        string test = m.TestUar is { } t ? string.Create(CultureInfo.InvariantCulture, $", test UAR {t:F4}") : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best epoch {m.BestEpoch} of {m.Epochs.Count}: devel UAR {m.DevelUar:F4}{test}"));
        Console.WriteLine($"wrote {Path.Combine(output, "model.onnx")}, metrics.json, devel.scores.csv and test.scores.csv");
        return 0;
    }
}
