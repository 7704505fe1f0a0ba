using System.Globalization;
using System.Text;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>Stage 12: gathers every stage's artifacts into a deterministic <c>results.json</c> and a readable <c>report.html</c>.</summary>
public sealed class WriteReportActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<ReportRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes (5: traces and threshold-surface figures, timings placeholder).</summary>
    public const int Version = 5;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <summary>
    /// The code that wrote the results: the assembly's informational version, which the SDK ends with the git commit
    /// (<c>1.0.0+SHA</c>) when built from a clone.
    /// </summary>
    public static string CodeVersion { get; } =
        typeof(WriteReportActivity).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(ReportRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parameters = new Dictionary<string, string>
        {
            ["seed"] = input.Spec.Seed.ToString(CultureInfo.InvariantCulture),
            ["batchSize"] = input.Spec.Features.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["corpora"] = string.Join(",", input.Spec.Corpora),
            ["spec"] = System.Text.Json.JsonSerializer.Serialize(input.Spec, MemoizedArtifacts.Json),
        };
        var inputKeys = input.Corpora.Select(c => c.Record.Key).Concat(input.Summaries.Select(s => s.Key)).Concat(input.Llds.Select(l => l.Key))
            .Concat(input.Utterance.Classifications.Select(c => c.Metrics.Key))
            .Concat(input.Utterance.End2You.Select(c => c.Metrics.Key))
            .Concat(input.Lstm.Select(c => c.Status.ModelKey + (c.Status.Exists ? string.Empty : "-failed")))
            .Concat(input.CrossTask.Select(c => c.Predictions.Key))
            .Concat(input.Discretization.Select(d => $"{d.Artifact.Key}/{d.Index}"))
            .Concat(input.Fusion.Select(f => f.Artifact.Key))
            .Concat(input.Submissions.Select(s => $"{s.Corpus}/{s.Id}/{s.FitOn}/{s.Artifact.Key}"));
        string key = ArtifactKey.Compute("report", Version, parameters, inputKeys);
        return artifacts.GetOrCreateAsync("report", key, ReportBlobs.ResultsFile, async ct =>
        {
            var corpora = new List<CorpusResult>();
            var provenance = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var corpus in input.Corpora)
            {
                var record = await artifacts.ReadJsonAsync<CorpusRecord>(corpus.Record.Blob, ct);
                provenance[record.Corpus] = await ProvenanceAsync(record.Corpus, ct);
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

                corpora.Add(CorpusResult.From(record, corpus.Record.Key, rows) with { LldFrames = frames, Labels = await LabelStatisticsAsync(record, ct) });
            }

            var table3 = new List<ClassificationResult>();
            var classificationFigures = new List<ClassificationFigure>();
            foreach (var c in input.Utterance.Classifications)
            {
                var m = await artifacts.ReadJsonAsync<ClassifyMetrics>(c.Metrics.Blob, ct);
                classificationFigures.Add(new ClassificationFigure(c.Corpus, c.FeatureSet, c.Learner, m.Classes, m.TestConfusion, m.Grid));
                table3.Add(new ClassificationResult(c.Corpus, c.FeatureSet, c.Learner, m.C, m.Factors, Round(m.DevelUar), Round(m.TestUar), Round(m.TestWar), c.Metrics.Key));
            }

            // The End2You scores are no learner × feature set of Table 3: they enter Table 2 (END2YOU) only.
            var end2you = new List<ClassificationResult>();
            foreach (var c in input.Utterance.End2You)
            {
                var m = await artifacts.ReadJsonAsync<ClassifyMetrics>(c.Metrics.Blob, ct);
                end2you.Add(new ClassificationResult(c.Corpus, c.FeatureSet, c.Learner, null, null, Round(m.DevelUar), Round(m.TestUar), Round(m.TestWar), c.Metrics.Key));
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

            var epochs = new SortedDictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
            foreach (var c in input.Lstm.Where(c => c.Status.Exists))
            {
                epochs[ExperimentOrchestration.SystemName(c.Request)] = await ValidationCurveAsync(c.Status.ModelKey, ct);
            }

            // Stages 8, 9 and 11.
            var crossTask = new List<CrossTaskResult>();
            foreach (var c in input.CrossTask)
            {
                var a = await artifacts.ReadJsonAsync<CrossTaskArtifact>(c.Predictions.Blob, ct);
                var means = new SortedDictionary<string, double>(StringComparer.Ordinal);
                foreach (var g in a.Utterances.GroupBy(u => u.Partition, StringComparer.Ordinal))
                {
                    means[g.Key] = Math.Round(g.Average(u => u.Score), 6, MidpointRounding.ToEven);
                }

                crossTask.Add(new CrossTaskResult(c.Corpus, ExperimentOrchestration.SystemName(c.Model.Request), a.Target, a.ModelKey, a.Utterances.Count, means, c.Predictions.Key));
            }

            var discretizeArtifacts = new Dictionary<string, DiscretizeArtifact>(StringComparer.Ordinal);
            var discretized = new Dictionary<(string Corpus, string System), DiscretizedSystem>();
            var discretization = new List<DiscretizationResult>();
            foreach (var d in input.Discretization)
            {
                if (!discretizeArtifacts.TryGetValue(d.Artifact.Key, out var a))
                {
                    discretizeArtifacts[d.Artifact.Key] = a = await artifacts.ReadJsonAsync<DiscretizeArtifact>(d.Artifact.Blob, ct);
                }

                var system = a.Systems[d.Index];
                discretized[(d.Corpus, d.System)] = system;
                // The UAR surfaces are figure data: drawn in report.html, kept out of results.json.
                discretization.Add(new DiscretizationResult(d.Corpus, d.System, system.Targets, a.Classes, [.. system.Fits.Select(f => f with { UarSurface = null })], d.Artifact.Key));
            }

            var fusion = new List<FusionResult>();
            var fusedByKey = new Dictionary<string, FusionArtifact>(StringComparer.Ordinal);
            foreach (var f in input.Fusion)
            {
                var a = await artifacts.ReadJsonAsync<FusionArtifact>(f.Artifact.Blob, ct);
                fusedByKey[f.Artifact.Key] = a;
                fusion.Add(new FusionResult(f.Corpus, a.System, a.Method, a.Classes, a.Members, a.Weights, a.PoolIndex, a.Gamma, a.Devel, a.Test, input.Spec.Learners.RetrainOnTrainDevel ? "train+devel refit" : "train only"));
            }

            var table4 = ReportTables.Table4(input.CrossTask, discretized);
            var thresholdFigures = new List<ThresholdFigure>();
            foreach (var row in table4.Rows.Where(r => r.Corpus is not null && r.System is not null))
            {
                var fit = discretized.TryGetValue((row.Corpus!, row.System!), out var d) ? d.Fits.FirstOrDefault(f => f.FitOn == "train") : null;
                if (fit?.UarSurface is { } surface)
                {
                    thresholdFigures.Add(new ThresholdFigure(row.Corpus!, row.Source, row.Dimension, row.System!, fit.FitOn, fit.Direction, fit.Thresholds, fit.FitUar, surface));
                }
            }

            var submissions = ReportTables.Submissions(input.Submissions, discretized, fusedByKey, input.Spec.Learners.RetrainOnTrainDevel);

            // A run without two dimensional corpora trains no LSTM (e.g. an imported categorical corpus alone): say so
            // where the LSTM stages are listed, in results.json and in the report, rather than leave empty tables unexplained.
            int dimensionalCorpora = input.Corpora.Count(c => c.Kind == "dimensional");
            string skipped = input.Lstm.Count > 0 ? string.Empty
                : $"{SkippedMarker}this run has {dimensionalCorpora} dimensional {(dimensionalCorpora == 1 ? "corpus" : "corpora")} (cross-corpus LSTMs need at least 2{(input.Spec.Lstm.Enabled ? string.Empty : " and the spec turns them off")})";
            var stages = new List<StageResult>
            {
                new("ingest", "Validate each uploaded corpus and record it (Fig. 1)", input.Corpora.Select(c => c.Record.Key).ToList()),
                new("audio-summary", "Per-file duration, level, clipping and activity, in batches", input.Summaries.Select(s => s.Key).ToList()),
                new("lld", "65 ComParE 2016 LLDs + 65 deltas per 10 ms frame (openSMILE parity), .npy per file", input.Llds.Select(l => l.Key).ToList()),
                new("functionals", "6373 ComParE 2016 functionals per utterance (OSFUN), categorical corpora", input.Utterance.Functionals.Select(a => a.Key).ToList()),
                new("boaw", "Bag-of-audio-words (OSBOAW): k-means++ codebooks on train LLDs and deltas, multiple assignment, log TF", input.Utterance.Boaw.Select(a => a.Key).ToList()),
                new("feature-sets", "OSFUN, OSBOAW and OSFUN+OSBOAW by partition", input.Utterance.FeatureSets.Select(a => a.Key).ToList()),
                new("classify", "KELM, WKELM, KPLS, WKPLS, SVM; hyper-parameters by devel UAR (Tables 2, 3)", input.Utterance.Classifications.Select(c => c.Metrics.Key).ToList()),
                new("lstm", "Cross-corpus LSTM regressors (Table 1), trained by the lstm-training queue worker, ONNX models" + skipped, input.Lstm.Select(c => c.Status.ModelKey).ToList()),
                new("crosstask", "Every LSTM on every utterance of the categorical corpus (ONNX Runtime on the stored LLDs, speaker z-norm, overlapping windows averaged, utterance mean)" + skipped, input.CrossTask.Select(c => c.Predictions.Key).ToList()),
                new("discretize", "Two thresholds maximising UAR per system, fitted on train, devel and train+devel (Table 4)" + skipped, input.Discretization.Select(d => d.Artifact.Key).ToList()),
                new("fusion", "Score fusion fitted on devel: weighted fusion over a seeded random weight pool (fan-out over chunks) and simple fusion (Eq. 2)", input.Fusion.Select(f => f.Artifact.Key).ToList()),
                new("report", "This results.json and report.html", [key]),
            };
            if (input.Utterance.AuDeep.Count > 0)
            {
                stages.Insert(5, new("audeep", "auDeep: Mel spectrograms clipped below each threshold, one GRU autoencoder per threshold trained on train by the queue worker, ONNX Runtime representations (feature set AuDeep)", input.Utterance.AuDeep.Select(a => a.Key).ToList()));
            }

            if (input.Utterance.End2You.Count > 0)
            {
                stages.Insert(stages.FindIndex(st => st.Name == "classify") + 1, new("end2you", "End2You: an end-to-end CNN + GRU over the raw audio trained on train (epoch chosen on devel) by the queue worker, ONNX Runtime class scores of devel and test (Table 2 END2YOU, fusion learners+end2you)", input.Utterance.End2You.Select(c => c.Metrics.Key).ToList()));
            }

            var results = new RunResults(
                3,
                key,
                input.Spec,
                stages,
                corpora,
                table3,
                table1,
                ReportTables.Table1(table1),
                ReportTables.Table2([.. table3, .. end2you]),
                ReportTables.Table3(table3),
                table4,
                submissions,
                crossTask,
                discretization,
                fusion)
            {
                About = ResultsAbout.Describe(corpora, provenance, CodeVersion),
            };
            var json = MemoizedArtifacts.ToJsonBytes(results);
            var figures = new ReportFigureData(epochs, classificationFigures) { Traces = await TracesAsync(input.Lstm, ct), Thresholds = thresholdFigures };
            var html = Encoding.UTF8.GetBytes(ReportHtml.Render(results, figures));
            return new ArtifactFiles(json, new Dictionary<string, byte[]> { [ReportBlobs.HtmlFile] = html });
        }, cancellationToken);
    }

    /// <summary>What a stage's description says after its text when the stage did not run, followed by why.</summary>
    public const string SkippedMarker = " — skipped: ";

    /// <summary>Fig. 2 analogue of a dimensional corpus: its gold-standard label statistics (null for categorical corpora).</summary>
    private async Task<CorpusLabelStatistics?> LabelStatisticsAsync(CorpusRecord record, CancellationToken ct)
    {
        if (record.Kind != "dimensional")
        {
            return null;
        }

        string manifestBlob = $"{record.Corpus}/{CorpusManifest.FileName}";
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Corpora, manifestBlob, ct)), $"{Containers.Corpora}/{manifestBlob}");
        var files = new List<(CorpusLabels, LabelTable)>();
        foreach (var entry in manifest.Files)
        {
            if (entry.Labels is { } labels)
            {
                string blob = $"{record.Corpus}/{labels.Path}";
                await using var stream = await store.OpenReadAsync(Containers.Corpora, blob, ct);
                files.Add((labels, LabelTable.Parse(stream, $"{Containers.Corpora}/{blob}")));
            }
        }

        string synthesisBlob = $"{record.Corpus}/{SyntheticCorpusGenerator.DescriptionFile}";
        var synthesis = await store.GetInfoAsync(Containers.Corpora, synthesisBlob, ct) is null
            ? null
            : SynthesisDescription.TryParse(await store.GetBytesAsync(Containers.Corpora, synthesisBlob, ct));
        return CorpusLabelStatistics.Compute(files, new LstmJobParameters().LagSeconds, synthesis);
    }

    // Synthetic when the corpus carries the built-in generator's synthesis.json (every generator parameter), else imported.
    private async Task<string> ProvenanceAsync(string corpus, CancellationToken ct)
    {
        if (await store.GetInfoAsync(Containers.Corpora, $"{corpus}/{CorpusManifest.FileName}", ct) is null)
        {
            return "unknown";
        }

        return await store.GetInfoAsync(Containers.Corpora, $"{corpus}/{SyntheticCorpusGenerator.DescriptionFile}", ct) is null ? "imported" : "synthetic";
    }

    // Validation Pearson CC after each epoch, from the worker's metrics.json (empty when it has none).
    private async Task<IReadOnlyList<double>> ValidationCurveAsync(string modelKey, CancellationToken ct)
    {
        var blob = Training.LstmModelBlobs.Metrics(modelKey);
        if (await store.GetInfoAsync(Containers.Models, blob, ct) is null)
        {
            return [];
        }

        using var doc = System.Text.Json.JsonDocument.Parse(await store.GetBytesAsync(Containers.Models, blob, ct));
        return doc.RootElement.TryGetProperty("epochs", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. e.EnumerateArray().Select(x => x.TryGetProperty("validationPearson", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? Math.Round(v.GetDouble(), 6, MidpointRounding.ToEven) : double.NaN)]
            : [];
    }

    /// <summary>
    /// Per test corpus of Table 1 and target: the first recording (manifest order) predicted by the model with the best
    /// validation CC that was tested on it (ONNX Runtime on the stored stage-2 LLDs, speaker z-normalised over the test
    /// corpus as in training) beside its gold standard (lag-corrected rater mean), both scaled by the model's scaler.
    /// </summary>
    private async Task<IReadOnlyList<TraceFigure>> TracesAsync(IReadOnlyList<LstmCell> lstm, CancellationToken ct)
    {
        var traces = new List<TraceFigure>();
        var cells = lstm.Where(c => c.Status.Exists && c.Status.ModelBlob is not null && c.Request.TestCorpus is not null && c.Request.Sources is not null).ToList();
        foreach (string test in cells.Select(c => c.Request.TestCorpus!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            foreach (string target in new[] { "arousal", "valence" })
            {
                LstmCell? best = null;
                foreach (var c in cells.Where(c => c.Request.TestCorpus == test && c.Request.Target == target))
                {
                    if (best is null || (c.Status.ValidationPearson ?? double.NegativeInfinity) > (best.Status.ValidationPearson ?? double.NegativeInfinity))
                    {
                        best = c;
                    }
                }

                var source = best?.Request.Sources!.FirstOrDefault(s => s.Corpus == test);
                if (best is null || source is null)
                {
                    continue;
                }

                using var predictor = Sequence.LstmSequencePredictor.Load(await store.GetBytesAsync(Containers.Models, best.Status.ModelBlob!, ct), $"{Containers.Models}/{best.Status.ModelBlob}");
                if (predictor.Info.FeatureExtractor != LstmCorpusSource.Features)
                {
                    continue;
                }

                var labels = new Sequence.LabelOptions((best.Request.Parameters ?? new LstmJobParameters()).LagSeconds);
                var corpus = (await StoredSequenceCorpus.LoadAsync(store, source, target, labels, ct)).Scaled(predictor.Info.Scaler);
                var recording = corpus.Recordings.FirstOrDefault(r => r.Labels is not null);
                if (recording is null)
                {
                    continue;
                }

                var predicted = predictor.Predict([recording])[0];
                int n = Math.Min(predicted.Length, recording.LabelFrames);
                traces.Add(new TraceFigure(
                    test,
                    recording.Id,
                    target,
                    ExperimentOrchestration.SystemName(best.Request),
                    recording.LabelRate,
                    [.. predicted.Take(n).Select(v => Math.Round(v, 4, MidpointRounding.ToEven))],
                    [.. recording.Labels!.Take(n).Select(v => Math.Round(v, 4, MidpointRounding.ToEven))]));
            }
        }

        return traces;
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
/// <param name="Table1">Table 1: this run's LSTMs beside the paper's CCs.</param>
/// <param name="Table2">Table 2: the SVM baseline beside the paper's benchmark and reproduced devel UARs.</param>
/// <param name="Table3">Table 3: the learners beside the paper's devel UARs.</param>
/// <param name="Table4">Table 4: each source corpus × dimension discretized with thresholds fitted on train.</param>
/// <param name="Submissions">The Section 4.3 systems (fused learners, three LSTM submissions, final fusion) on devel and test.</param>
/// <param name="CrossTask">Stage 8: each model's predictions on each categorical corpus.</param>
/// <param name="Discretization">Stage 9: every system's thresholds and scores per fit set.</param>
/// <param name="Fusion">Stage 11: every fused system (no artifact keys, so it does not depend on how the pool was split).</param>
public sealed record RunResults(
    int SchemaVersion,
    string RunKey,
    ExperimentSpec Spec,
    IReadOnlyList<StageResult> Stages,
    IReadOnlyList<CorpusResult> Corpora,
    IReadOnlyList<ClassificationResult> Classification,
    IReadOnlyList<LstmResult> Lstm,
    ComparedTable<Table1Row> Table1,
    ComparedTable<Table2Row> Table2,
    ComparedTable<Table3Row> Table3,
    ComparedTable<Table4Row> Table4,
    ComparedTable<SubmissionRow> Submissions,
    IReadOnlyList<CrossTaskResult> CrossTask,
    IReadOnlyList<DiscretizationResult> Discretization,
    IReadOnlyList<FusionResult> Fusion)
{
    /// <summary>What the numbers mean and where they came from: units, chance levels, provenance, code version, per-file scores.</summary>
    public ResultsAbout? About { get; init; }
}

/// <summary>
/// The self-description of results.json: units of every kind of number, the chance level of each categorical corpus,
/// whether each corpus is synthetic or imported, the code version, and where the per-file scores are. No timestamps:
/// identical runs give byte-identical results.json (timings live only in the run's console summary).
/// </summary>
/// <param name="CodeVersion">Informational version of the code (<c>1.0.0+git-commit</c> when built from a clone).</param>
/// <param name="Units">Unit of each kind of number, by field-name pattern.</param>
/// <param name="ChanceUar">Per categorical corpus: UAR of a constant or random guess (1 / number of classes).</param>
/// <param name="Provenance">Per corpus: synthetic (built-in generator) or imported.</param>
/// <param name="PerFileScores">Where the per-file scores of each stage are, as blob patterns in the store.</param>
public sealed record ResultsAbout(string CodeVersion, IReadOnlyDictionary<string, string> Units, IReadOnlyDictionary<string, double> ChanceUar, IReadOnlyDictionary<string, string> Provenance, IReadOnlyDictionary<string, string> PerFileScores)
{
    /// <summary>Builds the description for a run over <paramref name="corpora"/>.</summary>
    public static ResultsAbout Describe(IReadOnlyList<CorpusResult> corpora, IReadOnlyDictionary<string, string> provenance, string codeVersion)
    {
        ArgumentNullException.ThrowIfNull(corpora);
        var chance = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in corpora.Where(c => c.Classes.Count > 0))
        {
            chance[c.Name] = Math.Round(1.0 / c.Classes.Count, 6, MidpointRounding.ToEven);
        }

        var units = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["*Uar, *War"] = "fraction in [0, 1] (report.html prints percent)",
            ["*Cc, *Pearson"] = "Pearson correlation coefficient in [-1, 1]",
            ["totalDurationSeconds"] = "seconds",
            ["meanRmsDbfs"] = "dB relative to full scale",
            ["meanActiveFraction"] = "fraction of 10 ms frames above the activity threshold",
            ["lldFrames"] = "count of 10 ms frames",
            ["crossTask.meanScore"] = "the training corpus's scaled label units (gold standard in [-1, 1])",
            ["thresholds"] = "score units of the discretized system",
        };
        var where = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["classification"] = "artifacts/classify/{key}/test.scores.csv and devel.scores.csv (key: classification[].key)",
            ["crossTask"] = "artifacts/crosstask/{key}/scores.csv (per utterance) and frames.csv (25 Hz) (key: crossTask[].key)",
            ["discretization"] = "artifacts/discretize/{key}/ (per-system develScores/testScores files named in discretization[].fits)",
            ["lstm"] = "models/{modelKey}/metrics.json (per-epoch CCs) and model.onnx",
        };
        return new ResultsAbout(codeVersion, units, chance, new SortedDictionary<string, string>(provenance.ToDictionary(), StringComparer.Ordinal), where);
    }
}

/// <summary>Stage 8 in results.json: one model on one categorical corpus.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="System">The model as <c>train/validation/test/target</c>.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="ModelKey">Model key.</param>
/// <param name="Utterances">Utterances predicted.</param>
/// <param name="MeanScore">Mean utterance score per partition.</param>
/// <param name="Key">Key of the crosstask artifact (scores.csv, frames.csv).</param>
public sealed record CrossTaskResult(string Corpus, string System, string Target, string ModelKey, int Utterances, IReadOnlyDictionary<string, double> MeanScore, string Key);

/// <summary>Stage 9 in results.json: one system's thresholds and scores per fit set.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="System">System name.</param>
/// <param name="Targets">Targets of its models.</param>
/// <param name="Classes">Classes in their natural order.</param>
/// <param name="Fits">One entry per fit set.</param>
/// <param name="Key">Key of the discretize artifact.</param>
public sealed record DiscretizationResult(string Corpus, string System, IReadOnlyList<string> Targets, IReadOnlyList<string> Classes, IReadOnlyList<DiscretizeFit> Fits, string Key);

/// <summary>Stage 11 in results.json: one fused system.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="System">Its id.</param>
/// <param name="Method">wf or sf.</param>
/// <param name="Classes">Class order of the weight columns.</param>
/// <param name="Members">Each member alone, with its devel normaliser.</param>
/// <param name="Weights">WF: W[member][class].</param>
/// <param name="PoolIndex">WF: index of W in the seeded pool.</param>
/// <param name="Gamma">SF: γ, the weight of the first member.</param>
/// <param name="Devel">Fused devel UAR and WAR.</param>
/// <param name="Test">Fused test UAR and WAR.</param>
/// <param name="LearnerTestModels">Where the learners' test scores came from: train only, or a train + devel refit.</param>
public sealed record FusionResult(string Corpus, string System, string Method, IReadOnlyList<string> Classes, IReadOnlyList<FusionMemberResult> Members, IReadOnlyList<IReadOnlyList<double>>? Weights, long? PoolIndex, double? Gamma, FusionScore Devel, FusionScore Test, string LearnerTestModels);

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

    /// <summary>Gold-standard label statistics of a dimensional corpus (Fig. 2 analogue); null for categorical corpora.</summary>
    public CorpusLabelStatistics? Labels { get; init; }

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
