using System.Text;
using System.Text.RegularExpressions;
using Affect.Learning.Discretization;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>The hand-written SVG figures of report.html from figure data alone (the demo's Chromium test renders a whole run).</summary>
public sealed class ReportFiguresTests
{
    private static RunResults EmptyResults() => new(
        3, "k", new ExperimentSpec(["a"]), [], [], [], [], ReportTables.Table1([]), ReportTables.Table2([]), ReportTables.Table3([]),
        new ComparedTable<Table4Row>("t4", "p", "r", []), new ComparedTable<SubmissionRow>("s", "p", "r", []), [], [], []);

    private static ReportFigureData Data()
    {
        double[] scores = [-0.4, -0.2, 0.0, 0.1, 0.3, 0.5, -0.3, 0.2, 0.4];
        int[] truth = [0, 0, 1, 1, 2, 2, 0, 1, 2];
        var rule = ThresholdSearch.Fit(scores, truth, 3, DirectionChoice.Increasing);
        var surface = ThresholdSurface.Of(scores, truth, rule.Direction, steps: 9);
        var gold = Enumerable.Range(0, 1000).Select(i => Math.Round(Math.Sin(i / 50.0), 4)).ToArray();
        var predicted = gold.Select(g => Math.Round(0.5 * g, 4)).ToArray();
        return new ReportFigureData(new Dictionary<string, IReadOnlyList<double>>(), [])
        {
            Traces = [new TraceFigure("recola", "rec-01", "arousal", "semaine/creativeit/recola/arousal", 25, predicted, gold)],
            Thresholds = [new ThresholdFigure("usoms", "semaine", "valence", "semaine/recola/creativeit/valence", "train", "increasing", rule.Thresholds, rule.FitUar, surface)],
        };
    }

    [Fact]
    public void Traces_and_threshold_heat_maps_are_drawn_and_identical_for_identical_data()
    {
        string html = ReportHtml.Render(EmptyResults(), Data());
        Assert.Equal(html, ReportHtml.Render(EmptyResults(), Data()));

        var traces = Regex.Match(html, "<figure data-figure=\"traces\">.*?</figure>", RegexOptions.Singleline).Value;
        Assert.Equal(2, Regex.Count(traces, "<polyline"));
        // 1000 frames thinned to at most MaxTracePoints per line; no point markers on traces.
        foreach (Match line in Regex.Matches(traces, "points=\"([^\"]*)\""))
        {
            int points = line.Groups[1].Value.Split(' ').Length;
            Assert.InRange(points, 400, ReportFigures.MaxTracePoints);
        }

        Assert.DoesNotContain("<circle", traces, StringComparison.Ordinal);
        Assert.Contains("Pearson CC on this recording 1.000", traces, StringComparison.Ordinal);

        var heat = Regex.Match(html, "<figure data-figure=\"thresholds\".*?</figure>", RegexOptions.Singleline).Value;
        Assert.Equal(9 * 10 / 2, Regex.Count(heat, "<rect x=\"\\d+\" y=\"\\d+\" width=\"12\"")); // the cells with low ≤ high
        Assert.Single(Regex.Matches(heat, "<circle")); // the chosen pair
        Assert.Contains("UAR " + (100 * Data().Thresholds[0].FitUar).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %", heat, StringComparison.Ordinal);
        Assert.Contains(ReportHtml.TimingsPlaceholder, html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timings_section_replaces_the_placeholder_with_a_table_and_one_bar_per_stage()
    {
        string html = ReportHtml.Render(EmptyResults(), Data());
        var timings = new RunTimings("run-1", 3.5, [new StageTiming("lld", 4, 3, 1, 2.25), new StageTiming("lstm-train", 12, null, null, 1.0), new StageTiming("report", 1, 0, 1, 0.25)]);
        string published = ReportHtml.WithTimings(html, timings);
        Assert.DoesNotContain(ReportHtml.TimingsPlaceholder, published, StringComparison.Ordinal);
        Assert.Equal(html.Length, published.Length - ReportFigures.Timings(timings).Length + ReportHtml.TimingsPlaceholder.Length);
        var figure = Regex.Match(published, "<figure data-figure=\"timings\">.*?</figure>", RegexOptions.Singleline).Value;
        Assert.Equal(3, Regex.Count(figure, " s</text>"));
        Assert.Contains("<td>lstm-train</td><td>12</td><td>—</td><td>—</td><td>1.00</td>", published, StringComparison.Ordinal);
        Assert.Contains("<th>total</th><th>17</th><th>3</th><th>2</th><th>3.50</th>", published, StringComparison.Ordinal);
        Assert.EndsWith("</body></html>\n", published, StringComparison.Ordinal);

        // A report without the placeholder (written before it existed) gets the section before the end of its body.
        string old = html.Replace(ReportHtml.TimingsPlaceholder, string.Empty, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"timings\"", ReportHtml.WithTimings(old, timings), StringComparison.Ordinal);
        Assert.EndsWith("</body></html>\n", ReportHtml.WithTimings(old, timings), StringComparison.Ordinal);
    }
}
