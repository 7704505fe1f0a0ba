using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Synthetic;

/// <summary>One recording (dimensional corpus) or utterance (categorical corpus) of a <see cref="SyntheticCorpusPlan"/>.</summary>
/// <param name="Id">File id, e.g. <c>s01_r01</c> or <c>s07_u03</c>.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">Partition of the speaker.</param>
/// <param name="Seconds">Audio duration.</param>
/// <param name="Label">Class (categorical corpus), else null.</param>
/// <param name="SelfAssessedScore">The speaker's self-assessed valence score the class was cut from (categorical corpus), else null.</param>
public sealed record PlannedRecording(string Id, string Speaker, CorpusPartition Partition, double Seconds, string? Label, double? SelfAssessedScore)
{
    /// <summary>Arousal state on the corpus's label scale (what raters perceive) in [-1, 1] at <see cref="SpeechRenderer.LatentRate"/> Hz.</summary>
    internal double[] Arousal { get; init; } = [];

    /// <summary>Valence state on the corpus's label scale (what raters perceive, or the speaker feels) in [-1, 1] at <see cref="SpeechRenderer.LatentRate"/> Hz.</summary>
    internal double[] Valence { get; init; } = [];

    /// <summary>Arousal as the speaker expresses it in the voice, e = tanh(0.6·z), the same for every corpus.</summary>
    internal double[] ExpressedArousal { get; init; } = [];

    /// <summary>Valence as the speaker expresses it in the voice, e = tanh(0.6·z).</summary>
    internal double[] ExpressedValence { get; init; } = [];

    /// <summary>Index of the speaker (voice) and of the recording within the speaker, for the per-file random streams.</summary>
    internal (int Speaker, int Index) Slot { get; init; }
}

/// <summary>
/// What a spec will generate, decided before any audio is rendered: speakers and partitions, durations, latent states
/// and (categorical corpus) the self-assessed classes. Cheap even at paper scale.
/// </summary>
/// <param name="Spec">The spec.</param>
/// <param name="Traits">The corpus's traits.</param>
/// <param name="Recordings">Every file in id order.</param>
/// <param name="Attempts">Draws of the self-assessments needed until every class occurred in train (1 for dimensional corpora).</param>
public sealed record SyntheticCorpusPlan(SyntheticCorpusSpec Spec, SyntheticCorpusTraits Traits, IReadOnlyList<PlannedRecording> Recordings, int Attempts)
{
    /// <summary>Total audio duration in seconds.</summary>
    public double TotalSeconds => Recordings.Sum(r => r.Seconds);
}

/// <summary>
/// Generates deterministic synthetic corpora shaped like those of the paper (§3.1, Fig. 2): speech-like 16 kHz mono 16-bit
/// WAVs whose prosody follows latent arousal/valence states (arousal strongly audible, valence weakly), recorded
/// through a per-corpus channel from a per-corpus speaker population; per-rater continuous annotations with a
/// per-corpus reaction lag (dimensional corpora) or classes cut from a noisy, biased self-assessment at fixed thresholds
/// (categorical corpus). A <c>synthesis.json</c> beside the manifest records every trait and each rater's lag.
/// </summary>
public static class SyntheticCorpusGenerator
{
    /// <summary>Version of the generator, written into <see cref="DescriptionFile"/>; bump it when the output changes.</summary>
    public const int Version = 2;

    /// <summary>Name of the file, beside the manifest, that records how the corpus was generated.</summary>
    public const string DescriptionFile = "synthesis.json";

    private const double LatentDt = 1.0 / SpeechRenderer.LatentRate;
    private const int MaxAttempts = 1000;

    /// <summary>Gain of the voice's expression of a latent state z: e = tanh(Expression·z), independent of the corpus's label scale.</summary>
    private const double Expression = 0.6;

    /// <summary>Decides everything but the audio and the annotations (see <see cref="SyntheticCorpusPlan"/>).</summary>
    /// <exception cref="ArgumentException">The spec is out of range, or the categorical corpus is too small to place every class in train.</exception>
    public static SyntheticCorpusPlan Plan(SyntheticCorpusSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        ulong master = Master(spec);
        var traits = SyntheticCorpusTraits.Of(spec.Kind);
        var partitions = SplitSpeakers(spec.Speakers, Xoshiro256StarStar.ForStream(master, 5));
        return spec.Kind == SyntheticCorpusKind.Usoms
            ? PlanCategorical(spec, traits, master, partitions)
            : PlanDimensional(spec, traits, master, partitions);
    }

    /// <summary>
    /// Generates the corpus in memory: per file its WAV (and label CSV for dimensional corpora), sorted by id, then
    /// <see cref="DescriptionFile"/>, and <c>manifest.json</c> last (uploading the manifest last is what triggers a pipeline run).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is out of range (see <see cref="SyntheticCorpusSpec.Validate"/>).</exception>
    public static IReadOnlyList<CorpusFile> Generate(SyntheticCorpusSpec spec)
    {
        var plan = Plan(spec);
        ulong master = Master(plan.Spec);
        var traits = plan.Traits;
        var voices = Enumerable.Range(0, plan.Spec.Speakers)
            .Select(s => SyntheticVoice.Draw(Xoshiro256StarStar.ForStream(master, 1, (ulong)s), traits.Population))
            .ToArray();
        var files = new List<CorpusFile>();
        var entries = new List<CorpusEntry>();
        var lags = new List<IReadOnlyList<double>>();
        bool dimensional = plan.Spec.Kind != SyntheticCorpusKind.Usoms;
        var arousalColumns = Enumerable.Range(1, traits.Raters).Select(r => $"A_r{r}").ToArray();
        var valenceColumns = Enumerable.Range(1, traits.Raters).Select(r => $"V_r{r}").ToArray();
        foreach (var rec in plan.Recordings)
        {
            var (s, index) = rec.Slot;
            var clean = SpeechRenderer.Render(voices[s], rec.ExpressedArousal, rec.ExpressedValence, rec.Seconds, Xoshiro256StarStar.ForStream(master, 4, (ulong)s, (ulong)index));
            var audio = RecordingChannel.Apply(clean, traits.Channel, Xoshiro256StarStar.ForStream(master, 7, (ulong)s, (ulong)index));
            string audioPath = $"audio/{rec.Id}.wav";
            files.Add(new CorpusFile(audioPath, WavWriter.ToPcm16Bytes(audio, SpeechRenderer.SampleRate)));
            if (!dimensional)
            {
                entries.Add(new CorpusEntry(rec.Id, audioPath, rec.Speaker, rec.Partition, Label: rec.Label));
                continue;
            }

            int rows = (int)Math.Ceiling(rec.Seconds * traits.LabelRate);
            var columns = new List<string> { LabelTable.TimeColumn };
            var values = new List<double[]> { Enumerable.Range(0, rows).Select(r => (double)r / traits.LabelRate).ToArray() };
            var rr = Xoshiro256StarStar.ForStream(master, 3, (ulong)s, (ulong)index);
            var recordingLags = new List<double>();
            foreach (var (track, names) in new[] { (rec.Arousal, arousalColumns), (rec.Valence, valenceColumns) })
            {
                for (int j = 0; j < traits.Raters; j++)
                {
                    double lag = traits.LagSeconds + rr.Uniform(-traits.LagSpread, traits.LagSpread);
                    recordingLags.Add(lag);
                    columns.Add(names[j]);
                    values.Add(Annotate(track, rows, traits.LabelRate, lag, rr));
                }
            }

            lags.Add(recordingLags);
            string labelPath = $"labels/{rec.Id}.csv";
            files.Add(new CorpusFile(labelPath, Encoding.UTF8.GetBytes(LabelTable.ToCsv(columns, values, "0.####"))));
            var raters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                ["arousal"] = arousalColumns,
                ["valence"] = valenceColumns,
            };
            entries.Add(new CorpusEntry(rec.Id, audioPath, rec.Speaker, rec.Partition, new CorpusLabels(labelPath, traits.LabelRate, raters)));
        }

        var manifest = dimensional
            ? new CorpusManifest(CorpusManifest.CurrentSchemaVersion, plan.Spec.CorpusName, CorpusKind.Dimensional, SpeechRenderer.SampleRate, ["arousal", "valence"], [], entries)
            : new CorpusManifest(CorpusManifest.CurrentSchemaVersion, plan.Spec.CorpusName, CorpusKind.Categorical, SpeechRenderer.SampleRate, ["valence"], ["L", "M", "H"], entries);
        files.Add(new CorpusFile(DescriptionFile, SynthesisDescription.ToJson(plan, lags)));
        files.Add(new CorpusFile(CorpusManifest.FileName, Encoding.UTF8.GetBytes(manifest.ToJson())));
        return files;
    }

    /// <summary>
    /// Generates the corpus and writes it under <paramref name="directory"/> (created if needed). Each file is written
    /// to a temporary name unique to this writer and renamed into place, manifest.json last, so readers never see a
    /// half-written file and two writers never share a temporary file. Files of an earlier, different corpus in the
    /// folder are not removed.
    /// </summary>
    /// <returns>The manifest that was written.</returns>
    public static CorpusManifest WriteTo(SyntheticCorpusSpec spec, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var files = Generate(spec);
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (var file in files)
        {
            string target = Path.Combine(root, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            CorpusFileWriter.WriteAtomically(target, file.Content);
        }

        return CorpusManifest.Parse(Encoding.UTF8.GetString(files[^1].Content), CorpusManifest.FileName);
    }

    private static ulong Master(SyntheticCorpusSpec spec) => Xoshiro256StarStar.DeriveSeed(spec.Seed, 0xAFFEC7UL, (ulong)spec.Kind + 1);

    private static CorpusPartition[] SplitSpeakers(int speakers, Xoshiro256StarStar rng)
    {
        var order = Enumerable.Range(0, speakers).ToArray();
        for (int i = speakers - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int held = Math.Max(1, (int)Math.Round(0.25 * speakers, MidpointRounding.AwayFromZero));
        var result = new CorpusPartition[speakers];
        for (int k = 0; k < speakers; k++)
        {
            result[order[k]] = k < speakers - (2 * held) ? CorpusPartition.Train
                : k < speakers - held ? CorpusPartition.Devel
                : CorpusPartition.Test;
        }

        return result;
    }

    private static string SpeakerId(int s) => $"s{s + 1:00}";

    private static SyntheticCorpusPlan PlanDimensional(SyntheticCorpusSpec spec, SyntheticCorpusTraits traits, ulong master, CorpusPartition[] partitions)
    {
        double seconds = spec.Minutes * 60;
        int latentCount = (int)Math.Ceiling(seconds * SpeechRenderer.LatentRate) + 1;
        double rho = traits.Correlation;
        var recordings = new List<PlannedRecording>();
        for (int s = 0; s < spec.Speakers; s++)
        {
            for (int rec = 0; rec < spec.UtterancesPerSpeaker; rec++)
            {
                // Latent z: a recording-level mood plus a slow OU process; valence z = ρ·z_a + √(1 − ρ²)·z_v' gives the
                // corpus's arousal–valence correlation. The voice expresses tanh(0.6·z) whatever the corpus; the corpus's
                // label shapes map z onto the scale its raters use (centred and peaked, or skewed).
                var lr = Xoshiro256StarStar.ForStream(master, 2, (ulong)s, (ulong)rec);
                double meanA = 0.55 * lr.NextGaussian();
                double meanV = 0.5 * lr.NextGaussian();
                var xa = LatentProcess.FilteredOrnsteinUhlenbeck(lr, latentCount, LatentDt, 5.0, 0.7);
                var xv = LatentProcess.FilteredOrnsteinUhlenbeck(lr, latentCount, LatentDt, 8.0, 0.7);
                var arousal = new double[latentCount];
                var valence = new double[latentCount];
                var expressedA = new double[latentCount];
                var expressedV = new double[latentCount];
                for (int k = 0; k < latentCount; k++)
                {
                    double za = meanA + (1.1 * xa[k]);
                    double zv = (rho * za) + (Math.Sqrt(1 - (rho * rho)) * (meanV + (1.1 * xv[k])));
                    arousal[k] = traits.Arousal.Apply(za);
                    valence[k] = traits.Valence.Apply(zv);
                    expressedA[k] = Math.Tanh(Expression * za);
                    expressedV[k] = Math.Tanh(Expression * zv);
                }

                recordings.Add(new PlannedRecording($"{SpeakerId(s)}_r{rec + 1:00}", SpeakerId(s), partitions[s], seconds, null, null)
                {
                    Arousal = arousal,
                    Valence = valence,
                    ExpressedArousal = expressedA,
                    ExpressedValence = expressedV,
                    Slot = (s, rec),
                });
            }
        }

        return new SyntheticCorpusPlan(spec, traits, recordings, 1);
    }

    private static SyntheticCorpusPlan PlanCategorical(SyntheticCorpusSpec spec, SyntheticCorpusTraits traits, ulong master, CorpusPartition[] partitions)
    {
        var assessment = traits.Assessment!;
        double rho = traits.Correlation;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var recordings = new List<PlannedRecording>();
            for (int s = 0; s < spec.Speakers; s++)
            {
                var sr = Xoshiro256StarStar.ForStream(master, 2, (ulong)s, (ulong)attempt);
                double speakerV = assessment.SpeakerMoodSd * sr.NextGaussian();
                double speakerA = 0.4 * sr.NextGaussian();
                double bias = assessment.BiasSd * sr.NextGaussian();
                for (int u = 0; u < spec.UtterancesPerSpeaker; u++)
                {
                    var ur = Xoshiro256StarStar.ForStream(master, 6, (ulong)s, (ulong)u, (ulong)attempt);
                    double seconds = Math.Round(ur.Uniform(spec.MinUtteranceSeconds, spec.MaxUtteranceSeconds), 2);
                    int count = (int)Math.Ceiling(seconds * SpeechRenderer.LatentRate) + 1;
                    double deviation = assessment.UtteranceMoodSd * ur.NextGaussian();
                    double zv = speakerV + deviation;
                    double za = speakerA + (rho * zv) + (Math.Sqrt(1 - (rho * rho)) * 0.7 * ur.NextGaussian());
                    var xa = LatentProcess.FilteredOrnsteinUhlenbeck(ur, count, LatentDt, 1.5, 0.3);
                    var xv = LatentProcess.FilteredOrnsteinUhlenbeck(ur, count, LatentDt, 1.5, 0.3);
                    var arousal = new double[count];
                    var valence = new double[count];
                    var expressedA = new double[count];
                    var expressedV = new double[count];
                    for (int k = 0; k < count; k++)
                    {
                        double a = za + (0.35 * xa[k]);
                        double v = zv + (0.35 * xv[k]);
                        arousal[k] = traits.Arousal.Apply(a);
                        valence[k] = traits.Valence.Apply(v);
                        expressedA[k] = Math.Tanh(Expression * a);
                        expressedV[k] = Math.Tanh(Expression * v);
                    }

                    // The self-assessment: felt valence + the speaker's reporting bias + noise, cut at fixed global thresholds.
                    double score = Math.Round(valence.Average() + bias + (assessment.NoiseSd * ur.NextGaussian()), 6);
                    string label = score < assessment.Low ? "L" : score > assessment.High ? "H" : "M";
                    recordings.Add(new PlannedRecording($"{SpeakerId(s)}_u{u + 1:00}", SpeakerId(s), partitions[s], seconds, label, score)
                    {
                        Arousal = arousal,
                        Valence = valence,
                        ExpressedArousal = expressedA,
                        ExpressedValence = expressedV,
                        Slot = (s, u),
                    });
                }
            }

            var inTrain = recordings.Where(r => r.Partition == CorpusPartition.Train).Select(r => r.Label).Distinct().Count();
            if (inTrain == 3)
            {
                return new SyntheticCorpusPlan(spec, traits, recordings, attempt + 1);
            }
        }

        throw new ArgumentException($"SyntheticCorpusSpec: Speakers: {spec.Speakers} speakers × {spec.UtterancesPerSpeaker} utterances never placed every class in train in {MaxAttempts} draws (expected more speakers or utterances)");
    }

    /// <summary>
    /// One rater's trace: r(t) = clip(bias + gain·state(t − lag) + noise(t), −1, 1), with the given lag, gain ~ U(0.7, 1.1),
    /// bias ~ N(0, 0.08²), noise a slow OU process (σ 0.1, τ 3 s) plus white noise (σ 0.02), smoothed over 0.3 s
    /// like a human moving a slider.
    /// </summary>
    private static double[] Annotate(double[] latent, int rows, int rate, double lag, Xoshiro256StarStar rng)
    {
        double gain = rng.Uniform(0.7, 1.1);
        double bias = 0.08 * rng.NextGaussian();
        double dt = 1.0 / rate;
        var slow = LatentProcess.FilteredOrnsteinUhlenbeck(rng, rows, dt, 3.0, 0);
        var trace = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double t = r * dt;
            trace[r] = bias + (gain * LatentProcess.At(latent, SpeechRenderer.LatentRate, t - lag)) + (0.1 * slow[r]) + (0.02 * rng.NextGaussian());
        }

        LatentProcess.OnePole(trace, Math.Exp(-dt / 0.3));
        for (int r = 0; r < rows; r++)
        {
            trace[r] = Math.Clamp(trace[r], -1, 1);
        }

        return trace;
    }

    /// <summary>Formats a number for messages.</summary>
    internal static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
