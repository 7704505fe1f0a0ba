using System.Globalization;
using System.Net;
using System.Text;

namespace Affect.Pipeline.Activities;

/// <summary>What the report's figures draw beyond results.json, read from the stage artifacts.</summary>
/// <param name="Epochs">Per LSTM (as <c>train/validation/test/target</c>): validation Pearson CC after each epoch.</param>
/// <param name="Classifications">Per classify artifact: its test confusion matrix and devel grid.</param>
public sealed record ReportFigureData(IReadOnlyDictionary<string, IReadOnlyList<double>> Epochs, IReadOnlyList<ClassificationFigure> Classifications);

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
/// results): validation CC per epoch of each Table 1 training, a test confusion matrix per categorical system, devel
/// UAR over the C / factor grid per learner, and the fusion weights W[member, class] of each weighted fusion.
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

        foreach (var f in results.Fusion.Where(f => f.Weights is { Count: > 0 }))
        {
            Weights(sb, f);
        }
    }

    private static void EpochCurves(StringBuilder sb, IReadOnlyDictionary<string, IReadOnlyList<double>> epochs)
    {
        int maxEpoch = Math.Max(2, epochs.Values.Max(v => v.Count));
        var all = epochs.Values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double lo = Math.Min(0, Math.Floor(all.Min() * 10) / 10);
        double hi = Math.Max(lo + 0.1, Math.Ceiling(all.Max() * 10) / 10);
        var series = epochs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value.Select((v, i) => (X: (double)(i + 1), Y: v)).ToList())).ToList();
        LineChart(sb, "epochs", "Validation CC per epoch of each cross-corpus LSTM (Table 1 trainings)", "epoch", "validation Pearson CC", 1, maxEpoch, lo, hi, series, integerX: true);
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
        LineChart(sb, "grid", $"Devel UAR over the hyper-parameter grid — {title} (log10 C for KELM/WKELM/SVM, factors for KPLS/WKPLS)", "log10 C or factors", "devel UAR", xmin, xmax, 0, 1, kelm, integerX: false);
    }

    private static void LineChart(StringBuilder sb, string kind, string caption, string xLabel, string yLabel, double xmin, double xmax, double ymin, double ymax, IReadOnlyList<(string Name, List<(double X, double Y)> Points)> series, bool integerX)
    {
        const int W = 640, H = 300, L = 60, R = 10, T = 10, B = 40;
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
            foreach (var p in pts)
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
