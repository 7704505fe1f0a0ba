using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Synthetic;

/// <summary>
/// Generates deterministic synthetic corpora shaped like those of the paper: speech-like 16 kHz mono 16-bit WAVs whose
/// prosody follows latent arousal/valence trajectories (filtered Ornstein–Uhlenbeck processes squashed into [-1, 1]),
/// plus either per-rater continuous annotations (with 2–4 s reaction lag, gain, bias and noise) or L/M/H classes.
/// </summary>
public static class SyntheticCorpusGenerator
{
    private const double LatentDt = 1.0 / SpeechRenderer.LatentRate;

    /// <summary>Label statistics of one corpus shape: y = tanh(gain·(z + cubic·z³) + bias) for latent z.</summary>
    private sealed record Shape(double Gain, double Bias, double Cubic)
    {
        public double Apply(double z) => Math.Tanh((Gain * (z + (Cubic * z * z * z))) + Bias);
    }

    private sealed record Profile(int LabelRate, int Raters, Shape Arousal, Shape Valence, double Correlation);

    private static Profile ProfileOf(SyntheticCorpusKind kind) => kind switch
    {
        SyntheticCorpusKind.Recola => new(25, 6, new(0.9, 0.15, 0), new(0.7, 0.35, 0), 0.1),
        SyntheticCorpusKind.Semaine => new(50, 3, new(1.3, -0.2, 0.1), new(1.0, 0.1, 0), 0.0),
        SyntheticCorpusKind.CreativeIt => new(60, 4, new(0.8, 0.3, 0.15), new(0.9, -0.15, 0), -0.6),
        _ => new(0, 0, new(0.9, 0, 0), new(0.9, 0, 0), 0.4),
    };

    /// <summary>
    /// Generates the corpus in memory: per file its WAV (and label CSV for dimensional corpora), sorted by id, and
    /// <c>manifest.json</c> last (uploading the manifest last is what triggers a pipeline run).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is out of range (see <see cref="SyntheticCorpusSpec.Validate"/>).</exception>
    public static IReadOnlyList<CorpusFile> Generate(SyntheticCorpusSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        ulong master = Xoshiro256StarStar.DeriveSeed(spec.Seed, 0xAFFEC7UL, (ulong)spec.Kind + 1);
        var partitions = SplitSpeakers(spec.Speakers, Xoshiro256StarStar.ForStream(master, 5));
        var voices = Enumerable.Range(0, spec.Speakers)
            .Select(s => SyntheticVoice.Draw(Xoshiro256StarStar.ForStream(master, 1, (ulong)s)))
            .ToArray();
        var files = new List<CorpusFile>();
        var entries = new List<CorpusEntry>();
        CorpusManifest manifest;
        if (spec.Kind == SyntheticCorpusKind.Usoms)
        {
            GenerateCategorical(spec, master, partitions, voices, files, entries);
            manifest = new CorpusManifest(CorpusManifest.CurrentSchemaVersion, spec.CorpusName, CorpusKind.Categorical,
                SpeechRenderer.SampleRate, ["valence"], ["L", "M", "H"], entries);
        }
        else
        {
            GenerateDimensional(spec, master, partitions, voices, files, entries);
            manifest = new CorpusManifest(CorpusManifest.CurrentSchemaVersion, spec.CorpusName, CorpusKind.Dimensional,
                SpeechRenderer.SampleRate, ["arousal", "valence"], [], entries);
        }

        files.Add(new CorpusFile(CorpusManifest.FileName, Encoding.UTF8.GetBytes(manifest.ToJson())));
        return files;
    }

    /// <summary>
    /// Generates the corpus and writes it under <paramref name="directory"/> (created if needed). Each file is written
    /// to a temporary name and renamed into place, manifest.json last, so readers never see a half-written file.
    /// Files of an earlier, different corpus in the folder are not removed.
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
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string temp = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + ".tmp");
            File.WriteAllBytes(temp, file.Content);
            File.Move(temp, target, overwrite: true);
        }

        return CorpusManifest.Parse(Encoding.UTF8.GetString(files[^1].Content), CorpusManifest.FileName);
    }

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

    private static void GenerateDimensional(SyntheticCorpusSpec spec, ulong master, CorpusPartition[] partitions, SyntheticVoice[] voices, List<CorpusFile> files, List<CorpusEntry> entries)
    {
        var profile = ProfileOf(spec.Kind);
        double seconds = spec.Minutes * 60;
        int latentCount = (int)Math.Ceiling(seconds * SpeechRenderer.LatentRate) + 1;
        int rows = (int)Math.Ceiling(seconds * profile.LabelRate);
        var arousalColumns = Enumerable.Range(1, profile.Raters).Select(r => $"A_r{r}").ToArray();
        var valenceColumns = Enumerable.Range(1, profile.Raters).Select(r => $"V_r{r}").ToArray();
        for (int s = 0; s < spec.Speakers; s++)
        {
            for (int rec = 0; rec < spec.UtterancesPerSpeaker; rec++)
            {
                string id = $"{SpeakerId(s)}_r{rec + 1:00}";
                var lr = Xoshiro256StarStar.ForStream(master, 2, (ulong)s, (ulong)rec);
                double meanA = 0.55 * lr.NextGaussian();
                double meanV = 0.5 * lr.NextGaussian();
                var xa = LatentProcess.FilteredOrnsteinUhlenbeck(lr, latentCount, LatentDt, 5.0, 0.7);
                var xv = LatentProcess.FilteredOrnsteinUhlenbeck(lr, latentCount, LatentDt, 8.0, 0.7);
                var arousal = new double[latentCount];
                var valence = new double[latentCount];
                double rho = profile.Correlation;
                for (int k = 0; k < latentCount; k++)
                {
                    double za = meanA + (1.1 * xa[k]);
                    double zv = meanV + (1.1 * xv[k]);
                    arousal[k] = profile.Arousal.Apply(za);
                    valence[k] = profile.Valence.Apply((rho * za) + (Math.Sqrt(1 - (rho * rho)) * zv));
                }

                var audio = SpeechRenderer.Render(voices[s], arousal, valence, seconds, Xoshiro256StarStar.ForStream(master, 4, (ulong)s, (ulong)rec));
                string audioPath = $"audio/{id}.wav";
                files.Add(new CorpusFile(audioPath, WavWriter.ToPcm16Bytes(audio, SpeechRenderer.SampleRate)));

                var columns = new List<string> { LabelTable.TimeColumn };
                var values = new List<double[]> { Enumerable.Range(0, rows).Select(r => (double)r / profile.LabelRate).ToArray() };
                var rr = Xoshiro256StarStar.ForStream(master, 3, (ulong)s, (ulong)rec);
                for (int j = 0; j < profile.Raters; j++)
                {
                    columns.Add(arousalColumns[j]);
                    values.Add(Annotate(arousal, rows, profile.LabelRate, rr));
                }

                for (int j = 0; j < profile.Raters; j++)
                {
                    columns.Add(valenceColumns[j]);
                    values.Add(Annotate(valence, rows, profile.LabelRate, rr));
                }

                string labelPath = $"labels/{id}.csv";
                files.Add(new CorpusFile(labelPath, Encoding.UTF8.GetBytes(LabelTable.ToCsv(columns, values, "0.####"))));
                var raters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
                {
                    ["arousal"] = arousalColumns,
                    ["valence"] = valenceColumns,
                };
                entries.Add(new CorpusEntry(id, audioPath, SpeakerId(s), partitions[s], new CorpusLabels(labelPath, profile.LabelRate, raters)));
            }
        }
    }

    /// <summary>
    /// One rater's trace: r(t) = clip(bias + gain·latent(t − lag) + noise(t), −1, 1), with lag ~ U(2, 4) s, gain ~ U(0.7, 1.1),
    /// bias ~ N(0, 0.08²), noise a slow OU process (σ 0.1, τ 3 s) plus white noise (σ 0.02), smoothed over 0.3 s
    /// like a human moving a slider.
    /// </summary>
    private static double[] Annotate(double[] latent, int rows, int rate, Xoshiro256StarStar rng)
    {
        double lag = rng.Uniform(2, 4);
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

    private static void GenerateCategorical(SyntheticCorpusSpec spec, ulong master, CorpusPartition[] partitions, SyntheticVoice[] voices, List<CorpusFile> files, List<CorpusEntry> entries)
    {
        var profile = ProfileOf(spec.Kind);
        var scored = new List<(int Index, CorpusPartition Partition, double Score)>();
        for (int s = 0; s < spec.Speakers; s++)
        {
            var sr = Xoshiro256StarStar.ForStream(master, 2, (ulong)s);
            double speakerV = 0.5 * sr.NextGaussian();
            double speakerA = (profile.Correlation * speakerV) + (0.45 * sr.NextGaussian());
            for (int u = 0; u < spec.UtterancesPerSpeaker; u++)
            {
                string id = $"{SpeakerId(s)}_u{u + 1:00}";
                var ur = Xoshiro256StarStar.ForStream(master, 6, (ulong)s, (ulong)u);
                double seconds = Math.Round(ur.Uniform(3, 6), 2);
                int count = (int)Math.Ceiling(seconds * SpeechRenderer.LatentRate) + 1;
                double meanV = speakerV + (0.6 * ur.NextGaussian());
                double meanA = speakerA + (profile.Correlation * (meanV - speakerV)) + (0.45 * ur.NextGaussian());
                var xa = LatentProcess.FilteredOrnsteinUhlenbeck(ur, count, LatentDt, 1.5, 0.3);
                var xv = LatentProcess.FilteredOrnsteinUhlenbeck(ur, count, LatentDt, 1.5, 0.3);
                var arousal = new double[count];
                var valence = new double[count];
                for (int k = 0; k < count; k++)
                {
                    arousal[k] = profile.Arousal.Apply(meanA + (0.35 * xa[k]));
                    valence[k] = profile.Valence.Apply(meanV + (0.35 * xv[k]));
                }

                // Self-assessment: mostly the felt valence, a little arousal, plus the noise of introspection.
                double score = valence.Average() + (0.3 * arousal.Average()) + (0.25 * ur.NextGaussian());
                var audio = SpeechRenderer.Render(voices[s], arousal, valence, seconds, Xoshiro256StarStar.ForStream(master, 4, (ulong)s, (ulong)u));
                string audioPath = $"audio/{id}.wav";
                files.Add(new CorpusFile(audioPath, WavWriter.ToPcm16Bytes(audio, SpeechRenderer.SampleRate)));
                scored.Add((entries.Count, partitions[s], score));
                entries.Add(new CorpusEntry(id, audioPath, SpeakerId(s), partitions[s]));
            }
        }

        // Within each partition the lowest ~15 % of scores are L and the highest ~20 % are H (at least one each),
        // so every partition, train included, holds all three classes with the imbalance of the real corpus.
        foreach (var group in scored.GroupBy(x => x.Partition))
        {
            var ranked = group.OrderBy(x => x.Score).ThenBy(x => x.Index).ToList();
            int n = ranked.Count;
            int low = Math.Max(1, (int)Math.Round(0.15 * n, MidpointRounding.AwayFromZero));
            int high = Math.Min(n - low, Math.Max(1, (int)Math.Round(0.20 * n, MidpointRounding.AwayFromZero)));
            for (int k = 0; k < n; k++)
            {
                string label = k < low ? "L" : k >= n - high ? "H" : "M";
                int i = ranked[k].Index;
                entries[i] = entries[i] with { Label = label };
            }
        }
    }

    /// <summary>Formats a number for messages.</summary>
    internal static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
