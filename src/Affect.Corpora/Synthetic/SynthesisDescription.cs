using System.Text.Json;

namespace Affect.Corpora.Synthetic;

/// <summary>
/// The <c>synthesis.json</c> the generator writes beside a synthetic corpus's manifest: the spec, every trait of
/// <see cref="SyntheticCorpusTraits"/>, and per file its duration, class and self-assessed score or its raters' true
/// lags. Reports read the summary back (<see cref="TryParse"/>) to show what the labels were generated with.
/// </summary>
/// <param name="Version">Generator version.</param>
/// <param name="StandsFor">Real corpus imitated.</param>
/// <param name="LabelRate">Annotation rate (Hz), 0 for the categorical corpus.</param>
/// <param name="Raters">Raters per dimension, 0 for the categorical corpus.</param>
/// <param name="LagSeconds">Mean annotator lag of the corpus (s).</param>
/// <param name="LagSpread">Half-width of the raters' lag spread (s).</param>
/// <param name="Correlation">Latent arousal–valence correlation ρ.</param>
/// <param name="MeanRaterLagSeconds">Mean of the lags actually drawn for the raters (s), null when there are none.</param>
public sealed record SynthesisDescription(int Version, string StandsFor, int LabelRate, int Raters, double LagSeconds, double LagSpread, double Correlation, double? MeanRaterLagSeconds)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>Reads the summary of a <c>synthesis.json</c>; null when the text is not one.</summary>
    public static SynthesisDescription? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("generator", out var g) || g.GetString() != "affect-synthetic")
            {
                return null;
            }

            var lags = new List<double>();
            foreach (var r in root.GetProperty("recordings").EnumerateArray())
            {
                if (r.TryGetProperty("raterLags", out var l))
                {
                    lags.AddRange(l.EnumerateArray().Select(x => x.GetDouble()));
                }
            }

            return new SynthesisDescription(
                root.GetProperty("version").GetInt32(),
                root.GetProperty("standsFor").GetString() ?? string.Empty,
                root.GetProperty("labelRate").GetInt32(),
                root.GetProperty("raters").GetInt32(),
                root.GetProperty("lagSeconds").GetDouble(),
                root.GetProperty("lagSpread").GetDouble(),
                root.GetProperty("correlation").GetDouble(),
                lags.Count == 0 ? null : Math.Round(lags.Average(), 4));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the description of a plan; <paramref name="raterLags"/> holds per dimensional recording its raters' lags (arousal raters, then valence raters).</summary>
    internal static byte[] ToJson(SyntheticCorpusPlan plan, IReadOnlyList<IReadOnlyList<double>> raterLags)
    {
        var t = plan.Traits;
        var s = plan.Spec;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("generator", "affect-synthetic");
            w.WriteNumber("version", SyntheticCorpusGenerator.Version);
            w.WriteStartObject("spec");
            w.WriteString("kind", s.Kind.ToString().ToLowerInvariant());
            w.WriteNumber("seed", s.Seed);
            w.WriteNumber("speakers", s.Speakers);
            w.WriteNumber("minutes", s.Minutes);
            w.WriteNumber("utterancesPerSpeaker", s.UtterancesPerSpeaker);
            w.WriteNumber("minUtteranceSeconds", s.MinUtteranceSeconds);
            w.WriteNumber("maxUtteranceSeconds", s.MaxUtteranceSeconds);
            w.WriteEndObject();
            w.WriteString("standsFor", t.StandsFor);
            w.WriteNumber("labelRate", t.LabelRate);
            w.WriteNumber("raters", t.Raters);
            w.WriteNumber("lagSeconds", t.LagSeconds);
            w.WriteNumber("lagSpread", t.LagSpread);
            Shape(w, "arousal", t.Arousal);
            Shape(w, "valence", t.Valence);
            w.WriteNumber("correlation", t.Correlation);
            w.WriteStartObject("channel");
            w.WriteNumber("highPassHz", t.Channel.HighPassHz);
            w.WriteNumber("lowPassHz", t.Channel.LowPassHz);
            w.WriteNumber("lowShelfDb", t.Channel.LowShelfDb);
            w.WriteNumber("highShelfDb", t.Channel.HighShelfDb);
            w.WriteNumber("noiseFloorDbfs", t.Channel.NoiseFloorDbfs);
            w.WriteNumber("reverbSeconds", t.Channel.ReverbSeconds);
            w.WriteNumber("reverbMix", t.Channel.ReverbMix);
            w.WriteEndObject();
            var p = t.Population;
            w.WriteStartObject("population");
            w.WriteString("language", p.Language);
            w.WriteNumber("femaleShare", Math.Round(p.FemaleShare, 4));
            Range(w, "maleF0Hz", p.MaleF0Hz);
            Range(w, "femaleF0Hz", p.FemaleF0Hz);
            w.WriteNumber("syllablesPerSecond", p.SyllablesPerSecond);
            w.WriteNumber("arousalSemitones", p.ArousalSemitones);
            w.WriteNumber("fricativeShare", p.FricativeShare);
            Range(w, "fricativeHz", p.FricativeHz);
            w.WriteStartArray("vowels");
            foreach (var (f1, f2, f3) in p.Vowels)
            {
                w.WriteStartArray();
                w.WriteNumberValue(f1);
                w.WriteNumberValue(f2);
                w.WriteNumberValue(f3);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            if (t.Assessment is { } a)
            {
                w.WriteStartObject("selfAssessment");
                w.WriteNumber("low", a.Low);
                w.WriteNumber("high", a.High);
                w.WriteNumber("biasSd", a.BiasSd);
                w.WriteNumber("noiseSd", a.NoiseSd);
                w.WriteNumber("speakerMoodSd", a.SpeakerMoodSd);
                w.WriteNumber("utteranceMoodSd", a.UtteranceMoodSd);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("selfAssessment");
            }

            w.WriteNumber("attempts", plan.Attempts);
            w.WriteStartArray("recordings");
            for (int i = 0; i < plan.Recordings.Count; i++)
            {
                var r = plan.Recordings[i];
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("speaker", r.Speaker);
                w.WriteString("partition", r.Partition.ToString().ToLowerInvariant());
                w.WriteNumber("seconds", r.Seconds);
                if (r.Label is not null)
                {
                    w.WriteString("label", r.Label);
                    w.WriteNumber("score", r.SelfAssessedScore ?? double.NaN);
                }

                if (i < raterLags.Count)
                {
                    w.WriteStartArray("raterLags");
                    foreach (double lag in raterLags[i])
                    {
                        w.WriteNumberValue(Math.Round(lag, 3));
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void Shape(Utf8JsonWriter w, string name, LabelShape s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("scale", s.Scale);
        w.WriteNumber("offset", s.Offset);
        w.WriteNumber("skew", s.Skew);
        w.WriteNumber("peak", s.Peak);
        w.WriteEndObject();
    }

    private static void Range(Utf8JsonWriter w, string name, (double Low, double High) range)
    {
        w.WriteStartArray(name);
        w.WriteNumberValue(range.Low);
        w.WriteNumberValue(range.High);
        w.WriteEndArray();
    }
}
