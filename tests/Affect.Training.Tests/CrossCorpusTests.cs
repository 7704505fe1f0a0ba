using System.Text.Json;
using Affect.Sequence;
using Affect.Sequence.Windows;
using Xunit.Abstractions;

namespace Affect.Training.Tests;

/// <summary>The Table 1 analogue on the built-in synthetic corpora (small model, default windows, 5 epochs).</summary>
public sealed class CrossCorpusTests(ITestOutputHelper output)
{
    private static readonly LstmTrainingOptions Small = new(HiddenSize: 16, Layers: 1, Epochs: 10, BatchSize: 32, Seed: 1);

    [Fact]
    public void ArousalTransfersAndCreativeItShowsTheValenceAnomaly()
    {
        var rows = new List<(string Target, string Train, string Val, string Test, LstmMetrics Metrics)>();
        foreach (var target in new[] { "arousal", "valence" })
        {
            foreach (var train in SyntheticCorpora.Names)
            {
                foreach (var val in SyntheticCorpora.Names.Where(n => n != train))
                {
                    var test = SyntheticCorpora.Names.Single(n => n != train && n != val);
                    var result = CrossCorpusExperiment.Run(
                        SyntheticCorpora.Load(train, target), SyntheticCorpora.Load(val, target), SyntheticCorpora.Load(test, target), Small, new ContextWindowOptions());
                    var m = result.Metrics;
                    output.WriteLine($"| {target} | {train} | {val} | {test} | {m.ValidationPearsonAtEpoch1:F3} | {m.TestPearsonAtEpoch1:F3} | {m.ValidationPearsonAtBest:F3} | {m.TestPearsonAtBest:F3} | {m.BestEpoch} |");
                    rows.Add((target, train, val, test, m));
                }
            }
        }

        foreach (var name in SyntheticCorpora.Names)
        {
            var c = SyntheticCorpora.Load(name, "arousal");
            output.WriteLine($"{name}: {c.Recordings.Count} recordings, {c.DurationSeconds:F1} s, arousal rater agreement {c.RaterAgreement:F3}");
        }

        // Arousal transfers in every order (paper: always positive).
        Assert.All(rows.Where(r => r.Target == "arousal"), r =>
            Assert.True(r.Metrics.TestPearsonAtBest > 0.05, $"arousal {r.Train}->{r.Val}->{r.Test}: test CC {r.Metrics.TestPearsonAtBest}"));
        // Valence on the CreativeIT-like corpus (arousal and valence negatively correlated) is negative.
        Assert.All(rows.Where(r => r.Target == "valence" && r.Test == "creativeit-synth"), r =>
            Assert.True(r.Metrics.TestPearsonAtBest < 0, $"valence {r.Train}->{r.Val}->creativeit: test CC {r.Metrics.TestPearsonAtBest}"));
        Assert.True(
            rows.Where(r => r.Target == "valence" && r.Test == "creativeit-synth").Average(r => r.Metrics.TestPearsonAtBest!.Value)
            < rows.Where(r => r.Target == "arousal" && r.Test == "creativeit-synth").Average(r => r.Metrics.TestPearsonAtBest!.Value));

        // metrics.json carries the whole row.
        var json = JsonDocument.Parse(rows[0].Metrics.ToJsonBytes()).RootElement;
        Assert.Equal("arousal", json.GetProperty("target").GetString());
        Assert.Equal(10, json.GetProperty("epochs").GetArrayLength());
        Assert.Equal("mse", json.GetProperty("training").GetProperty("loss").GetString());
    }

    [Fact]
    public void LabelsOfTheSyntheticCorporaAgreeAndTheirLagIsFound()
    {
        var corpus = SyntheticCorpora.Load("recola-synth", "arousal");
        var source = SyntheticCorpora.Source("recola-synth");

        var estimated = SequenceCorpus.Load(source.Source, source.Manifest, "arousal", SyntheticCorpora.Features("recola-synth"), new LabelOptions(LagSeconds: null));

        output.WriteLine($"agreement {corpus.RaterAgreement:F3}, estimated lag {estimated.LagSeconds:F1} s (score {estimated.LagEstimate!.Score:F4})");
        Assert.InRange(corpus.RaterAgreement, 0.3, 1.0);
        Assert.Equal(2.0, corpus.LagSeconds);
        Assert.InRange(estimated.LagSeconds, 1.0, 5.0);   // the RECOLA-like raters lag by 1.6–2.4 s
        Assert.All(corpus.Recordings, r => Assert.Equal(25.0, r.LabelRate));
    }

    [Fact]
    public void MismatchedTargetsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => CrossCorpusExperiment.Run(
            SyntheticCorpora.Load("recola-synth", "arousal"), SyntheticCorpora.Load("semaine-synth", "valence"), null, Small, new ContextWindowOptions()));
        Assert.Contains("semaine-synth: target 'valence' differs from the training corpus's 'arousal'", error.Message);
    }
}
