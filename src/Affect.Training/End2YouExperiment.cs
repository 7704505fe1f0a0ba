using System.Globalization;
using System.Text;
using System.Text.Json;
using Affect.Sequence.Onnx;

namespace Affect.Training;

/// <summary>One utterance of a categorical corpus for <see cref="End2YouExperiment"/>.</summary>
/// <param name="Name">File id (the <c>name</c> column of the score files).</param>
/// <param name="Partition"><c>train</c>, <c>devel</c> or <c>test</c>.</param>
/// <param name="Label">Class name; null when hidden (test).</param>
/// <param name="Waveform">Mono 16 kHz samples.</param>
public sealed record End2YouUtterance(string Name, string Partition, string? Label, float[] Waveform);

/// <summary>What <see cref="End2YouExperiment.Run"/> measured (written as <c>metrics.json</c>; no timestamps, so the same run gives the same bytes).</summary>
/// <param name="Classes">Class names in score order.</param>
/// <param name="Options">The hyper-parameters used.</param>
/// <param name="ClassWeights">Loss weight per class, N / (K · n_k) on train.</param>
/// <param name="Epochs">Loss and devel UAR of every epoch run.</param>
/// <param name="BestEpoch">The epoch kept (best devel UAR).</param>
/// <param name="DevelUar">Devel UAR of the exported model (ONNX Runtime).</param>
/// <param name="TestUar">Test UAR of the exported model, null when no test label is known.</param>
/// <param name="Counts">Utterances per partition.</param>
public sealed record End2YouMetrics(
    IReadOnlyList<string> Classes,
    End2YouOptions Options,
    IReadOnlyList<double> ClassWeights,
    IReadOnlyList<End2YouEpoch> Epochs,
    int BestEpoch,
    double DevelUar,
    double? TestUar,
    IReadOnlyDictionary<string, int> Counts)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Indented camelCase JSON with '\n' newlines.</summary>
    public byte[] ToJsonBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json).ReplaceLineEndings("\n") + "\n");
}

/// <summary>The exported model, its metrics and the per-file class scores of devel and test.</summary>
/// <param name="Model">ONNX model bytes (<see cref="End2YouOnnxExporter"/>).</param>
/// <param name="Metrics">Training history and UARs.</param>
/// <param name="DevelScores">CSV <c>name,{class...},predicted</c> of the devel files (the learners' layout, read by <c>affect fuse</c>).</param>
/// <param name="TestScores">The same for the test files.</param>
public sealed record End2YouOutcome(byte[] Model, End2YouMetrics Metrics, string DevelScores, string TestScores);

/// <summary>
/// The End2You baseline of a categorical corpus end to end: waveforms framed (<see cref="End2YouTrainer.Frame"/>), the
/// model trained on train with the epoch chosen on devel, exported to ONNX, and devel/test scored by ONNX Runtime (so the
/// scores are the shipped model's).
/// </summary>
public static class End2YouExperiment
{
    /// <summary>
    /// Runs the experiment; throws <see cref="ArgumentException"/> naming what is missing (no train/devel file, an unknown
    /// class) and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> stops the training.
    /// </summary>
    public static End2YouOutcome Run(IReadOnlyList<End2YouUtterance> utterances, IReadOnlyList<string> classes, End2YouOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (classes.Count < 2)
        {
            throw new ArgumentException($"classes: {classes.Count} class(es); End2You needs a categorical corpus with ≥ 2");
        }

        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        int LabelOf(End2YouUtterance u) => u.Label is null ? -1
            : index.TryGetValue(u.Label, out int k) ? k : throw new ArgumentException($"{u.Name}: label: '{u.Label}' is not one of {string.Join(", ", classes)}");

        End2YouUtterances Stack(string partition, bool required)
        {
            var part = utterances.Where(u => u.Partition == partition).ToArray();
            if (part.Length == 0)
            {
                return required ? throw new ArgumentException($"files: no file in the {partition} partition") : new End2YouUtterances(0, options.Samples, [], []);
            }

            var values = new float[part.Length * options.Samples];
            for (int i = 0; i < part.Length; i++)
            {
                End2YouTrainer.Frame(part[i].Waveform, options).CopyTo(values, i * options.Samples);
            }

            return new End2YouUtterances(part.Length, options.Samples, values, part.Select(LabelOf).ToArray());
        }

        var train = Stack("train", true);
        var devel = Stack("devel", true);
        var test = Stack("test", false);
        if (train.Labels.Any(l => l < 0))
        {
            throw new ArgumentException("label: every train file needs a class");
        }

        var run = End2YouTrainer.Train(train, devel, classes.Count, options, progress, cancellationToken);
        byte[] onnx;
        using (var model = run.Model)
        {
            onnx = End2YouOnnxExporter.Export(model, classes);
        }

        using var predictor = OnnxPredictor.Load(onnx, "end2you.onnx");
        float[] Score(End2YouUtterances part) => part.Count == 0 ? []
            : predictor.Run(new OnnxFloatTensor(part.Values, [part.Count, options.Frames, options.FrameSamples])).Values.ToArray();
        var develScores = Score(devel);
        var testScores = Score(test);
        double develUar = End2YouTrainer.Uar(devel.Labels, End2YouTrainer.ArgMax(develScores, classes.Count), classes.Count);
        double? testUar = test.Labels.Any(l => l >= 0)
            ? End2YouTrainer.Uar(test.Labels, End2YouTrainer.ArgMax(testScores, classes.Count), classes.Count)
            : null;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["train"] = train.Count, ["devel"] = devel.Count, ["test"] = test.Count };
        var metrics = new End2YouMetrics(classes, options, run.ClassWeights, run.Epochs, run.BestEpoch, develUar, testUar, counts);
        return new End2YouOutcome(
            onnx,
            metrics,
            ScoreCsv(utterances.Where(u => u.Partition == "devel").Select(u => u.Name).ToArray(), develScores, classes),
            ScoreCsv(utterances.Where(u => u.Partition == "test").Select(u => u.Name).ToArray(), testScores, classes));
    }

    /// <summary>Class scores as CSV <c>name,{class...},predicted</c> (round-trip numbers), the learners' score layout.</summary>
    public static string ScoreCsv(IReadOnlyList<string> names, float[] scores, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classes);
        var predicted = End2YouTrainer.ArgMax(scores, classes.Count);
        var sb = new StringBuilder("name,").Append(string.Join(',', classes)).Append(",predicted\n");
        for (int i = 0; i < names.Count; i++)
        {
            sb.Append(names[i]);
            for (int k = 0; k < classes.Count; k++)
            {
                sb.Append(',').Append(((double)scores[(i * classes.Count) + k]).ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(',').Append(classes[predicted[i]]).Append('\n');
        }

        return sb.ToString();
    }
}
