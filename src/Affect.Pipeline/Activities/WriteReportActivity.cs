using System.Globalization;
using System.Net;
using System.Text;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>Stage 12: gathers every stage's artifacts into a deterministic <c>results.json</c> and a readable <c>report.html</c>.</summary>
public sealed class WriteReportActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<ReportRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(ReportRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parameters = new Dictionary<string, string>
        {
            ["seed"] = input.Spec.Seed.ToString(CultureInfo.InvariantCulture),
            ["batchSize"] = input.Spec.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["corpora"] = string.Join(",", input.Spec.Corpora),
        };
        var inputKeys = input.Corpora.Select(c => c.Record.Key).Concat(input.Summaries.Select(s => s.Key)).Concat(input.Llds.Select(l => l.Key))
            .Concat(input.Utterance.Classifications.Select(c => c.Metrics.Key))
            .Concat(input.Lstm.Select(c => c.Status.ModelKey + (c.Status.Exists ? string.Empty : "-failed")));
        string key = ArtifactKey.Compute("report", Version, parameters, inputKeys);
        return artifacts.GetOrCreateAsync("report", key, ReportBlobs.ResultsFile, async ct =>
        {
            var corpora = new List<CorpusResult>();
            foreach (var corpus in input.Corpora)
            {
                var record = await artifacts.ReadJsonAsync<CorpusRecord>(corpus.Record.Blob, ct);
                var rows = new List<FileAudioSummary>();
                foreach (var s in input.Summaries)
                {
                    var summary = await artifacts.ReadJsonAsync<AudioSummaryArtifact>(s.Blob, ct);
                    if (summary.Corpus == record.Corpus)
                    {
                        rows.AddRange(summary.Files);
                    }
                }

                long frames = 0;
                foreach (var l in input.Llds)
                {
                    var index = await artifacts.ReadJsonAsync<LldIndex>(l.Blob, ct);
                    if (index.Corpus == record.Corpus)
                    {
                        frames += index.Files.Sum(f => (long)f.Rows);
                    }
                }

                corpora.Add(CorpusResult.From(record, corpus.Record.Key, rows) with { LldFrames = frames });
            }

            var table3 = new List<ClassificationResult>();
            foreach (var c in input.Utterance.Classifications)
            {
                var m = await artifacts.ReadJsonAsync<ClassifyMetrics>(c.Metrics.Blob, ct);
                table3.Add(new ClassificationResult(c.Corpus, c.FeatureSet, c.Learner, m.C, m.Factors, Round(m.DevelUar), Round(m.TestUar), Round(m.TestWar), c.Metrics.Key));
            }

            var table1 = input.Lstm.Select(c => new LstmResult(
                c.Request.TrainCorpus,
                c.Request.ValidationCorpus,
                c.Request.TestCorpus,
                c.Request.Target,
                c.Status.BestEpoch,
                Round(c.Status.ValidationPearson),
                Round(c.Status.TestPearsonAtEpoch1),
                Round(c.Status.TestPearsonAtBest),
                c.Status.ModelKey,
                c.Status.Poisoned)).ToList();

            var stages = new List<StageResult>
            {
                new("ingest", "Validate each uploaded corpus and record it (Fig. 1)", input.Corpora.Select(c => c.Record.Key).ToList()),
                new("audio-summary", "Per-file duration, level, clipping and activity, in batches", input.Summaries.Select(s => s.Key).ToList()),
                new("lld", "65 ComParE 2016 LLDs + 65 deltas per 10 ms frame (openSMILE parity), .npy per file", input.Llds.Select(l => l.Key).ToList()),
                new("functionals", "6373 ComParE 2016 functionals per utterance (OSFUN), categorical corpora", input.Utterance.Functionals.Select(a => a.Key).ToList()),
                new("boaw", "Bag-of-audio-words (OSBOAW): k-means++ codebooks on train LLDs and deltas, multiple assignment, log TF", input.Utterance.Boaw.Select(a => a.Key).ToList()),
                new("feature-sets", "OSFUN, OSBOAW and OSFUN+OSBOAW by partition", input.Utterance.FeatureSets.Select(a => a.Key).ToList()),
                new("classify", "KELM, WKELM, KPLS, WKPLS, SVM; hyper-parameters by devel UAR (Table 3)", input.Utterance.Classifications.Select(c => c.Metrics.Key).ToList()),
                new("lstm", "Cross-corpus LSTM regressors (Table 1), trained by the lstm-training queue worker, ONNX models", input.Lstm.Select(c => c.Status.ModelKey).ToList()),
                new("report", "This results.json and report.html", [key]),
            };
            var results = new RunResults(1, key, input.Spec, stages, corpora, table3, table1);
            var json = MemoizedArtifacts.ToJsonBytes(results);
            var html = Encoding.UTF8.GetBytes(RenderHtml(results));
            return new ArtifactFiles(json, new Dictionary<string, byte[]> { [ReportBlobs.HtmlFile] = html });
        }, cancellationToken);
    }

    private static string RenderHtml(RunResults results)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Affect run ").Append(E(results.RunKey)).Append("</title>\n")
          .Append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}code{font-size:90%}</style></head><body>\n")
          .Append("<h1>Affect — run report</h1>\n<p>Run key <code>").Append(E(results.RunKey)).Append("</code>, seed ")
          .Append(results.Spec.Seed.ToString(CultureInfo.InvariantCulture)).Append(", batch size ").Append(results.Spec.BatchSize.ToString(CultureInfo.InvariantCulture)).Append(".</p>\n")
          .Append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>what it did</th><th>artifacts</th></tr>\n");
        foreach (var stage in results.Stages)
        {
            sb.Append("<tr><td>").Append(E(stage.Name)).Append("</td><td style=\"text-align:left\">").Append(E(stage.Description)).Append("</td><td>")
              .Append(stage.Artifacts.Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n<h2>Corpora</h2>\n<table><tr><th>corpus</th><th>kind</th><th>files</th><th>speakers</th><th>train/devel/test</th><th>audio (s)</th><th>mean RMS (dBFS)</th><th>mean active share</th><th>LLD frames</th><th>classes</th></tr>\n");
        foreach (var c in results.Corpora)
        {
            string parts = string.Join("/", new[] { "train", "devel", "test" }.Select(p => c.Partitions.GetValueOrDefault(p).ToString(CultureInfo.InvariantCulture)));
            string classes = c.Classes.Count == 0 ? "—" : string.Join(", ", c.Classes.Select(k => $"{k.Key}: {k.Value}"));
            sb.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>").Append(E(c.Kind)).Append("</td><td>").Append(c.Files.ToString(CultureInfo.InvariantCulture))
              .Append("</td><td>").Append(c.Speakers.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(parts)
              .Append("</td><td>").Append(N(c.TotalDurationSeconds, "F1")).Append("</td><td>").Append(N(c.MeanRmsDbfs, "F2"))
              .Append("</td><td>").Append(N(c.MeanActiveFraction, "F3")).Append("</td><td>").Append(c.LldFrames.ToString(CultureInfo.InvariantCulture))
              .Append("</td><td>").Append(E(classes)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n");
        if (results.Classification.Count > 0)
        {
            sb.Append("<h2>Utterance-level classification (Table 3 analogue)</h2>\n<p>UAR in %; hyper-parameters selected on devel.</p>\n")
              .Append("<table><tr><th>corpus</th><th>features</th><th>learner</th><th>C</th><th>factors</th><th>devel UAR</th><th>test UAR</th><th>test WAR</th></tr>\n");
            foreach (var r in results.Classification)
            {
                sb.Append("<tr><td>").Append(E(r.Corpus)).Append("</td><td>").Append(E(r.FeatureSet)).Append("</td><td>").Append(E(r.Learner))
                  .Append("</td><td>").Append(r.C is { } c ? N(c, "G3") : "—").Append("</td><td>").Append(r.Factors?.ToString(CultureInfo.InvariantCulture) ?? "—")
                  .Append("</td><td>").Append(Pct(r.DevelUar)).Append("</td><td>").Append(Pct(r.TestUar)).Append("</td><td>").Append(Pct(r.TestWar)).Append("</td></tr>\n");
            }

            sb.Append("</table>\n");
        }

        if (results.Lstm.Count > 0)
        {
            sb.Append("<h2>Cross-corpus LSTM (Table 1 analogue)</h2>\n<p>Pearson CC; epoch chosen on the validation corpus.</p>\n")
              .Append("<table><tr><th>train</th><th>validation</th><th>test</th><th>target</th><th>best epoch</th><th>val CC</th><th>test CC (1 epoch)</th><th>test CC (best)</th></tr>\n");
            foreach (var r in results.Lstm)
            {
                sb.Append("<tr><td>").Append(E(r.Train)).Append("</td><td>").Append(E(r.Validation)).Append("</td><td>").Append(E(r.Test ?? "—")).Append("</td><td>").Append(E(r.Target))
                  .Append("</td><td>").Append(r.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "—").Append("</td><td>").Append(Cc(r.ValidationCc))
                  .Append("</td><td>").Append(Cc(r.TestCcAtEpoch1)).Append("</td><td>").Append(r.Failure is null ? Cc(r.TestCcAtBest) : E("failed: " + r.Failure)).Append("</td></tr>\n");
            }

            sb.Append("</table>\n");
        }

        sb.Append("</body></html>\n");
        return sb.ToString();

        static string Cc(double? v) => v is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";

        static string Pct(double? v) => v is { } x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "—";
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 6, MidpointRounding.ToEven) : null;
}

/// <summary>File names of the report artifact.</summary>
public static class ReportBlobs
{
    /// <summary>The machine-readable results (main file of the report artifact).</summary>
    public const string ResultsFile = "results.json";

    /// <summary>The human-readable report.</summary>
    public const string HtmlFile = "report.html";

    /// <summary>The report.html blob that sits beside a results.json blob.</summary>
    public static string HtmlBlobFor(string resultsBlob) =>
        resultsBlob.EndsWith(ResultsFile, StringComparison.Ordinal) ? resultsBlob[..^ResultsFile.Length] + HtmlFile : throw new ArgumentException($"'{resultsBlob}' is not a results.json blob", nameof(resultsBlob));
}

/// <summary>The content of <c>results.json</c>: deterministic (no timestamps, no machine names).</summary>
/// <param name="SchemaVersion">Version of this layout.</param>
/// <param name="RunKey">Content address of these results.</param>
/// <param name="Spec">The run's spec.</param>
/// <param name="Stages">Each stage and the artifacts it produced.</param>
/// <param name="Corpora">Per-corpus results.</param>
/// <param name="Classification">Utterance-level results (Table 3 analogue).</param>
/// <param name="Lstm">Cross-corpus LSTM results (Table 1 analogue).</param>
public sealed record RunResults(int SchemaVersion, string RunKey, ExperimentSpec Spec, IReadOnlyList<StageResult> Stages, IReadOnlyList<CorpusResult> Corpora, IReadOnlyList<ClassificationResult> Classification, IReadOnlyList<LstmResult> Lstm);

/// <summary>One row of the Table 1 analogue.</summary>
/// <param name="Train">Training corpus.</param>
/// <param name="Validation">Corpus that picked the epoch.</param>
/// <param name="Test">Test corpus.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="BestEpoch">Epoch with the best validation CC.</param>
/// <param name="ValidationCc">Validation Pearson CC at the best epoch.</param>
/// <param name="TestCcAtEpoch1">Test Pearson CC after one epoch.</param>
/// <param name="TestCcAtBest">Test Pearson CC at the best epoch.</param>
/// <param name="ModelKey">Key of the model under <c>models/</c>.</param>
/// <param name="Failure">Why training failed (poisoned job), else null.</param>
public sealed record LstmResult(string Train, string Validation, string? Test, string Target, int? BestEpoch, double? ValidationCc, double? TestCcAtEpoch1, double? TestCcAtBest, string ModelKey, string? Failure);

/// <summary>One row of the Table 3 analogue.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="FeatureSet">OSFUN, OSBOAW or OSFUN+OSBOAW.</param>
/// <param name="Learner">Learner name.</param>
/// <param name="C">Selected complexity (KELM, WKELM, SVM).</param>
/// <param name="Factors">Selected latent factors (KPLS, WKPLS).</param>
/// <param name="DevelUar">Devel UAR at the selected hyper-parameters.</param>
/// <param name="TestUar">Test UAR.</param>
/// <param name="TestWar">Test WAR (accuracy).</param>
/// <param name="Key">Key of the classify artifact (scores and confusion matrices).</param>
public sealed record ClassificationResult(string Corpus, string FeatureSet, string Learner, double? C, int? Factors, double? DevelUar, double? TestUar, double? TestWar, string Key);

/// <summary>A stage of the run and its artifact keys.</summary>
/// <param name="Name">Stage name.</param>
/// <param name="Description">What the stage does.</param>
/// <param name="Artifacts">Keys of its artifacts.</param>
public sealed record StageResult(string Name, string Description, IReadOnlyList<string> Artifacts);

/// <summary>What the run found in one corpus.</summary>
/// <param name="Name">Corpus name.</param>
/// <param name="Kind">dimensional or categorical.</param>
/// <param name="Fingerprint">Content hash of the corpus.</param>
/// <param name="RecordKey">Key of the ingest artifact.</param>
/// <param name="Files">Number of audio files.</param>
/// <param name="Speakers">Number of distinct speakers.</param>
/// <param name="Partitions">Files per partition.</param>
/// <param name="Classes">Files per class (categorical corpora).</param>
/// <param name="TotalDurationSeconds">Total audio duration.</param>
/// <param name="MeanRmsDbfs">Mean per-file RMS level.</param>
/// <param name="MeanActiveFraction">Mean per-file share of active frames.</param>
public sealed record CorpusResult(
    string Name,
    string Kind,
    string Fingerprint,
    string RecordKey,
    int Files,
    int Speakers,
    IReadOnlyDictionary<string, int> Partitions,
    IReadOnlyDictionary<string, int> Classes,
    double TotalDurationSeconds,
    double MeanRmsDbfs,
    double MeanActiveFraction)
{
    /// <summary>Number of LLD frames (10 ms) extracted from the corpus.</summary>
    public long LldFrames { get; init; }

    /// <summary>Aggregates a corpus record and its files' audio summaries.</summary>
    public static CorpusResult From(CorpusRecord record, string recordKey, IReadOnlyList<FileAudioSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rows);
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var classes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in record.Files)
        {
            partitions[f.Partition] = partitions.GetValueOrDefault(f.Partition) + 1;
            if (f.Label is not null)
            {
                classes[f.Label] = classes.GetValueOrDefault(f.Label) + 1;
            }
        }

        double Mean(Func<FileAudioSummary, double> f) => rows.Count == 0 ? 0 : Math.Round(rows.Sum(f) / rows.Count, 6, MidpointRounding.ToEven);
        return new CorpusResult(
            record.Corpus,
            record.Kind,
            record.Fingerprint,
            recordKey,
            record.Files.Count,
            record.Files.Select(f => f.Speaker).Distinct(StringComparer.Ordinal).Count(),
            partitions,
            classes,
            Math.Round(rows.Sum(r => r.DurationSeconds), 6, MidpointRounding.ToEven),
            Mean(r => r.RmsDbfs),
            Mean(r => r.ActiveFraction));
    }
}
