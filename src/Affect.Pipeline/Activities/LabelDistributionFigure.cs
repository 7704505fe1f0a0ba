using System.Globalization;
using System.Net;
using System.Text;

namespace Affect.Pipeline.Activities;

/// <summary>
/// The report's Fig. 2 analogue: per dimensional corpus, the distribution of gold-standard instances over arousal
/// (x-axis) and valence (y-axis) as an inline SVG heat map with both marginal histograms, and the numbers behind it.
/// </summary>
public static class LabelDistributionFigure
{
    private const int Cell = 16;
    private const int Left = 34;
    private const int Top = 58;
    private const int Margin = 44;

    /// <summary>Appends the figure section, or nothing when no corpus has label statistics.</summary>
    public static void Render(StringBuilder sb, RunResults results)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(results);
        var corpora = results.Corpora.Where(c => c.Labels is not null).ToList();
        if (corpora.Count == 0)
        {
            return;
        }

        sb.Append("<h2>Label distributions (Fig. 2 analogue)</h2>\n<p class=\"note\">Gold standard (mean of the raters at 25 Hz, before lag correction and scaling), ")
          .Append("every partition: instances over arousal (x, −1…1) and valence (y, −1…1), darker = more; bars above and beside are the marginal histograms. ")
          .Append("The paper's RECOLA is centred and peaked, SEMAINE and CreativeIT are skewed in opposite directions, and arousal–valence correlation is positive in RECOLA and SEMAINE, negative in CreativeIT.</p>\n")
          .Append("<div style=\"display:flex;flex-wrap:wrap;gap:1.5em\">\n");
        foreach (var c in corpora)
        {
            Corpus(sb, c);
        }

        sb.Append("</div>\n");
    }

    private static void Corpus(StringBuilder sb, CorpusResult corpus)
    {
        var l = corpus.Labels!;
        int grid = CorpusLabelStatistics.JointBins * Cell;
        int width = Left + grid + Margin + 8;
        int height = Top + grid + 30;
        sb.Append("<figure data-figure=\"label-distribution\" style=\"margin:0\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(I(width)).Append("\" height=\"").Append(I(height))
          .Append("\" role=\"img\" aria-label=\"arousal-valence distribution of ").Append(E(corpus.Name)).Append("\" font-family=\"sans-serif\" font-size=\"10\">\n");
        sb.Append("<rect x=\"").Append(I(Left)).Append("\" y=\"").Append(I(Top)).Append("\" width=\"").Append(I(grid)).Append("\" height=\"").Append(I(grid)).Append("\" fill=\"#fafafa\" stroke=\"#999\"/>\n");
        if (l.Joint is { } joint)
        {
            int max = Math.Max(1, joint.SelectMany(r => r).Max());
            for (int v = 0; v < joint.Count; v++)
            {
                for (int a = 0; a < joint[v].Count; a++)
                {
                    if (joint[v][a] == 0)
                    {
                        continue;
                    }

                    // Square-root scale so that sparse cells stay visible beside the peak.
                    double alpha = Math.Sqrt(joint[v][a] / (double)max);
                    sb.Append("<rect x=\"").Append(I(Left + (a * Cell))).Append("\" y=\"").Append(I(Top + grid - ((v + 1) * Cell))).Append("\" width=\"").Append(I(Cell))
                      .Append("\" height=\"").Append(I(Cell)).Append("\" fill=\"#1f5fbf\" fill-opacity=\"").Append(N(alpha, "F3")).Append("\"><title>")
                      .Append(I(joint[v][a])).Append(" frames</title></rect>\n");
                }
            }
        }

        // Axes through zero.
        int mid = grid / 2;
        sb.Append("<line x1=\"").Append(I(Left + mid)).Append("\" y1=\"").Append(I(Top)).Append("\" x2=\"").Append(I(Left + mid)).Append("\" y2=\"").Append(I(Top + grid)).Append("\" stroke=\"#bbb\"/>\n")
          .Append("<line x1=\"").Append(I(Left)).Append("\" y1=\"").Append(I(Top + mid)).Append("\" x2=\"").Append(I(Left + grid)).Append("\" y2=\"").Append(I(Top + mid)).Append("\" stroke=\"#bbb\"/>\n");
        if (l.Dimensions.TryGetValue("arousal", out var arousal))
        {
            Histogram(sb, arousal.Histogram, horizontal: true, grid);
        }

        if (l.Dimensions.TryGetValue("valence", out var valence))
        {
            Histogram(sb, valence.Histogram, horizontal: false, grid);
        }

        sb.Append("<text x=\"").Append(I(Left + mid)).Append("\" y=\"").Append(I(Top + grid + 14)).Append("\" text-anchor=\"middle\">arousal</text>\n")
          .Append("<text x=\"10\" y=\"").Append(I(Top + mid)).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 10 ").Append(I(Top + mid)).Append(")\">valence</text>\n")
          .Append("<text x=\"").Append(I(Left)).Append("\" y=\"").Append(I(Top + grid + 26)).Append("\">−1</text><text x=\"").Append(I(Left + grid)).Append("\" y=\"").Append(I(Top + grid + 26)).Append("\" text-anchor=\"end\">1</text>\n")
          .Append("</svg>\n<figcaption><b>").Append(E(corpus.Name)).Append("</b>").Append(l.StandsFor is null ? string.Empty : " (" + E(l.StandsFor) + "-like)").Append("<br>")
          .Append("rate ").Append(E(string.Join("/", l.Rates.Select(r => N(r, "G4"))))).Append(" Hz, raters ").Append(E(string.Join(", ", l.Raters.Select(r => $"{r.Key} {r.Value}"))))
          .Append(", ").Append(I(l.Frames)).Append(" frames<br>r(arousal, valence) = ").Append(l.ArousalValenceCorrelation is { } r ? N(r, "F3") : "—").Append("<br>");
        foreach (var (name, d) in l.Dimensions)
        {
            sb.Append(E(name)).Append(": mean ").Append(N(d.Mean, "F2")).Append(", sd ").Append(N(d.Sd, "F2")).Append(", skew ").Append(N(d.Skewness, "F2"))
              .Append(", kurtosis ").Append(N(d.Kurtosis, "F2")).Append("<br>");
        }

        sb.Append("lag corrected ").Append(l.CorrectedLagSeconds is { } c ? N(c, "F1") + " s" : "—");
        if (l.GeneratorLagSeconds is { } g)
        {
            sb.Append(", raters' generated lag ").Append(N(g, "F2")).Append(" s");
        }

        sb.Append("</figcaption></figure>\n");
    }

    private static void Histogram(StringBuilder sb, IReadOnlyList<int> counts, bool horizontal, int grid)
    {
        int max = Math.Max(1, counts.Max());
        double bin = grid / (double)counts.Count;
        for (int i = 0; i < counts.Count; i++)
        {
            double length = (Margin - 8) * counts[i] / (double)max;
            if (horizontal)
            {
                sb.Append("<rect x=\"").Append(N(Left + (i * bin), "F1")).Append("\" y=\"").Append(N(Top - 4 - length, "F1")).Append("\" width=\"").Append(N(bin - 1, "F1"))
                  .Append("\" height=\"").Append(N(length, "F1")).Append("\" fill=\"#7a9cc6\"/>\n");
            }
            else
            {
                sb.Append("<rect x=\"").Append(I(Left + grid + 4)).Append("\" y=\"").Append(N(Top + grid - ((i + 1) * bin), "F1")).Append("\" width=\"").Append(N(length, "F1"))
                  .Append("\" height=\"").Append(N(bin - 1, "F1")).Append("\" fill=\"#c69a7a\"/>\n");
            }
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
