using System.Globalization;

namespace Affect.Corpora.Synthetic;

/// <summary>The four corpus shapes of the paper that the generator imitates.</summary>
public enum SyntheticCorpusKind
{
    /// <summary>RECOLA-like: dimensional, labels at 25 Hz, 6 raters, mostly positive valence.</summary>
    Recola,

    /// <summary>SEMAINE-like: dimensional, labels at 50 Hz, 3 raters, wide (low-kurtosis) arousal.</summary>
    Semaine,

    /// <summary>CreativeIT-like: dimensional, labels at 60 Hz, 4 raters, arousal and valence negatively correlated.</summary>
    CreativeIt,

    /// <summary>USoMS-like (ComParE 2018 Self-Assessed Affect): categorical L/M/H valence per 3–6 s utterance, imbalanced.</summary>
    Usoms,
}

/// <summary>
/// What to generate. The same spec always gives byte-identical files; a different <paramref name="Seed"/> gives
/// different ones.
/// </summary>
/// <param name="Kind">Corpus shape.</param>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="Speakers">Speakers, split into train/devel/test (about 50/25/25 %, at least one each); at least 3.</param>
/// <param name="Minutes">Length of each recording of a dimensional corpus in minutes (real corpora: 1–5); ignored for <see cref="SyntheticCorpusKind.Usoms"/>.</param>
/// <param name="UtterancesPerSpeaker">Utterances per speaker of the categorical corpus (at least 3); recordings per speaker of a dimensional corpus.</param>
public sealed record SyntheticCorpusSpec(SyntheticCorpusKind Kind, ulong Seed, int Speakers, double Minutes, int UtterancesPerSpeaker)
{
    /// <summary>
    /// Small demo sizes that generate in well under a second each: 3 speakers × 1 recording of 1 min (RECOLA) or
    /// 0.75 min (SEMAINE, CreativeIT); 9 speakers × 6 utterances of 3–6 s (USoMS).
    /// </summary>
    public static SyntheticCorpusSpec Default(SyntheticCorpusKind kind, ulong seed) => kind switch
    {
        SyntheticCorpusKind.Recola => new(kind, seed, 3, 1.0, 1),
        SyntheticCorpusKind.Semaine => new(kind, seed, 3, 0.75, 1),
        SyntheticCorpusKind.CreativeIt => new(kind, seed, 3, 0.75, 1),
        SyntheticCorpusKind.Usoms => new(kind, seed, 9, 0, 6),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown synthetic corpus kind."),
    };

    /// <summary>The corpus name written into the manifest, e.g. <c>recola-synth</c>.</summary>
    public string CorpusName => Kind switch
    {
        SyntheticCorpusKind.Recola => "recola-synth",
        SyntheticCorpusKind.Semaine => "semaine-synth",
        SyntheticCorpusKind.CreativeIt => "creativeit-synth",
        _ => "usoms-synth",
    };

    /// <summary>Checks every field and throws one exception listing all that are out of range.</summary>
    /// <exception cref="ArgumentException">One or more fields are out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"Kind: {(int)Kind} is not a known kind (expected Recola, Semaine, CreativeIt or Usoms)");
        }

        if (Speakers is < 3 or > 999)
        {
            errors.Add($"Speakers: {Speakers} is out of range (expected 3..999, so train, devel and test each get a speaker)");
        }

        if (Kind == SyntheticCorpusKind.Usoms)
        {
            if (UtterancesPerSpeaker is < 3 or > 1000)
            {
                errors.Add($"UtterancesPerSpeaker: {UtterancesPerSpeaker} is out of range (expected 3..1000, so every class can occur in train)");
            }
        }
        else
        {
            if (!double.IsFinite(Minutes) || Minutes < 0.1 || Minutes > 60)
            {
                errors.Add($"Minutes: {Minutes.ToString(CultureInfo.InvariantCulture)} is out of range (expected 0.1..60 minutes per recording)");
            }

            if (UtterancesPerSpeaker is < 1 or > 100)
            {
                errors.Add($"UtterancesPerSpeaker: {UtterancesPerSpeaker} is out of range (expected 1..100 recordings per speaker)");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("SyntheticCorpusSpec: " + string.Join("; ", errors));
        }
    }
}
