using System.Text;
using Affect.Audio;
using Affect.Corpora.Synthetic;
using Xunit.Abstractions;

namespace Affect.Corpora.Tests;

/// <summary>The synthetic corpora behave like the paper's (§3.1, Fig. 2): label statistics, rates, raters, acoustics, non-circular classes.</summary>
public sealed class SyntheticCorpusRealismTests(DefaultCorpora corpora, ITestOutputHelper output) : IClassFixture<DefaultCorpora>
{
    private static readonly SyntheticCorpusKind[] Dimensional = [SyntheticCorpusKind.Recola, SyntheticCorpusKind.Semaine, SyntheticCorpusKind.CreativeIt];

    [Fact]
    public void Paper_scale_plans_have_the_papers_sizes()
    {
        foreach (var (kind, recordings, seconds) in new[] { (SyntheticCorpusKind.Recola, 23, 300.0), (SyntheticCorpusKind.Semaine, 24, 1116.0), (SyntheticCorpusKind.CreativeIt, 31, 258.0) })
        {
            var plan = SyntheticCorpusGenerator.Plan(SyntheticCorpusSpec.ForScale(kind, 1, SyntheticScale.Paper));
            Assert.Equal(recordings, plan.Recordings.Count);
            Assert.All(plan.Recordings, r => Assert.Equal(seconds, r.Seconds, 6));
        }

        var usoms = SyntheticCorpusGenerator.Plan(SyntheticCorpusSpec.ForScale(SyntheticCorpusKind.Usoms, 1, SyntheticScale.Paper));
        Assert.Equal(100, usoms.Recordings.Select(r => r.Speaker).Distinct().Count());
        Assert.All(usoms.Recordings, r => Assert.InRange(r.Seconds, 5, 30));
        Assert.InRange(usoms.Recordings.Average(r => r.Seconds), 15, 20);
        output.WriteLine($"paper-scale USoMS: {usoms.Recordings.Count} utterances, {usoms.TotalSeconds / 3600:0.00} h");
    }

    [Fact]
    public void Categorical_classes_are_cut_from_a_self_assessment_at_fixed_thresholds_and_priors_differ_between_partitions()
    {
        var plan = SyntheticCorpusGenerator.Plan(SyntheticCorpusSpec.ForScale(SyntheticCorpusKind.Usoms, 7, SyntheticScale.Paper));
        var assessment = plan.Traits.Assessment!;
        foreach (var r in plan.Recordings)
        {
            double s = r.SelfAssessedScore!.Value;
            Assert.Equal(s < assessment.Low ? "L" : s > assessment.High ? "H" : "M", r.Label);
        }

        // Not ranks within a partition: the share of each class differs between partitions.
        var shares = plan.Recordings.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Count(r => r.Label == "L") / (double)g.Count());
        output.WriteLine(string.Join(", ", shares.Select(p => $"{p.Key}: L {p.Value:0.000}")));
        Assert.True(shares.Values.Max() - shares.Values.Min() > 0.01, "L prior identical in every partition");

        // Not the renderer's state alone: the speaker's reporting bias and the report noise move the score.
        var meanValence = plan.Recordings.Select(r => r.Valence.Average()).ToList();
        var scores = plan.Recordings.Select(r => r.SelfAssessedScore!.Value).ToList();
        double r2 = Math.Pow(Correlation.Pearson([.. meanValence], [.. scores]), 2);
        output.WriteLine($"R² of score on the felt valence: {r2:0.000}");
        Assert.InRange(r2, 0.3, 0.9);

        double Share(string c) => plan.Recordings.Count(r => r.Label == c) / (double)plan.Recordings.Count;
        output.WriteLine($"L {Share("L"):0.000} M {Share("M"):0.000} H {Share("H"):0.000}");
        Assert.InRange(Share("L"), 0.1, 0.3);
        Assert.InRange(Share("M"), 0.45, 0.7);
        Assert.InRange(Share("H"), 0.12, 0.35);
    }

    [Fact]
    public void Speakers_are_disjoint_across_partitions_at_both_scales()
    {
        foreach (var scale in new[] { SyntheticScale.Demo, SyntheticScale.Paper })
        {
            foreach (var kind in Enum.GetValues<SyntheticCorpusKind>())
            {
                var plan = SyntheticCorpusGenerator.Plan(SyntheticCorpusSpec.ForScale(kind, 3, scale));
                Assert.All(plan.Recordings.GroupBy(r => r.Speaker), g => Assert.Single(g.Select(r => r.Partition).Distinct()));
                Assert.Equal(3, plan.Recordings.Select(r => r.Partition).Distinct().Count());
            }
        }
    }

    [Fact]
    public void Label_distributions_follow_fig2_centred_and_peaked_or_skewed_in_opposite_directions()
    {
        var stats = Dimensional.ToDictionary(k => k, k =>
        {
            var plan = SyntheticCorpusGenerator.Plan(new SyntheticCorpusSpec(k, 11, 20, 3, 1));
            var a = plan.Recordings.SelectMany(r => r.Arousal).ToList();
            var v = plan.Recordings.SelectMany(r => r.Valence).ToList();
            return (Skew: Skewness(a), Kurtosis: Kurtosis(a), SkewV: Skewness(v), R: Correlation.Pearson([.. a], [.. v]));
        });
        foreach (var (k, s) in stats)
        {
            output.WriteLine($"{k}: arousal skew {s.Skew:0.00} excess kurtosis {s.Kurtosis:0.00}, valence skew {s.SkewV:0.00}, r(a, v) {s.R:0.00}");
        }

        Assert.True(stats[SyntheticCorpusKind.Recola].Kurtosis > 1, "RECOLA peaked");
        Assert.True(stats[SyntheticCorpusKind.Recola].Kurtosis > stats[SyntheticCorpusKind.Semaine].Kurtosis + 1);
        Assert.InRange(stats[SyntheticCorpusKind.Recola].Skew, -0.4, 0.4);
        Assert.True(stats[SyntheticCorpusKind.Semaine].Skew > 0.3 && stats[SyntheticCorpusKind.Semaine].SkewV > 0.3, "SEMAINE skewed right");
        Assert.True(stats[SyntheticCorpusKind.CreativeIt].Skew < -0.3 && stats[SyntheticCorpusKind.CreativeIt].SkewV < -0.3, "CreativeIT skewed left");
        Assert.True(stats[SyntheticCorpusKind.Recola].R > 0.15);
        Assert.True(stats[SyntheticCorpusKind.Semaine].R > 0.15);
        Assert.True(stats[SyntheticCorpusKind.CreativeIt].R < -0.2);
    }

    [Fact]
    public void Annotated_arousal_valence_correlation_is_positive_in_recola_and_semaine_and_negative_in_creativeit()
    {
        var r = Dimensional.ToDictionary(k => k, k =>
        {
            var (a, v) = SyntheticCorpusTests.RaterMeans(SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(k, 5, 4, 1.5, 1)));
            return Correlation.Pearson([.. a], [.. v]);
        });
        output.WriteLine(string.Join(", ", r.Select(p => $"{p.Key}: {p.Value:0.000}")));
        Assert.True(r[SyntheticCorpusKind.Recola] > 0.05);
        Assert.True(r[SyntheticCorpusKind.Semaine] > 0.05);
        Assert.True(r[SyntheticCorpusKind.CreativeIt] < -0.1);
    }

    [Fact]
    public void Raters_lag_behind_by_a_per_corpus_lag_recorded_in_synthesis_json()
    {
        var lags = Dimensional.ToDictionary(k => k, k =>
        {
            var d = SynthesisDescription.TryParse(corpora.File(k, SyntheticCorpusGenerator.DescriptionFile));
            Assert.NotNull(d);
            Assert.Equal(corpora.Manifest(k).Files[0].Labels!.Rate, d.LabelRate);
            Assert.Equal(corpora.Manifest(k).Files[0].Labels!.Raters["arousal"].Count, d.Raters);
            Assert.InRange(d.MeanRaterLagSeconds!.Value, d.LagSeconds - d.LagSpread, d.LagSeconds + d.LagSpread);
            return d.LagSeconds;
        });
        Assert.Equal(3, lags.Values.Distinct().Count());
        Assert.Null(SynthesisDescription.TryParse("{\"generator\": 3}"u8));
    }

    [Fact]
    public void Arousal_is_more_audible_than_valence_in_segment_energy()
    {
        foreach (var kind in Dimensional)
        {
            var (ra, rv) = EnergyCorrelations(SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(kind, 9, 4, 1.5, 1)), 3.0);
            output.WriteLine($"{kind}: r(energy, arousal) {ra:0.000}, r(energy, valence) {rv:0.000}");
            Assert.True(ra > 0.4, $"{kind}: segment energy vs gold arousal r = {ra:0.000}");
            Assert.True(Math.Abs(rv) < ra - 0.15, $"{kind}: valence (r = {rv:0.000}) as audible as arousal (r = {ra:0.000})");
        }
    }

    [Fact]
    public void Corpora_differ_in_channel_noise_floor()
    {
        double Floor(SyntheticCorpusKind k)
        {
            var samples = SyntheticCorpusTests.Samples(corpora.File(k, corpora.Manifest(k).Files[0].Audio));
            var frames = new List<double>();
            for (int s = 0; s + 400 <= samples.Length; s += 400)
            {
                double e = 0;
                for (int i = s; i < s + 400; i++)
                {
                    e += samples[i] * samples[i];
                }

                frames.Add(10 * Math.Log10((e / 400) + 1e-12));
            }

            frames.Sort();
            return frames[frames.Count / 20];
        }

        double recola = Floor(SyntheticCorpusKind.Recola);
        double creativeIt = Floor(SyntheticCorpusKind.CreativeIt);
        output.WriteLine($"5th-percentile frame level: RECOLA {recola:0.0} dB, CreativeIT {creativeIt:0.0} dB");
        Assert.True(creativeIt > recola + 5, "CreativeIT's room is noisier than RECOLA's headsets");
    }

    [Fact]
    public void Written_folders_are_byte_identical_for_the_same_seed()
    {
        string a = Path.Combine(Path.GetTempPath(), "affect-synth-a-" + Guid.NewGuid().ToString("N"));
        string b = Path.Combine(Path.GetTempPath(), "affect-synth-b-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = new SyntheticCorpusSpec(SyntheticCorpusKind.Usoms, 4, 3, 0, 3, 5, 6);
            SyntheticCorpusGenerator.WriteTo(spec, a);
            SyntheticCorpusGenerator.WriteTo(spec, b);
            var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.EnumerateFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order(StringComparer.Ordinal));
            Assert.Contains(SyntheticCorpusGenerator.DescriptionFile, files);
            Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
            foreach (string f in files)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)));
            }
        }
        finally
        {
            foreach (string d in new[] { a, b })
            {
                if (Directory.Exists(d))
                {
                    Directory.Delete(d, recursive: true);
                }
            }
        }
    }

    private static (double Arousal, double Valence) EnergyCorrelations(IReadOnlyList<CorpusFile> files, double lag)
    {
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(files[^1].Content), "manifest.json");
        var energy = new List<double>();
        var arousal = new List<double>();
        var valence = new List<double>();
        const double segment = 4;
        foreach (var entry in manifest.Files)
        {
            var samples = SyntheticCorpusTests.Samples(files.Single(f => f.RelativePath == entry.Audio).Content);
            var table = LabelTable.Parse(new MemoryStream(files.Single(f => f.RelativePath == entry.Labels!.Path).Content), entry.Labels!.Path);
            double rate = entry.Labels.Rate;
            for (double t0 = 0; (t0 + segment + lag) * rate <= table.RowCount; t0 += segment)
            {
                int s0 = (int)(t0 * 16000);
                int s1 = (int)((t0 + segment) * 16000);
                double e = 0;
                for (int i = s0; i < s1; i++)
                {
                    e += samples[i] * samples[i];
                }

                energy.Add(10 * Math.Log10((e / (s1 - s0)) + 1e-12));
                int r0 = (int)((t0 + lag) * rate);
                int r1 = (int)((t0 + lag + segment) * rate);
                arousal.Add(entry.Labels.Raters["arousal"].Average(c => table.Column(c)[r0..r1].ToArray().Average()));
                valence.Add(entry.Labels.Raters["valence"].Average(c => table.Column(c)[r0..r1].ToArray().Average()));
            }
        }

        return (Correlation.Pearson([.. energy], [.. arousal]), Correlation.Pearson([.. energy], [.. valence]));
    }

    private static double Skewness(IReadOnlyList<double> x)
    {
        double m = x.Average();
        double m2 = x.Average(v => (v - m) * (v - m));
        double m3 = x.Average(v => (v - m) * (v - m) * (v - m));
        return m3 / Math.Pow(m2, 1.5);
    }

    private static double Kurtosis(IReadOnlyList<double> x)
    {
        double m = x.Average();
        double m2 = x.Average(v => (v - m) * (v - m));
        double m4 = x.Average(v => Math.Pow(v - m, 4));
        return (m4 / (m2 * m2)) - 3;
    }
}
