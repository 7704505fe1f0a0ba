using System.Text;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Activities;

namespace Affect.Pipeline.Tests.Activities;

public sealed class CorpusLabelStatisticsTests
{
    [Fact]
    public void Gold_standard_statistics_of_a_hand_made_table()
    {
        var table = LabelTable.Parse(new MemoryStream("time,A1,A2,V1,V2\n0,-0.5,-0.5,0.5,0.5\n0.04,-0.1,0.1,0,0\n0.08,0.5,0.5,-0.5,-0.5\n0.12,1,1,-1,-1\n"u8.ToArray()), "t.csv");
        var labels = new CorpusLabels("t.csv", 25, new Dictionary<string, IReadOnlyList<string>> { ["arousal"] = ["A1", "A2"], ["valence"] = ["V1", "V2"] });
        var stats = CorpusLabelStatistics.Compute([(labels, table)], 2.0, null);

        Assert.Equal([25.0], stats.Rates);
        Assert.Equal(2, stats.Raters["valence"]);
        Assert.Equal(4, stats.Frames);
        var a = stats.Dimensions["arousal"];
        Assert.Equal(0.25, a.Mean, 6);
        Assert.Equal((-0.5, 1.0), (a.Min, a.Max));
        Assert.Equal(1, a.Histogram[5]);  // −0.5
        Assert.Equal(1, a.Histogram[10]); // 0 (mean of −0.1 and 0.1)
        Assert.Equal(1, a.Histogram[15]); // 0.5
        Assert.Equal(1, a.Histogram[19]); // 1, the upper edge
        Assert.Equal(-1.0, stats.ArousalValenceCorrelation!.Value, 6);
        Assert.Equal(1, stats.Joint![CorpusLabelStatistics.Bin(-1, 10)][CorpusLabelStatistics.Bin(1, 10)]);
        Assert.Equal(4, stats.Joint.Sum(r => r.Sum()));
        Assert.Equal(2.0, stats.CorrectedLagSeconds);
        Assert.Null(stats.GeneratorLagSeconds);
    }

    [Fact]
    public void Synthetic_creativeit_shows_its_negative_correlation_left_skew_rate_raters_and_generated_lag()
    {
        var files = SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.CreativeIt, 4, 3, 1.0, 1));
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(files[^1].Content), "manifest.json");
        var tables = manifest.Files.Select(f => (f.Labels!, LabelTable.Parse(new MemoryStream(files.Single(x => x.RelativePath == f.Labels!.Path).Content), f.Labels!.Path))).ToList();
        var synthesis = SynthesisDescription.TryParse(files.Single(f => f.RelativePath == SyntheticCorpusGenerator.DescriptionFile).Content);
        var stats = CorpusLabelStatistics.Compute(tables, 2.0, synthesis);

        Assert.Equal([60.0], stats.Rates);
        Assert.Equal(3, stats.Raters["arousal"]);
        Assert.Equal("CreativeIT", stats.StandsFor);
        Assert.InRange(stats.GeneratorLagSeconds!.Value, 2.1, 2.7);
        Assert.True(stats.ArousalValenceCorrelation < -0.2, $"r = {stats.ArousalValenceCorrelation}");
        Assert.True(stats.Dimensions["arousal"].Skewness < 0, $"skew = {stats.Dimensions["arousal"].Skewness}");
        Assert.InRange(stats.Frames, (3 * 60 * 25) - 10, 3 * 60 * 25);
    }
}
