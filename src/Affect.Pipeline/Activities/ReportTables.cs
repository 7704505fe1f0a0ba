using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Activities;

/// <summary>
/// A table of results.json that sets this run's numbers beside the paper's: every row carries both, the paper's
/// matched through <see cref="PaperFigures.PaperCorpusOf"/>. UAR and WAR are fractions in [0, 1] on both sides (the
/// paper's percentages divided by 100); CCs are as published.
/// </summary>
/// <typeparam name="TRow">Row type.</typeparam>
/// <param name="Caption">What the table shows and which paper table it mirrors.</param>
/// <param name="PaperSource">Label of the <c>paper*</c> columns: <see cref="PaperFigures.PaperSource"/>.</param>
/// <param name="RunSource">Label of the other columns: <see cref="PaperFigures.RunSource"/>.</param>
/// <param name="Rows">The rows.</param>
public sealed record ComparedTable<TRow>(string Caption, string PaperSource, string RunSource, IReadOnlyList<TRow> Rows);

/// <summary>A row of the Table 1 analogue: one cross-corpus LSTM.</summary>
/// <param name="Train">Training corpus of this run (null for a paper row without a counterpart).</param>
/// <param name="Validation">Validation corpus of this run.</param>
/// <param name="Test">Test corpus of this run.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="BestEpoch">Epoch chosen by validation CC.</param>
/// <param name="ValidationCc">Validation CC at that epoch.</param>
/// <param name="TestCcAtEpoch1">Test CC after one epoch.</param>
/// <param name="TestCcAtBest">Test CC at the chosen epoch.</param>
/// <param name="PaperTrain">The paper's training corpus of the matching row.</param>
/// <param name="PaperValidation">The paper's validation corpus.</param>
/// <param name="PaperTest">The paper's test corpus.</param>
/// <param name="PaperValidationCcAtBest">The paper's validation CC at the optimal epoch.</param>
/// <param name="PaperTestCcAtEpoch1">The paper's test CC after one epoch.</param>
/// <param name="PaperTestCcAtBest">The paper's test CC at the optimal epoch.</param>
public sealed record Table1Row(
    string? Train,
    string? Validation,
    string? Test,
    string Target,
    int? BestEpoch,
    double? ValidationCc,
    double? TestCcAtEpoch1,
    double? TestCcAtBest,
    string? PaperTrain,
    string? PaperValidation,
    string? PaperTest,
    double? PaperValidationCcAtBest,
    double? PaperTestCcAtEpoch1,
    double? PaperTestCcAtBest);

/// <summary>A row of the Table 2 analogue: a challenge baseline approach (SVM with instance upsampling, C on devel).</summary>
/// <param name="Corpus">Categorical corpus of this run (null when the approach is not built here).</param>
/// <param name="FeatureSet">OSFUN, OSBOAW, AuDeep or END2YOU.</param>
/// <param name="Learner">svm (or the paper's network).</param>
/// <param name="C">Complexity chosen on devel.</param>
/// <param name="DevelUar">Devel UAR of this run.</param>
/// <param name="TestUar">Test UAR of this run.</param>
/// <param name="PaperBenchmark">The challenge paper's devel UAR.</param>
/// <param name="PaperReproduced">The authors' reproduced devel UAR (the paper's "Reproduced" column).</param>
/// <param name="Note">Why a run value is missing.</param>
public sealed record Table2Row(string? Corpus, string FeatureSet, string Learner, double? C, double? DevelUar, double? TestUar, double? PaperBenchmark, double? PaperReproduced, string? Note);

/// <summary>A row of the Table 3 analogue: one learner on one feature set.</summary>
/// <param name="Corpus">Categorical corpus of this run (null for a paper-only row).</param>
/// <param name="FeatureSet">Feature set.</param>
/// <param name="Learner">kelm, wkelm, kpls, wkpls (or svm, which the paper's Table 3 does not list).</param>
/// <param name="DevelUar">Devel UAR of this run.</param>
/// <param name="TestUar">Test UAR of this run.</param>
/// <param name="PaperDevelUar">The paper's devel UAR.</param>
public sealed record Table3Row(string? Corpus, string FeatureSet, string Learner, double? DevelUar, double? TestUar, double? PaperDevelUar);

/// <summary>A row of the Table 4 analogue: a source corpus × dimension discretized with thresholds fitted on train.</summary>
/// <param name="Corpus">Categorical corpus of this run (null for a paper-only row).</param>
/// <param name="Source">Source (training) corpus of the representative model.</param>
/// <param name="Dimension">Its target.</param>
/// <param name="System">The representative model (<c>train/validation/test/target</c>): the best validation CC of its source and target.</param>
/// <param name="ValidationCc">Its validation CC.</param>
/// <param name="Direction">increasing or decreasing: how scores map onto the ordered classes.</param>
/// <param name="Thresholds">The two thresholds fitted on train.</param>
/// <param name="TrainWar">WAR on train.</param>
/// <param name="TrainUar">UAR on train.</param>
/// <param name="DevelWar">WAR on devel.</param>
/// <param name="DevelUar">UAR on devel.</param>
/// <param name="TestWar">WAR on test.</param>
/// <param name="TestUar">UAR on test.</param>
/// <param name="PaperSource">The paper's source corpus of the matching row.</param>
/// <param name="PaperTrainWar">The paper's train WAR.</param>
/// <param name="PaperTrainUar">The paper's train UAR.</param>
/// <param name="PaperDevelWar">The paper's devel WAR.</param>
/// <param name="PaperDevelUar">The paper's devel UAR.</param>
public sealed record Table4Row(
    string? Corpus,
    string Source,
    string Dimension,
    string? System,
    double? ValidationCc,
    string? Direction,
    IReadOnlyList<double>? Thresholds,
    double? TrainWar,
    double? TrainUar,
    double? DevelWar,
    double? DevelUar,
    double? TestWar,
    double? TestUar,
    string? PaperSource,
    double? PaperTrainWar,
    double? PaperTrainUar,
    double? PaperDevelWar,
    double? PaperDevelUar);

/// <summary>A row of the submissions table (Section 4.3).</summary>
/// <param name="Corpus">Categorical corpus of this run (null when the system could not be built).</param>
/// <param name="Id">One of <see cref="SubmissionIds"/>.</param>
/// <param name="Description">What the system is.</param>
/// <param name="Method">thresholds (a discretized LSTM system), wf or sf.</param>
/// <param name="FitOn">Threshold fit set of a discretized system.</param>
/// <param name="Members">The models or systems it is made of.</param>
/// <param name="DevelUar">Devel UAR.</param>
/// <param name="DevelWar">Devel WAR.</param>
/// <param name="TestUar">Test UAR.</param>
/// <param name="TestWar">Test WAR.</param>
/// <param name="BestMemberDevelUar">Fusions: the best devel UAR of a member alone.</param>
/// <param name="PaperDevelUar">The paper's devel UAR.</param>
/// <param name="PaperTestUar">The paper's test UAR.</param>
/// <param name="Note">Why a system is missing, or a caveat.</param>
public sealed record SubmissionRow(
    string? Corpus,
    string Id,
    string Description,
    string Method,
    string? FitOn,
    IReadOnlyList<string> Members,
    double? DevelUar,
    double? DevelWar,
    double? TestUar,
    double? TestWar,
    double? BestMemberDevelUar,
    double? PaperDevelUar,
    double? PaperTestUar,
    string? Note);

/// <summary>Builds the compared tables from this run's results and <see cref="PaperFigures"/>.</summary>
public static class ReportTables
{
    /// <summary>Table 1: every LSTM of this run beside the paper's cell for the same corpus roles, then paper cells with no counterpart.</summary>
    public static ComparedTable<Table1Row> Table1(IReadOnlyList<LstmResult> lstm)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        var rows = new List<Table1Row>();
        var matched = new HashSet<PaperLstmCell>();
        foreach (var r in lstm)
        {
            var paper = PaperFigures.Table1.FirstOrDefault(p => p.Target == r.Target
                && p.Train == PaperFigures.PaperCorpusOf(r.Train)
                && p.Validation == PaperFigures.PaperCorpusOf(r.Validation)
                && p.Test == (r.Test is null ? null : PaperFigures.PaperCorpusOf(r.Test)));
            if (paper is not null)
            {
                matched.Add(paper);
            }

            rows.Add(new Table1Row(r.Train, r.Validation, r.Test, r.Target, r.BestEpoch, r.ValidationCc, r.TestCcAtEpoch1, r.TestCcAtBest,
                paper?.Train, paper?.Validation, paper?.Test, paper?.ValidationCcAtBest, paper?.TestCcAtEpoch1, paper?.TestCcAtBest));
        }

        rows.AddRange(PaperFigures.Table1.Where(p => !matched.Contains(p)).Select(p => new Table1Row(
            null, null, null, p.Target, null, null, null, null, p.Train, p.Validation, p.Test, p.ValidationCcAtBest, p.TestCcAtEpoch1, p.TestCcAtBest)));
        return new ComparedTable<Table1Row>(
            "Table 1 analogue: Pearson CC of cross-corpus LSTMs (train on one corpus, epoch chosen on the validation corpus, tested on the third)",
            PaperFigures.PaperSource,
            PaperFigures.RunSource,
            rows);
    }

    /// <summary>
    /// Table 2: the SVM baseline (instance upsampling, C chosen on devel) on OSFUN, OSBOAW and AuDeep of each categorical
    /// corpus, and the End2You model (END2YOU: our network's own learner name stands beside the paper's row).
    /// </summary>
    public static ComparedTable<Table2Row> Table2(IReadOnlyList<ClassificationResult> classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        var rows = new List<Table2Row>();
        var corpora = classification.Select(c => c.Corpus).Distinct(StringComparer.Ordinal).ToList();
        foreach (var p in PaperFigures.Table2)
        {
            bool end2you = p.FeatureSet == ScoreEnd2YouActivity.FeatureSet;
            var runs = classification.Where(c => c.FeatureSet == p.FeatureSet && (end2you || c.Learner == p.Learner)).ToList();
            if (runs.Count == 0)
            {
                string note = p.FeatureSet is "OSFUN" or "OSBOAW"
                    ? "the svm learner was not part of this run (spec.learners)"
                    : end2you ? "the End2You stage was not part of this run (spec.end2You)"
                    : $"{p.FeatureSet} features are not built by this pipeline";
                rows.Add(new Table2Row(corpora.Count == 1 ? corpora[0] : null, p.FeatureSet, p.Learner, null, null, null, Pct(p.Benchmark), Pct(p.Reproduced), note));
            }

            rows.AddRange(runs.Select(r => new Table2Row(r.Corpus, p.FeatureSet, r.Learner, r.C, r.DevelUar, r.TestUar, Pct(p.Benchmark), Pct(p.Reproduced), null)));
        }

        return new ComparedTable<Table2Row>(
            "Table 2 analogue: devel UAR of the challenge baseline, a linear SVM with instance upsampling, complexity chosen on devel",
            PaperFigures.PaperSource,
            PaperFigures.RunSource,
            rows);
    }

    /// <summary>Table 3: every learner × feature set of this run beside the paper's devel UAR, then the paper's AuDeep rows.</summary>
    public static ComparedTable<Table3Row> Table3(IReadOnlyList<ClassificationResult> classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        var rows = classification.Select(c => new Table3Row(
            c.Corpus,
            c.FeatureSet,
            c.Learner,
            c.DevelUar,
            c.TestUar,
            Pct(PaperFigures.Table3.FirstOrDefault(p => p.FeatureSet == c.FeatureSet && p.Learner == c.Learner)?.DevelUar))).ToList();
        rows.AddRange(PaperFigures.Table3
            .Where(p => !classification.Any(c => c.FeatureSet == p.FeatureSet && c.Learner == p.Learner))
            .Select(p => new Table3Row(null, p.FeatureSet, p.Learner, null, null, Pct(p.DevelUar))));
        return new ComparedTable<Table3Row>(
            "Table 3 analogue: devel UAR of the least-squares learners (KELM, WKELM, KPLS, WKPLS; SVM added) per feature set, hyper-parameters chosen on devel",
            PaperFigures.PaperSource,
            PaperFigures.RunSource,
            rows);
    }

    /// <summary>
    /// Table 4: per categorical corpus, every source corpus × dimension, represented by its best-validation-CC model,
    /// thresholds fitted on train; then the paper's rows with no counterpart.
    /// </summary>
    public static ComparedTable<Table4Row> Table4(IReadOnlyList<CrossTaskPrediction> crossTask, IReadOnlyDictionary<(string Corpus, string System), DiscretizedSystem> discretized)
    {
        ArgumentNullException.ThrowIfNull(crossTask);
        ArgumentNullException.ThrowIfNull(discretized);
        var rows = new List<Table4Row>();
        var matched = new HashSet<PaperDiscretization>();
        foreach (string corpus in crossTask.Select(c => c.Corpus).Distinct(StringComparer.Ordinal))
        {
            foreach (string source in crossTask.Where(c => c.Corpus == corpus).Select(c => c.Model.Request.TrainCorpus).Distinct(StringComparer.Ordinal))
            {
                foreach (string dimension in new[] { "arousal", "valence" })
                {
                    var model = ExperimentOrchestration.Representative(crossTask, corpus, source, dimension);
                    if (model is null)
                    {
                        continue;
                    }

                    string system = ExperimentOrchestration.SystemName(model.Model.Request);
                    var fit = discretized.TryGetValue((corpus, system), out var d) ? d.Fits.FirstOrDefault(f => f.FitOn == "train") : null;
                    var paper = PaperFigures.Table4.FirstOrDefault(p => p.Source == PaperFigures.PaperCorpusOf(source) && p.Dimension == dimension);
                    if (paper is not null)
                    {
                        matched.Add(paper);
                    }

                    PartitionMetrics? Part(string name) => fit?.Partitions.GetValueOrDefault(name);
                    rows.Add(new Table4Row(
                        corpus,
                        source,
                        dimension,
                        system,
                        model.Model.Status.ValidationPearson is { } cc ? Math.Round(cc, 6, MidpointRounding.ToEven) : null,
                        fit?.Direction,
                        fit?.Thresholds,
                        Part("train")?.War,
                        Part("train")?.Uar,
                        Part("devel")?.War,
                        Part("devel")?.Uar,
                        Part("test")?.War,
                        Part("test")?.Uar,
                        paper?.Source,
                        Pct(paper?.TrainWar),
                        Pct(paper?.TrainUar),
                        Pct(paper?.DevelWar),
                        Pct(paper?.DevelUar)));
                }
            }
        }

        rows.AddRange(PaperFigures.Table4.Where(p => !matched.Contains(p)).Select(p => new Table4Row(
            null, p.Source, p.Dimension, null, null, null, null, null, null, null, null, null, null, p.Source, Pct(p.TrainWar), Pct(p.TrainUar), Pct(p.DevelWar), Pct(p.DevelUar))));
        return new ComparedTable<Table4Row>(
            "Table 4 analogue: cross-corpus, cross-task LSTM predictions (utterance means) discretized into the categorical classes with two thresholds maximising UAR on train; each source corpus × dimension is represented by its model with the best validation CC; direction (increasing/decreasing) chosen on train",
            PaperFigures.PaperSource,
            PaperFigures.RunSource,
            rows);
    }

    /// <summary>The Section 4.3 systems of this run beside the paper's, in the paper's order, then the extra simple-fusion system.</summary>
    public static ComparedTable<SubmissionRow> Submissions(
        IReadOnlyList<SubmissionRef> submissions,
        IReadOnlyDictionary<(string Corpus, string System), DiscretizedSystem> discretized,
        IReadOnlyDictionary<string, FusionArtifact> fused,
        bool retrainOnTrainDevel)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(discretized);
        ArgumentNullException.ThrowIfNull(fused);
        var rows = new List<SubmissionRow>();
        var ids = PaperFigures.Submissions.Select(p => p.Id).Append(SubmissionIds.FinalSimple);
        if (submissions.Any(s => s.Id == SubmissionIds.LearnersAuDeep))
        {
            ids = ids.Append(SubmissionIds.LearnersAuDeep);
        }

        if (submissions.Any(s => s.Id == SubmissionIds.LearnersEnd2You))
        {
            ids = ids.Append(SubmissionIds.LearnersEnd2You);
        }

        foreach (string id in ids)
        {
            var paper = PaperFigures.Submissions.FirstOrDefault(p => p.Id == id);
            var mine = submissions.Where(s => s.Id == id).ToList();
            if (mine.Count == 0)
            {
                rows.Add(new SubmissionRow(null, id, SubmissionIds.Describe(id), MethodOf(id), null, [], null, null, null, null, null, Pct(paper?.DevelUar), Pct(paper?.TestUar),
                    "not built: needs a categorical corpus with labelled train and devel partitions, dimensional corpora named semaine and creativeit, and the kelm, wkelm and wkpls learners"));
                continue;
            }

            foreach (var s in mine)
            {
                if (s.FitOn is { } fitOn)
                {
                    var d = discretized[(s.Corpus, s.System!)];
                    var fit = d.Fits.First(f => f.FitOn == fitOn);
                    var devel = fit.Partitions.GetValueOrDefault("devel");
                    var test = fit.Partitions.GetValueOrDefault("test");
                    string? note = fitOn.Contains("devel", StringComparison.Ordinal) ? "thresholds fitted on devel labels: the devel UAR is not a held-out score" : null;
                    rows.Add(new SubmissionRow(s.Corpus, id, SubmissionIds.Describe(id), "thresholds", fitOn, [d.System], devel?.Uar, devel?.War, test?.Uar, test?.War, null, Pct(paper?.DevelUar), Pct(paper?.TestUar), note));
                }
                else
                {
                    var f = fused[s.Artifact.Key];
                    string? note = f.Members.Any(m => m.Name == SubmissionIds.Lstm3)
                        ? "member lstm-3 has thresholds fitted on train+devel, so the devel UAR is optimistic (as in the paper)"
                        : null;
                    if (retrainOnTrainDevel)
                    {
                        note = (note is null ? string.Empty : note + "; ") + "learners' test scores from a train+devel refit";
                    }

                    rows.Add(new SubmissionRow(s.Corpus, id, SubmissionIds.Describe(id), f.Method, null, [.. f.Members.Select(m => m.Name)], f.Devel.Uar, f.Devel.War, f.Test.Uar, f.Test.War,
                        f.Members.Max(m => m.Devel.Uar), Pct(paper?.DevelUar), Pct(paper?.TestUar), note));
                }
            }
        }

        return new ComparedTable<SubmissionRow>(
            "Submissions (Section 4.3): the fused learners, the three LSTM-only submissions and the final fusion, devel and test UAR; fusion weights fitted on devel after per-system devel z-normalisation" +
            (retrainOnTrainDevel ? "; learners' test predictions refitted on train+devel with the devel-chosen hyper-parameters" : "; learners' test predictions from train-only models") +
            $"; the challenge's test baseline was {PaperFigures.ChallengeTestBaseline.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} %",
            PaperFigures.PaperSource,
            PaperFigures.RunSource,
            rows);
    }

    private static string MethodOf(string id) => id switch
    {
        SubmissionIds.Learners or SubmissionIds.Final or SubmissionIds.LearnersAuDeep or SubmissionIds.LearnersEnd2You => "wf",
        SubmissionIds.FinalSimple => "sf",
        _ => "thresholds",
    };

    /// <summary>A published percentage as a fraction, rounded to 6 decimals.</summary>
    public static double? Pct(double? percent) => percent is { } p ? Math.Round(p / 100.0, 6, MidpointRounding.ToEven) : null;
}
