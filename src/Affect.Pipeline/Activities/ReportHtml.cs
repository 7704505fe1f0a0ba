using System.Globalization;
using System.Net;
using System.Text;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Activities;

/// <summary>Renders <c>report.html</c> from a run's results: every table with this run's numbers beside the paper's.</summary>
public static class ReportHtml
{
    /// <summary>
    /// Where the published copy of the report (runs/{runId}/report.html, <c>--out DIR/report.html</c>) gets its per-stage
    /// timings section (<see cref="ReportFigures.Timings"/>); the memoized report keeps the comment, so it stays
    /// byte-identical across runs.
    /// </summary>
    public const string TimingsPlaceholder = "<!-- affect:timings -->";

    /// <summary>The report with the timings section in place of <see cref="TimingsPlaceholder"/> (before the end of the body if it has none).</summary>
    public static string WithTimings(string html, RunTimings timings)
    {
        ArgumentNullException.ThrowIfNull(html);
        string section = ReportFigures.Timings(timings);
        int at = html.IndexOf(TimingsPlaceholder, StringComparison.Ordinal);
        if (at >= 0)
        {
            return string.Concat(html.AsSpan(0, at), section, html.AsSpan(at + TimingsPlaceholder.Length));
        }

        int end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        return end < 0 ? html + section : string.Concat(html.AsSpan(0, end), section, html.AsSpan(end));
    }

    /// <summary>The whole report as one self-contained HTML page (no scripts, no external resources).</summary>
    public static string Render(RunResults results) => Render(results, null);

    /// <summary>The whole report with its figures (<see cref="ReportFigures"/>) drawn from <paramref name="figures"/>.</summary>
    public static string Render(RunResults results, ReportFigureData? figures)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Affect run ").Append(E(results.RunKey)).Append("</title>\n")
          .Append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
          .Append("th.run{background:#e6f0ff}th.paper{background:#fff3e0}td.paper{background:#fffaf2}td.l{text-align:left}code{font-size:90%}.note{color:#555;font-size:90%}</style></head><body>\n")
          .Append("<h1>Affect — run report</h1>\n<p>Run key <code>").Append(E(results.RunKey)).Append("</code>, seed ")
          .Append(I(results.Spec.Seed)).Append(", batch size ").Append(I(results.Spec.Features.BatchSize))
          .Append(", weighted-fusion pool ").Append(I(results.Spec.Fusion.Pool)).Append(" in ").Append(I(results.Spec.Fusion.Chunks)).Append(" chunks, learners' test predictions ")
          .Append(results.Spec.Learners.RetrainOnTrainDevel ? "refitted on train+devel" : "from train-only models").Append(".</p>\n")
          .Append("<p class=\"note\">Columns headed <b>").Append(E(PaperFigures.RunSource)).Append("</b> are this run's; columns headed <b>")
          .Append(E(PaperFigures.PaperSource)).Append("</b> are the published figures of Kaya, Fedotov et al. (Interspeech 2018). UAR and WAR in %.</p>\n");
        foreach (var stage in results.Stages.Where(s => s.Description.Contains(WriteReportActivity.SkippedMarker, StringComparison.Ordinal)))
        {
            int at = stage.Description.IndexOf(WriteReportActivity.SkippedMarker, StringComparison.Ordinal);
            sb.Append("<p class=\"note\">Stage <b>").Append(E(stage.Name)).Append("</b> skipped: ").Append(E(stage.Description[(at + WriteReportActivity.SkippedMarker.Length)..])).Append(".</p>\n");
        }

        RunFacts.Append(sb, results);
        Stages(sb, results);
        Corpora(sb, results);
        LabelDistributionFigure.Render(sb, results);
        Table1(sb, results.Table1);
        Table2(sb, results.Table2);
        Table3(sb, results.Table3);
        Table4(sb, results.Table4);
        Submissions(sb, results.Submissions);
        Fusion(sb, results.Fusion);
        CrossTask(sb, results.CrossTask);
        ReportFigures.Append(sb, results, figures);
        sb.Append(TimingsPlaceholder).Append('\n');
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void Stages(StringBuilder sb, RunResults results)
    {
        sb.Append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>what it did</th><th>artifacts</th></tr>\n");
        foreach (var stage in results.Stages)
        {
            sb.Append("<tr><td>").Append(E(stage.Name)).Append("</td><td class=\"l\">").Append(E(stage.Description)).Append("</td><td>")
              .Append(I(stage.Artifacts.Count)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Corpora(StringBuilder sb, RunResults results)
    {
        sb.Append("<h2>Corpora</h2>\n<table><tr><th>corpus</th><th>stands for</th><th>kind</th><th>files</th><th>speakers</th><th>train/devel/test</th><th>audio (s)</th><th>mean RMS (dBFS)</th><th>mean active share</th><th>LLD frames</th><th>classes</th></tr>\n");
        foreach (var c in results.Corpora)
        {
            string parts = string.Join("/", new[] { "train", "devel", "test" }.Select(p => I(c.Partitions.GetValueOrDefault(p))));
            string classes = c.Classes.Count == 0 ? "—" : string.Join(", ", c.Classes.Select(k => $"{k.Key}: {k.Value}"));
            sb.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>").Append(E(PaperFigures.PaperCorpusOf(c.Name) ?? "—")).Append("</td><td>").Append(E(c.Kind))
              .Append("</td><td>").Append(I(c.Files)).Append("</td><td>").Append(I(c.Speakers)).Append("</td><td>").Append(parts)
              .Append("</td><td>").Append(N(c.TotalDurationSeconds, "F1")).Append("</td><td>").Append(N(c.MeanRmsDbfs, "F2"))
              .Append("</td><td>").Append(N(c.MeanActiveFraction, "F3")).Append("</td><td>").Append(I(c.LldFrames))
              .Append("</td><td>").Append(E(classes)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Table1(StringBuilder sb, ComparedTable<Table1Row> t)
    {
        if (t.Rows.All(r => r.Train is null))
        {
            return;
        }

        Caption(sb, "Cross-corpus LSTM (Table 1 analogue)", t);
        sb.Append("<table><tr><th class=\"run\" colspan=\"8\">").Append(E(t.RunSource)).Append("</th><th class=\"paper\" colspan=\"6\">").Append(E(t.PaperSource)).Append("</th></tr>\n")
          .Append("<tr><th>train</th><th>validation</th><th>test</th><th>target</th><th>best epoch</th><th>val CC</th><th>test CC (1 epoch)</th><th>test CC (best)</th>")
          .Append("<th>train</th><th>validation</th><th>test</th><th>val CC (opt.)</th><th>test CC (1 epoch)</th><th>test CC (opt.)</th></tr>\n");
        foreach (var r in t.Rows)
        {
            sb.Append("<tr><td>").Append(E(r.Train ?? "—")).Append("</td><td>").Append(E(r.Validation ?? "—")).Append("</td><td>").Append(E(r.Test ?? "—"))
              .Append("</td><td>").Append(E(r.Target)).Append("</td><td>").Append(r.BestEpoch is { } e ? I(e) : "—")
              .Append("</td><td>").Append(Cc(r.ValidationCc)).Append("</td><td>").Append(Cc(r.TestCcAtEpoch1)).Append("</td><td>").Append(Cc(r.TestCcAtBest))
              .Append("</td>");
            Paper(sb, E(r.PaperTrain ?? "—"), E(r.PaperValidation ?? "—"), E(r.PaperTest ?? "—"), Cc(r.PaperValidationCcAtBest), Cc(r.PaperTestCcAtEpoch1), Cc(r.PaperTestCcAtBest));
            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Table2(StringBuilder sb, ComparedTable<Table2Row> t)
    {
        Caption(sb, "Challenge baseline, SVM with upsampling (Table 2 analogue)", t);
        sb.Append("<table><tr><th class=\"run\" colspan=\"6\">").Append(E(t.RunSource)).Append("</th><th class=\"paper\" colspan=\"2\">").Append(E(t.PaperSource)).Append("</th></tr>\n")
          .Append("<tr><th>features</th><th>learner</th><th>corpus</th><th>C</th><th>devel UAR</th><th>test UAR</th><th>benchmark devel UAR</th><th>reproduced devel UAR</th></tr>\n");
        foreach (var r in t.Rows)
        {
            sb.Append("<tr><td>").Append(E(r.FeatureSet)).Append("</td><td>").Append(E(r.Learner)).Append("</td><td>").Append(E(r.Corpus ?? "—"))
              .Append("</td><td>").Append(r.C is { } c ? N(c, "G3") : "—").Append("</td><td>").Append(Pct(r.DevelUar)).Append("</td><td>")
              .Append(r.Note is null ? Pct(r.TestUar) : "<span class=\"note\">" + E(r.Note) + "</span>").Append("</td>");
            Paper(sb, Pct(r.PaperBenchmark), Pct(r.PaperReproduced));
            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Table3(StringBuilder sb, ComparedTable<Table3Row> t)
    {
        Caption(sb, "Utterance-level classification (Table 3 analogue)", t);
        sb.Append("<table><tr><th class=\"run\" colspan=\"5\">").Append(E(t.RunSource)).Append("</th><th class=\"paper\">").Append(E(t.PaperSource)).Append("</th></tr>\n")
          .Append("<tr><th>features</th><th>learner</th><th>corpus</th><th>devel UAR</th><th>test UAR</th><th>devel UAR</th></tr>\n");
        foreach (var r in t.Rows)
        {
            sb.Append("<tr><td>").Append(E(r.FeatureSet)).Append("</td><td>").Append(E(r.Learner)).Append("</td><td>").Append(E(r.Corpus ?? "—"))
              .Append("</td><td>").Append(Pct(r.DevelUar)).Append("</td><td>").Append(Pct(r.TestUar)).Append("</td>");
            Paper(sb, Pct(r.PaperDevelUar));
            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Table4(StringBuilder sb, ComparedTable<Table4Row> t)
    {
        Caption(sb, "Cross-task discretization (Table 4 analogue)", t);
        sb.Append("<table><tr><th class=\"run\" colspan=\"11\">").Append(E(t.RunSource)).Append("</th><th class=\"paper\" colspan=\"4\">").Append(E(t.PaperSource)).Append("</th></tr>\n")
          .Append("<tr><th>source</th><th>dimension</th><th>model (train/val/test/target)</th><th>direction</th><th>thresholds</th><th>train WAR</th><th>train UAR</th><th>devel WAR</th><th>devel UAR</th><th>test WAR</th><th>test UAR</th>")
          .Append("<th>train WAR</th><th>train UAR</th><th>devel WAR</th><th>devel UAR</th></tr>\n");
        foreach (var r in t.Rows)
        {
            sb.Append("<tr><td>").Append(E(r.Corpus is null ? "—" : r.Source)).Append("</td><td>").Append(E(r.Dimension)).Append("</td><td class=\"l\">").Append(E(r.System ?? "—"))
              .Append("</td><td>").Append(E(r.Direction ?? "—")).Append("</td><td>").Append(r.Thresholds is { } th ? string.Join(", ", th.Select(v => N(v, "F3"))) : "—")
              .Append("</td><td>").Append(Pct(r.TrainWar)).Append("</td><td>").Append(Pct(r.TrainUar)).Append("</td><td>").Append(Pct(r.DevelWar)).Append("</td><td>").Append(Pct(r.DevelUar))
              .Append("</td><td>").Append(Pct(r.TestWar)).Append("</td><td>").Append(Pct(r.TestUar)).Append("</td>");
            Paper(sb, Pct(r.PaperTrainWar), Pct(r.PaperTrainUar), Pct(r.PaperDevelWar), Pct(r.PaperDevelUar));
            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Submissions(StringBuilder sb, ComparedTable<SubmissionRow> t)
    {
        Caption(sb, "Submissions and fusion (Section 4.3)", t);
        sb.Append("<table><tr><th class=\"run\" colspan=\"8\">").Append(E(t.RunSource)).Append("</th><th class=\"paper\" colspan=\"2\">").Append(E(t.PaperSource)).Append("</th></tr>\n")
          .Append("<tr><th>system</th><th>what it is</th><th>method</th><th>devel UAR</th><th>devel WAR</th><th>test UAR</th><th>test WAR</th><th>best member devel UAR</th><th>devel UAR</th><th>test UAR</th></tr>\n");
        foreach (var r in t.Rows)
        {
            sb.Append("<tr><td>").Append(E(r.Id)).Append("</td><td class=\"l\">").Append(E(r.Description));
            if (r.Note is not null)
            {
                sb.Append("<br><span class=\"note\">").Append(E(r.Note)).Append("</span>");
            }

            sb.Append("</td><td>").Append(E(r.Method + (r.FitOn is null ? string.Empty : " (" + r.FitOn + ")")))
              .Append("</td><td>").Append(Pct(r.DevelUar)).Append("</td><td>").Append(Pct(r.DevelWar)).Append("</td><td>").Append(Pct(r.TestUar)).Append("</td><td>").Append(Pct(r.TestWar))
              .Append("</td><td>").Append(Pct(r.BestMemberDevelUar)).Append("</td>");
            Paper(sb, Pct(r.PaperDevelUar), Pct(r.PaperTestUar));
            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Fusion(StringBuilder sb, IReadOnlyList<FusionResult> fusion)
    {
        if (fusion.Count == 0)
        {
            return;
        }

        sb.Append("<h2>Fusion weights (stage 11)</h2>\n<p class=\"note\">Each member z-normalised with its devel mean and standard deviation; WF: W[member, class], each class column sums to 1, best of the seeded pool by devel UAR; SF: γ weighs the first member (Eq. 2).</p>\n");
        foreach (var f in fusion)
        {
            sb.Append("<h3>").Append(E(f.System)).Append(" — ").Append(E(f.Corpus)).Append(", ").Append(f.Method == "wf" ? "weighted fusion, pool index " + I(f.PoolIndex ?? -1) : "simple fusion, γ = " + N(f.Gamma ?? double.NaN, "F2"))
              .Append("</h3>\n<table><tr><th>member</th><th>devel UAR alone</th><th>test UAR alone</th>");
            if (f.Weights is not null)
            {
                foreach (string c in f.Classes)
                {
                    sb.Append("<th>w(").Append(E(c)).Append(")</th>");
                }
            }

            sb.Append("</tr>\n");
            for (int i = 0; i < f.Members.Count; i++)
            {
                var m = f.Members[i];
                sb.Append("<tr><td>").Append(E(m.Name)).Append("</td><td>").Append(Pct(m.Devel.Uar)).Append("</td><td>").Append(Pct(m.Test.Uar)).Append("</td>");
                foreach (double w in f.Weights?[i] ?? [])
                {
                    sb.Append("<td>").Append(N(w, "F3")).Append("</td>");
                }

                sb.Append("</tr>\n");
            }

            sb.Append("<tr><th>fused</th><th>").Append(Pct(f.Devel.Uar)).Append("</th><th>").Append(Pct(f.Test.Uar)).Append("</th></tr>\n</table>\n");
        }
    }

    private static void CrossTask(StringBuilder sb, IReadOnlyList<CrossTaskResult> crossTask)
    {
        if (crossTask.Count == 0)
        {
            return;
        }

        sb.Append("<h2>Cross-task predictions (stage 8)</h2>\n<p class=\"note\">Mean utterance score per partition, in the training corpus's scaled label units; frame tracks in each artifact's frames.csv.</p>\n")
          .Append("<table><tr><th>corpus</th><th>model (train/val/test/target)</th><th>utterances</th><th>train</th><th>devel</th><th>test</th></tr>\n");
        foreach (var c in crossTask)
        {
            sb.Append("<tr><td>").Append(E(c.Corpus)).Append("</td><td class=\"l\">").Append(E(c.System)).Append("</td><td>").Append(I(c.Utterances)).Append("</td>");
            foreach (string p in new[] { "train", "devel", "test" })
            {
                sb.Append("<td>").Append(c.MeanScore.TryGetValue(p, out double v) ? N(v, "F3") : "—").Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static void Caption<T>(StringBuilder sb, string title, ComparedTable<T> t) =>
        sb.Append("<h2>").Append(E(title)).Append("</h2>\n<p>").Append(E(t.Caption)).Append(".</p>\n");

    private static void Paper(StringBuilder sb, params string[] cells)
    {
        foreach (string c in cells)
        {
            sb.Append("<td class=\"paper\">").Append(c).Append("</td>");
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string I(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Cc(double? v) => v is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";

    private static string Pct(double? v) => v is { } x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "—";
}
