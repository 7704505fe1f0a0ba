using System.Globalization;
using System.Net;
using System.Text;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Activities;

/// <summary>What the report's figures draw beyond results.json, read from the stage artifacts.</summary>
/// <param name="Epochs">Per LSTM (as <c>train/validation/test/target</c>): validation Pearson CC after each epoch.</param>
/// <param name="Classifications">Per classify artifact: its test confusion matrix and devel grid.</param>
public sealed record ReportFigureData(IReadOnlyDictionary<string, IReadOnlyList<double>> Epochs, IReadOnlyList<ClassificationFigure> Classifications)
{
    /// <summary>Per test corpus and target: one recording's predicted and gold trace (Table 1's cross-corpus LSTMs).</summary>
    public IReadOnlyList<TraceFigure> Traces { get; init; } = [];

    /// <summary>Per Table 4 system: fit UAR over the (low, high) threshold grid of the discretization on train.</summary>
    public IReadOnlyList<ThresholdFigure> Thresholds { get; init; } = [];
}

/// <summary>One recording of a test corpus: an LSTM's 25 Hz prediction beside the gold standard, both in the model's scaled label units.</summary>
/// <param name="TestCorpus">The (dimensional) test corpus.</param>
/// <param name="Recording">The recording's id.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="System">The model as <c>train/validation/test/target</c>.</param>
/// <param name="Rate">Frames per second of both traces (25).</param>
/// <param name="Predicted">The model's prediction per frame (ONNX Runtime on the stored LLDs).</param>
/// <param name="Gold">The gold standard per frame (lag-corrected rater mean, scaled like the training labels).</param>
public sealed record TraceFigure(string TestCorpus, string Recording, string Target, string System, double Rate, IReadOnlyList<double> Predicted, IReadOnlyList<double> Gold);

/// <summary>One discretized system's UAR surface (paper Section 4.2, Table 4).</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="Source">Corpus the LSTM was trained on.</param>
/// <param name="Dimension">arousal or valence.</param>
/// <param name="System">The system name.</param>
/// <param name="FitOn">The fit set (train for Table 4).</param>
/// <param name="Direction">increasing or decreasing.</param>
/// <param name="Thresholds">The thresholds the exact search chose.</param>
/// <param name="FitUar">UAR of the chosen thresholds on the fit set.</param>
/// <param name="Surface">Fit UAR over the (low, high) grid.</param>
public sealed record ThresholdFigure(string Corpus, string Source, string Dimension, string System, string FitOn, string Direction, IReadOnlyList<double> Thresholds, double FitUar, Affect.Learning.Discretization.ThresholdSurface Surface);

/// <summary>One classifier's figure data.</summary>
/// <param name="Corpus">Categorical corpus.</param>
/// <param name="FeatureSet">Feature set.</param>
/// <param name="Learner">Learner.</param>
/// <param name="Classes">Class order of the matrix.</param>
/// <param name="TestConfusion">Test confusion counts [true][predicted], or null without test labels.</param>
/// <param name="Grid">Devel UAR at each hyper-parameter searched.</param>
public sealed record ClassificationFigure(string Corpus, string FeatureSet, string Learner, IReadOnlyList<string> Classes, int[][]? TestConfusion, IReadOnlyList<Affect.Learning.GridPoint> Grid);

/// <summary>
/// The report's figures as inline SVG written by hand (no script, no external resource, byte-identical for identical
/// results): validation CC per epoch of each Table 1 training, predicted vs gold traces of one recording per test
/// corpus, a test confusion matrix per categorical system, devel UAR over the C / factor grid per learner, UAR over the
/// (low, high) threshold pair of each Table 4 discretization, and the fusion weights W[member, class] of each weighted
/// fusion. The per-stage timings (<see cref="Timings"/>) are added only to the published copy of the report.
/// </summary>
public static class ReportFigures
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];

    /// <summary>Appends the figures section; every figure is an <c>&lt;svg class="figure"&gt;</c> inside a <c>&lt;figure&gt;</c> with a caption.</summary>
    public static void Append(StringBuilder sb, RunResults results, ReportFigureData? data)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(results);
        sb.Append("<h2>Figures</h2>\n<p class=\"note\">Drawn from this run's artifacts (").Append(E(PaperFigures.RunSource)).Append("); the paper's published figures are in the tables.</p>\n");
        if (data is { Epochs.Count: > 0 })
        {
            EpochCurves(sb, data.Epochs);
        }

        foreach (var t in (data?.Traces ?? []))
        {
            Trace(sb, t);
        }

        foreach (var c in (data?.Classifications ?? []))
        {
            if (c.TestConfusion is { Length: > 0 } m)
            {
                Confusion(sb, $"{c.Corpus} {c.FeatureSet} {c.Learner}", c.Classes, m);
            }
        }

        foreach (var group in (data?.Classifications ?? []).Where(c => c.Grid.Count > 1).GroupBy(c => c.Corpus + " " + c.FeatureSet, StringComparer.Ordinal))
        {
            GridCurves(sb, group.Key, [.. group]);
        }

        foreach (var t in (data?.Thresholds ?? []))
        {
            ThresholdHeatMap(sb, t);
        }

        foreach (var f in results.Fusion.Where(f => f.Weights is { Count: > 0 }))
        {
            Weights(sb, f);
        }
    }

    /// <summary>Most points drawn per trace (longer traces are thinned to every k-th frame).</summary>
    public const int MaxTracePoints = 500;

    private static void Trace(StringBuilder sb, TraceFigure t)
    {
        int n = Math.Min(t.Predicted.Count, t.Gold.Count);
        if (n < 2)
        {
            return;
        }

        int step = (n + MaxTracePoints - 1) / MaxTracePoints;
        List<(double X, double Y)> Thin(IReadOnlyList<double> v) => [.. Enumerable.Range(0, n).Where(i => i % step == 0).Select(i => (X: i / t.Rate, Y: v[i]))];
        var all = t.Predicted.Take(n).Concat(t.Gold.Take(n)).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double lo = Math.Min(-0.5, Math.Floor(all.Min() * 4) / 4);
        double hi = Math.Max(0.5, Math.Ceiling(all.Max() * 4) / 4);
        double cc = Pearson(t.Predicted.Take(n).ToArray(), t.Gold.Take(n).ToArray());
        string caption = $"Predicted vs gold {t.Target} — recording {t.Recording} of test corpus {t.TestCorpus}, model {t.System} (Pearson CC on this recording {(double.IsFinite(cc) ? F(cc, "0.000") : "—")}; scaled label units)";
        LineChart(sb, "traces", caption, "time (s)", t.Target + " (scaled)", 0, (n - 1) / t.Rate, lo, hi, [("predicted (LSTM, ONNX Runtime)", Thin(t.Predicted)), ("gold standard", Thin(t.Gold))], integerX: false, markers: false);
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    private static void ThresholdHeatMap(StringBuilder sb, ThresholdFigure t)
    {
        const int Cell = 12, L = 56, T = 12, B = 44;
        var axis = t.Surface.Axis;
        int g = axis.Count;
        if (g < 2)
        {
            return;
        }

        int width = L + (g * Cell) + 70, height = T + (g * Cell) + B;
        var values = t.Surface.Uar.SelectMany(r => r).OfType<double>().DefaultIfEmpty(0).ToList();
        double min = values.Min(), max = Math.Max(values.Max(), min + 1e-9);
        string caption = $"Fit UAR over the threshold pair — {t.Source} {t.Dimension} on {t.Corpus}, fitted on {t.FitOn}, {t.Direction} (x: high threshold, y: low threshold; darker = higher UAR, {F(100 * min, "0.0")}–{F(100 * max, "0.0")} %; ring: the chosen thresholds, UAR {F(100 * t.FitUar, "0.0")} %)";
        sb.Append("<figure data-figure=\"thresholds\" style=\"display:inline-block;margin:0 1em 1em 0;max-width:").Append(width + 10).Append("px\"><svg class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
          .Append("\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\">\n");
        for (int i = 0; i < g; i++)
        {
            for (int j = 0; j < g; j++)
            {
                if (i >= t.Surface.Uar.Count || j >= t.Surface.Uar[i].Count || t.Surface.Uar[i][j] is not { } u)
                {
                    continue;
                }

                double share = (u - min) / (max - min);
                int shade = (int)Math.Round(245 - (share * 200));
                // Low threshold on the y axis (grows upwards), high threshold on the x axis.
                sb.Append("<rect x=\"").Append(L + (j * Cell)).Append("\" y=\"").Append(T + ((g - 1 - i) * Cell)).Append("\" width=\"").Append(Cell).Append("\" height=\"").Append(Cell)
                  .Append("\" fill=\"rgb(").Append(shade).Append(',').Append(shade).Append(",255)\"><title>low ").Append(F(axis[i], "0.###")).Append(", high ").Append(F(axis[j], "0.###"))
                  .Append(": UAR ").Append(F(100 * u, "0.0")).Append(" %</title></rect>");
            }

            sb.Append('\n');
        }

        Axes(sb, L, T, L + (g * Cell), T + (g * Cell));
        if (t.Thresholds.Count == 2)
        {
            double span = axis[g - 1] - axis[0];
            double Pos(double v) => span <= 0 ? 0 : Math.Clamp((v - axis[0]) / span, 0, 1) * (g - 1);
            double cx = L + ((Pos(t.Thresholds[1]) + 0.5) * Cell), cy = T + ((g - 1 - Pos(t.Thresholds[0]) + 0.5) * Cell);
            sb.Append("<circle cx=\"").Append(F(cx)).Append("\" cy=\"").Append(F(cy)).Append("\" r=\"6\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n");
        }

        int bottom = T + (g * Cell);
        sb.Append("<text x=\"").Append(L).Append("\" y=\"").Append(bottom + 14).Append("\" font-size=\"10\">").Append(F(axis[0], "0.##")).Append("</text>")
          .Append("<text x=\"").Append(L + (g * Cell)).Append("\" y=\"").Append(bottom + 14).Append("\" font-size=\"10\" text-anchor=\"end\">").Append(F(axis[g - 1], "0.##")).Append("</text>")
          .Append("<text x=\"").Append(L + (g * Cell / 2)).Append("\" y=\"").Append(bottom + 30).Append("\" font-size=\"11\" text-anchor=\"middle\">high threshold</text>")
          .Append("<text x=\"").Append(L - 4).Append("\" y=\"").Append(bottom).Append("\" font-size=\"10\" text-anchor=\"end\">").Append(F(axis[0], "0.##")).Append("</text>")
          .Append("<text x=\"").Append(L - 4).Append("\" y=\"").Append(T + 10).Append("\" font-size=\"10\" text-anchor=\"end\">").Append(F(axis[g - 1], "0.##")).Append("</text>")
          .Append("<text transform=\"translate(14 ").Append(T + (g * Cell / 2)).Append(") rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">low threshold</text>\n")
          .Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
    }

    /// <summary>
    /// The per-stage timings section (computed vs reused activities and wall time per stage) as HTML: a table and a bar
    /// chart (<c>data-figure="timings"</c>). Not part of the memoized report (timings differ between runs); the run's
    /// publication puts it where <see cref="ReportHtml.TimingsPlaceholder"/> stands.
    /// </summary>
    public static string Timings(RunTimings timings)
    {
        ArgumentNullException.ThrowIfNull(timings);
        var sb = new StringBuilder();
        sb.Append("<h2 id=\"timings\">Per-stage timings (this run)</h2>\n<p class=\"note\">Wall time of each orchestration stage (from its first scheduled activity to its last completion, on the orchestration's replay-safe clock) and how many of its activities computed their artifact or reused a stored one. ")
          .Append("Timings vary between runs, so they live in timings.json beside results.json and in this section only: results.json and the rest of this report are byte-identical for the same spec, seed and corpora.</p>\n")
          .Append("<table><tr><th>stage</th><th>activities</th><th>computed</th><th>reused</th><th>seconds</th></tr>\n");
        foreach (var s in timings.Stages)
        {
            sb.Append("<tr><td>").Append(E(s.Stage)).Append("</td><td>").Append(s.Activities.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(s.Computed is { } c ? c.ToString(CultureInfo.InvariantCulture) : "—")
              .Append("</td><td>").Append(s.Reused is { } r ? r.ToString(CultureInfo.InvariantCulture) : "—").Append("</td><td>").Append(F(s.Seconds, "0.00")).Append("</td></tr>\n");
        }

        sb.Append("<tr><th>total</th><th>").Append(timings.Stages.Sum(s => s.Activities).ToString(CultureInfo.InvariantCulture)).Append("</th><th>").Append(timings.Stages.Sum(s => s.Computed ?? 0).ToString(CultureInfo.InvariantCulture))
          .Append("</th><th>").Append(timings.Stages.Sum(s => s.Reused ?? 0).ToString(CultureInfo.InvariantCulture)).Append("</th><th>").Append(F(timings.Seconds, "0.00")).Append("</th></tr>\n</table>\n");
        if (timings.Stages.Count == 0)
        {
            return sb.ToString();
        }

        const int Bar = 14, L = 150, W = 640;
        int height = 34 + (timings.Stages.Count * (Bar + 4));
        double max = Math.Max(1e-3, timings.Stages.Max(s => s.Seconds));
        string caption = "Wall time per stage; blue: share of its activities computed, grey: reused (stages whose items are queued jobs show their wait in full blue)";
        sb.Append("<figure data-figure=\"timings\"><svg class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(W).Append("\" height=\"").Append(height)
          .Append("\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\">\n");
        int y = 10;
        foreach (var s in timings.Stages)
        {
            double length = Math.Max(1, s.Seconds / max * (W - L - 80));
            double computedShare = s.Activities == 0 || s.Computed is null ? 1 : (double)s.Computed.Value / s.Activities;
            sb.Append("<text x=\"").Append(L - 6).Append("\" y=\"").Append(y + Bar - 3).Append("\" font-size=\"11\" text-anchor=\"end\">").Append(E(s.Stage)).Append("</text>")
              .Append("<rect x=\"").Append(L).Append("\" y=\"").Append(y).Append("\" width=\"").Append(F(length * computedShare)).Append("\" height=\"").Append(Bar).Append("\" fill=\"#1f77b4\"/>")
              .Append("<rect x=\"").Append(F(L + (length * computedShare))).Append("\" y=\"").Append(y).Append("\" width=\"").Append(F(length * (1 - computedShare))).Append("\" height=\"").Append(Bar).Append("\" fill=\"#bbb\"/>")
              .Append("<text x=\"").Append(F(L + length + 4)).Append("\" y=\"").Append(y + Bar - 3).Append("\" font-size=\"11\">").Append(F(s.Seconds, "0.00")).Append(" s</text>\n");
            y += Bar + 4;
        }

        Axes(sb, L, 6, W - 70, y);
        sb.Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
        return sb.ToString();
    }

    private static void EpochCurves(StringBuilder sb, IReadOnlyDictionary<string, IReadOnlyList<double>> epochs)
    {
        int maxEpoch = Math.Max(2, epochs.Values.Max(v => v.Count));
        var all = epochs.Values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double lo = Math.Min(0, Math.Floor(all.Min() * 10) / 10);
        double hi = Math.Max(lo + 0.1, Math.Ceiling(all.Max() * 10) / 10);
        var series = epochs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value.Select((v, i) => (X: (double)(i + 1), Y: v)).ToList())).ToList();
        LineChart(sb, "epochs", "Validation CC per epoch of each cross-corpus LSTM (Table 1 trainings)", "epoch", "validation Pearson CC", 1, maxEpoch, lo, hi, series, integerX: true, markers: true);
    }

    private static void GridCurves(StringBuilder sb, string title, IReadOnlyList<ClassificationFigure> learners)
    {
        var series = learners.Select(l => (l.Learner, l.Grid.Select(g => (X: g.C is { } c ? Math.Log10(c) : g.Factors ?? 0, Y: g.DevelUar)).OrderBy(p => p.X).ToList())).ToList();
        var kelm = series.Where(s => s.Item2.Count > 0).ToList();
        if (kelm.Count == 0)
        {
            return;
        }

        double xmin = kelm.Min(s => s.Item2.Min(p => p.X));
        double xmax = Math.Max(xmin + 1, kelm.Max(s => s.Item2.Max(p => p.X)));
        LineChart(sb, "grid", $"Devel UAR over the hyper-parameter grid — {title} (log10 C for KELM/WKELM/SVM, factors for KPLS/WKPLS)", "log10 C or factors", "devel UAR", xmin, xmax, 0, 1, kelm, integerX: false, markers: true);
    }

    private static void LineChart(StringBuilder sb, string kind, string caption, string xLabel, string yLabel, double xmin, double xmax, double ymin, double ymax, IReadOnlyList<(string Name, List<(double X, double Y)> Points)> series, bool integerX, bool markers)
    {
        const int W = 640, H = 300, L = 60, R = 24, T = 10, B = 40;
        int legendRows = series.Count;
        int height = H + (16 * legendRows);
        double Px(double x) => L + ((x - xmin) / (xmax - xmin) * (W - L - R));
        double Py(double y) => T + ((ymax - Math.Clamp(y, ymin, ymax)) / (ymax - ymin) * (H - T - B));
        sb.Append("<figure data-figure=\"").Append(kind).Append("\"><svg class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(W).Append("\" height=\"").Append(height)
          .Append("\" viewBox=\"0 0 ").Append(W).Append(' ').Append(height).Append("\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\">\n");
        Axes(sb, L, T, W - R, H - B);
        for (int k = 0; k <= 4; k++)
        {
            double y = ymin + ((ymax - ymin) * k / 4);
            sb.Append("<text x=\"").Append(L - 6).Append("\" y=\"").Append(F(Py(y) + 4)).Append("\" font-size=\"11\" text-anchor=\"end\">").Append(F(y, "0.##")).Append("</text>");
            sb.Append("<line x1=\"").Append(L).Append("\" x2=\"").Append(W - R).Append("\" y1=\"").Append(F(Py(y))).Append("\" y2=\"").Append(F(Py(y))).Append("\" stroke=\"#eee\"/>\n");
        }

        int ticks = integerX ? (int)Math.Min(10, xmax - xmin) : 5;
        for (int k = 0; k <= ticks; k++)
        {
            double x = xmin + ((xmax - xmin) * k / ticks);
            sb.Append("<text x=\"").Append(F(Px(x))).Append("\" y=\"").Append(H - B + 15).Append("\" font-size=\"11\" text-anchor=\"middle\">").Append(F(x, integerX ? "0" : "0.#")).Append("</text>");
        }

        sb.Append("<text x=\"").Append((L + W - R) / 2).Append("\" y=\"").Append(H - 6).Append("\" font-size=\"12\" text-anchor=\"middle\">").Append(E(xLabel)).Append("</text>")
          .Append("<text transform=\"translate(14 ").Append((T + H - B) / 2).Append(") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">").Append(E(yLabel)).Append("</text>\n");
        for (int s = 0; s < series.Count; s++)
        {
            string color = Palette[s % Palette.Length];
            var pts = series[s].Points.Where(p => double.IsFinite(p.Y)).ToList();
            sb.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.5\" points=\"")
              .Append(string.Join(' ', pts.Select(p => F(Px(p.X)) + "," + F(Py(p.Y))))).Append("\"/>\n");
            foreach (var p in markers ? pts : [])
            {
                sb.Append("<circle cx=\"").Append(F(Px(p.X))).Append("\" cy=\"").Append(F(Py(p.Y))).Append("\" r=\"2.5\" fill=\"").Append(color).Append("\"/>");
            }

            int ly = H + (16 * s) + 4;
            sb.Append("\n<rect x=\"").Append(L).Append("\" y=\"").Append(ly).Append("\" width=\"10\" height=\"10\" fill=\"").Append(color).Append("\"/><text x=\"").Append(L + 14)
              .Append("\" y=\"").Append(ly + 9).Append("\" font-size=\"11\">").Append(E(series[s].Name)).Append("</text>\n");
        }

        sb.Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
    }

    private static void Confusion(StringBuilder sb, string system, IReadOnlyList<string> classes, int[][] m)
    {
        const int Cell = 44, L = 90, T = 40;
        int n = classes.Count;
        int size = L + (n * Cell) + 10;
        int max = Math.Max(1, m.SelectMany(r => r).DefaultIfEmpty(0).Max());
        string caption = $"Test confusion matrix — {system} (rows: true class, columns: predicted)";
        sb.Append("<figure data-figure=\"confusion\" style=\"display:inline-block;margin:0 1em 1em 0;max-width:22em\"><svg class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(size).Append("\" height=\"").Append(T + (n * Cell) + 10)
          .Append("\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\">\n");
        for (int j = 0; j < n; j++)
        {
            sb.Append("<text x=\"").Append(L + (j * Cell) + (Cell / 2)).Append("\" y=\"").Append(T - 8).Append("\" font-size=\"11\" text-anchor=\"middle\">").Append(E(classes[j])).Append("</text>");
        }

        for (int i = 0; i < n && i < m.Length; i++)
        {
            sb.Append("<text x=\"").Append(L - 6).Append("\" y=\"").Append(T + (i * Cell) + (Cell / 2) + 4).Append("\" font-size=\"11\" text-anchor=\"end\">").Append(E(classes[i])).Append("</text>");
            for (int j = 0; j < n && j < m[i].Length; j++)
            {
                double share = (double)m[i][j] / max;
                int shade = (int)Math.Round(255 - (share * 180));
                sb.Append("<rect x=\"").Append(L + (j * Cell)).Append("\" y=\"").Append(T + (i * Cell)).Append("\" width=\"").Append(Cell).Append("\" height=\"").Append(Cell)
                  .Append("\" fill=\"rgb(").Append(shade).Append(',').Append(shade).Append(",255)\" stroke=\"#999\"/><text x=\"").Append(L + (j * Cell) + (Cell / 2)).Append("\" y=\"")
                  .Append(T + (i * Cell) + (Cell / 2) + 4).Append("\" font-size=\"12\" text-anchor=\"middle\">").Append(m[i][j].ToString(CultureInfo.InvariantCulture)).Append("</text>");
            }

            sb.Append('\n');
        }

        sb.Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
    }

    private static void Weights(StringBuilder sb, FusionResult f)
    {
        const int Bar = 14, L = 220, W = 640;
        var weights = f.Weights!;
        int rows = f.Members.Count * f.Classes.Count;
        int height = 30 + (rows * (Bar + 2)) + (f.Members.Count * 6);
        string caption = $"Weighted-fusion weights W[member, class] — {f.System}, {f.Corpus} (each class column sums to 1)";
        sb.Append("<figure data-figure=\"fusion-weights\"><svg class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(W).Append("\" height=\"").Append(height)
          .Append("\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\">\n");
        int y = 20;
        for (int i = 0; i < f.Members.Count && i < weights.Count; i++)
        {
            for (int c = 0; c < f.Classes.Count && c < weights[i].Count; c++)
            {
                double w = weights[i][c];
                sb.Append("<text x=\"").Append(L - 6).Append("\" y=\"").Append(y + Bar - 3).Append("\" font-size=\"11\" text-anchor=\"end\">").Append(E(Shorten(f.Members[i].Name) + " · " + f.Classes[c])).Append("</text>")
                  .Append("<rect x=\"").Append(L).Append("\" y=\"").Append(y).Append("\" width=\"").Append(F(Math.Max(0, w) * (W - L - 60))).Append("\" height=\"").Append(Bar)
                  .Append("\" fill=\"").Append(Palette[c % Palette.Length]).Append("\"/><text x=\"").Append(F(L + (Math.Max(0, w) * (W - L - 60)) + 4)).Append("\" y=\"").Append(y + Bar - 3)
                  .Append("\" font-size=\"11\">").Append(F(w, "0.000")).Append("</text>\n");
                y += Bar + 2;
            }

            y += 6;
        }

        sb.Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
    }

    private static void Axes(StringBuilder sb, int x0, int y0, int x1, int y1) =>
        sb.Append("<rect x=\"").Append(x0).Append("\" y=\"").Append(y0).Append("\" width=\"").Append(x1 - x0).Append("\" height=\"").Append(y1 - y0).Append("\" fill=\"none\" stroke=\"#333\"/>\n");

    private static string Shorten(string s) => s.Length > 30 ? s[..30] + "…" : s;

    private static string F(double v, string format = "0.#") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
