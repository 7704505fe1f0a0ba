using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;
using Affect.Training;

namespace Affect.Cli;

/// <summary><c>affect lstm train|predict</c>: the cross-corpus LSTM of §3 (Table 1) and its frame-level predictions.</summary>
internal static class LstmCommand
{
    /// <summary><c>affect lstm train</c>.</summary>
    public static CliCommand Train { get; } = new("lstm train", """
        affect lstm train --train DIR --val DIR [--test DIR] --target arousal|valence --out OUT [--epochs 5] [--seed 1] [--hidden 32] [--layers 2]
            [--batch 32] [--lr 0.001] [--loss mse|ccc] [--lag SECONDS|auto] [--hop 0.2] [--step-frames 1] [--features compare2016-lld|basic] [--threads 1]
            [--quiet | --json]
            train the cross-corpus LSTM (paper §3, Table 1): epoch chosen on --val, tested on --test; writes OUT/model.onnx and OUT/metrics.json;
            progress over the epochs on stderr, the model's path (--quiet) or a JSON summary with the best epoch's CCs (--json) on stdout
        """, CliCommand.Sync(RunTrain))
    {
        Options = ["train", "val", "test", "target", "out", "epochs", "seed", "hidden", "layers", "batch", "lr", "loss", "lag", "hop", "step-frames", "features", "threads"],
        Flags = CommandOutput.Flags,
    };

    /// <summary><c>affect lstm predict</c>.</summary>
    public static CliCommand Predict { get; } = new("lstm predict", """
        affect lstm predict --model OUT/model.onnx --corpus DIR --out preds.csv [--threads 1]
            frame-level predictions (name,time,value) at 25 Hz with ONNX Runtime, and per-file means in preds.means.csv
        """, CliCommand.Sync(RunPredict))
    {
        Options = ["model", "corpus", "out", "threads"],
    };

    /// <summary>The front-end named on the command line or in a job.</summary>
    public static IFrameFeatureExtractor Extractor(string name) => name switch
    {
        "basic" or "basic-prosody-10" => new BasicFrameFeatures(),
        "compare" or "compare2016-lld" => new ComParELldFeatures(),
        _ => throw new UsageException($"--features: '{name}' is not compare2016-lld or basic"),
    };

    private static int RunTrain(Arguments a)
    {
        var trainDir = a.Require("train");
        var valDir = a.Require("val");
        var testDir = a.Get("test");
        var target = a.Require("target");
        if (target is not ("arousal" or "valence"))
        {
            throw new UsageException($"--target: '{target}' is not arousal or valence");
        }

        var lossName = a.Get("loss") ?? "mse";
        var options = new LstmTrainingOptions(
            HiddenSize: a.GetInt("hidden", 32, 1, 4096),
            Layers: a.GetInt("layers", 2, 1, 8),
            Epochs: a.GetInt("epochs", 5, 1, 1000),
            LearningRate: a.GetDouble("lr", 0.001, 1e-7, 1),
            BatchSize: a.GetInt("batch", 32, 1, 65536),
            Loss: lossName switch
            {
                "mse" => LstmLoss.Mse,
                "ccc" => LstmLoss.Ccc,
                _ => throw new UsageException($"--loss: '{lossName}' is not mse or ccc"),
            },
            Seed: (long)a.GetSeed(),
            Threads: a.GetInt("threads", 1, 1, 256));
        var windows = new ContextWindowOptions(HopSeconds: a.GetDouble("hop", 0.2, 0.01, 8), StepFrames: a.GetInt("step-frames", 1, 1, 1000));
        var labels = Labels(a);
        var extractor = Extractor(a.Get("features") ?? "compare2016-lld");
        var outDir = a.Require("out");
        using var output = CommandOutput.For(a, "lstm train");
        a.RejectUnknown();

        SequenceCorpus Load(string dir)
        {
            output.Line($"reading {dir} ({extractor.Name} features, {target})");
            return SequenceCorpus.LoadFolder(dir, target, extractor, labels);
        }

        var train = Load(trainDir);
        var val = Load(valDir);
        var test = testDir is null ? null : Load(testDir);
        output.Progress("epochs", 0, options.Epochs);
        var result = CrossCorpusExperiment.Run(train, val, test, options, windows, line => output.EpochLine("epochs", line, options.Epochs));
        Directory.CreateDirectory(outDir);
        using (var outputs = new AtomicFileSet())
        {
            outputs.Stage(Path.Combine(outDir, "metrics.json"), s => s.Write(result.Metrics.ToJsonBytes()));
            outputs.Stage(Path.Combine(outDir, "model.onnx"), s => s.Write(result.Model));
            outputs.Commit();
        }

        var m = result.Metrics;
        output.Line($"best epoch {m.BestEpoch}: validation CC {m.ValidationPearsonAtBest:F3}" +
            (m.TestPearsonAtBest is { } t ? $", test CC {t:F3} (1 epoch: {m.TestPearsonAtEpoch1:F3})" : string.Empty));
        var facts = new List<(string, object)> { ("bestEpoch", m.BestEpoch), ("validationCc", Math.Round(m.ValidationPearsonAtBest, 6)) };
        if (m.TestPearsonAtBest is { } testCc)
        {
            facts.Add(("testCc", Math.Round(testCc, 6)));
        }

        output.Finish(new CommandSummary("completed", [("model", Path.GetFullPath(Path.Combine(outDir, "model.onnx"))), ("metrics", Path.GetFullPath(Path.Combine(outDir, "metrics.json")))], facts));
        return 0;
    }

    private static int RunPredict(Arguments a)
    {
        var modelPath = a.Require("model");
        var corpusDir = a.Require("corpus");
        var outPath = a.Require("out");
        var threads = a.GetInt("threads", 1, 1, 256);
        a.RejectUnknown();

        using var predictor = LstmSequencePredictor.Load(modelPath, threads);
        var corpus = SequenceCorpus.LoadFolder(corpusDir, null, Extractor(predictor.Info.FeatureExtractor));
        var predictions = predictor.Predict(corpus.Recordings);
        var frames = new StringBuilder("name,time,value\n");
        var means = new StringBuilder($"name,mean_{predictor.Info.Target}\n");
        for (var r = 0; r < corpus.Recordings.Count; r++)
        {
            var name = corpus.Recordings[r].Id;
            var rate = corpus.Recordings[r].LabelRate;
            for (var i = 0; i < predictions[r].Length; i++)
            {
                frames.Append(CultureInfo.InvariantCulture, $"{name},{i / rate:0.###},{predictions[r][i]:R}\n");
            }

            means.Append(CultureInfo.InvariantCulture, $"{name},{predictions[r].Average():R}\n");
        }

        var meansPath = Path.ChangeExtension(outPath, null) + ".means.csv";
        using (var outputs = new AtomicFileSet())
        {
            outputs.Stage(outPath, s => s.Write(Encoding.UTF8.GetBytes(frames.ToString())));
            outputs.Stage(meansPath, s => s.Write(Encoding.UTF8.GetBytes(means.ToString())));
            outputs.Commit();
        }

        Console.WriteLine($"{corpus.Recordings.Count} recordings: frame predictions in {outPath}, per-file means in {meansPath}");
        return 0;
    }

    private static LabelOptions Labels(Arguments a)
    {
        var lag = a.Get("lag");
        return lag switch
        {
            null => new LabelOptions(),
            "auto" => new LabelOptions(LagSeconds: null),
            _ when double.TryParse(lag, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is >= 0 and <= 30 => new LabelOptions(LagSeconds: s),
            _ => throw new UsageException($"--lag: '{lag}' is not 'auto' or a number of seconds in 0..30"),
        };
    }

}

/// <summary>The paper's front-end: the 65 ComParE 2016 LLDs and their deltas at 100 Hz (Affect.Features).</summary>
internal sealed class ComParELldFeatures : IFrameFeatureExtractor
{
    private readonly LowLevelDescriptors descriptors = new();

    public string Name => "compare2016-lld";

    public int FeatureCount => descriptors.ColumnNames.Count;

    public FeatureMatrix Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SampleRate != 16000)
        {
            throw new ArgumentException($"{clip.SourceName}: sampleRate: {clip.SampleRate} Hz (the ComParE 2016 LLDs need 16000 Hz)");
        }

        var matrix = descriptors.Extract(clip.Samples);
        return new FeatureMatrix(matrix.Values, matrix.Rows, matrix.Columns, 100.0);
    }
}
