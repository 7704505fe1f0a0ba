using System.Globalization;

namespace Affect.Corpora.Synthetic;

/// <summary>The four corpus shapes of the paper that the generator imitates (§3.1, Fig. 2; ComParE 2018 USoMS).</summary>
public enum SyntheticCorpusKind
{
    /// <summary>RECOLA-like: dimensional, labels at 25 Hz, 6 raters, centred and peaked labels, arousal–valence correlated positively.</summary>
    Recola,

    /// <summary>SEMAINE-like: dimensional, labels at 50 Hz, 8 raters, labels skewed to the right, arousal–valence correlated positively.</summary>
    Semaine,

    /// <summary>CreativeIT-like: dimensional, labels at 60 Hz, 3 raters, labels skewed to the left, arousal and valence negatively correlated.</summary>
    CreativeIt,

    /// <summary>USoMS-like (ComParE 2018 Self-Assessed Affect): categorical L/M/H self-assessed valence per utterance, imbalanced.</summary>
    Usoms,
}

/// <summary>How big the generated corpora are.</summary>
public enum SyntheticScale
{
    /// <summary>Small corpora that keep the whole <c>affect demo</c> to about a minute or two on two cores.</summary>
    Demo,

    /// <summary>
    /// The paper's sizes: RECOLA 23 × 5 min, SEMAINE 24 × 18.6 min, CreativeIT 31 × 4.3 min, and a 100-speaker
    /// categorical corpus of 5–30 s utterances (about 15 hours of audio in all).
    /// </summary>
    Paper,
}

/// <summary>
/// What to generate. The same spec always gives byte-identical files; a different <paramref name="Seed"/> gives
/// different ones.
/// </summary>
/// <param name="Kind">Corpus shape.</param>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="Speakers">Speakers, split into train/devel/test (about 50/25/25 %, at least one each); at least 3.</param>
/// <param name="Minutes">Length of each recording of a dimensional corpus in minutes (real corpora: 4–19); ignored for <see cref="SyntheticCorpusKind.Usoms"/>.</param>
/// <param name="UtterancesPerSpeaker">Utterances per speaker of the categorical corpus (at least 3); recordings per speaker of a dimensional corpus.</param>
/// <param name="MinUtteranceSeconds">Shortest utterance of the categorical corpus (paper scale: 5 s); ignored for dimensional corpora.</param>
/// <param name="MaxUtteranceSeconds">Longest utterance of the categorical corpus (paper scale: 30 s); ignored for dimensional corpora.</param>
public sealed record SyntheticCorpusSpec(
    SyntheticCorpusKind Kind,
    ulong Seed,
    int Speakers,
    double Minutes,
    int UtterancesPerSpeaker,
    double MinUtteranceSeconds = 5,
    double MaxUtteranceSeconds = 30)
{
    /// <summary>
    /// Demo sizes (<see cref="SyntheticScale.Demo"/>): 3 speakers × 1 recording of 1 min (RECOLA) or 0.75 min (SEMAINE,
    /// CreativeIT); 16 speakers × 5 utterances of 9–12 s (USoMS), so every utterance spans more than one 8 s LSTM window.
    /// </summary>
    public static SyntheticCorpusSpec Default(SyntheticCorpusKind kind, ulong seed) => ForScale(kind, seed, SyntheticScale.Demo);

    /// <summary>The spec of one corpus at a <see cref="SyntheticScale"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown kind or scale.</exception>
    public static SyntheticCorpusSpec ForScale(SyntheticCorpusKind kind, ulong seed, SyntheticScale scale) => (scale, kind) switch
    {
        (SyntheticScale.Demo, SyntheticCorpusKind.Recola) => new(kind, seed, 3, 1.0, 1),
        (SyntheticScale.Demo, SyntheticCorpusKind.Semaine) => new(kind, seed, 3, 0.75, 1),
        (SyntheticScale.Demo, SyntheticCorpusKind.CreativeIt) => new(kind, seed, 3, 0.75, 1),
        (SyntheticScale.Demo, SyntheticCorpusKind.Usoms) => new(kind, seed, 16, 0, 5, 9, 12),
        (SyntheticScale.Paper, SyntheticCorpusKind.Recola) => new(kind, seed, 23, 5.0, 1),
        (SyntheticScale.Paper, SyntheticCorpusKind.Semaine) => new(kind, seed, 24, 18.6, 1),
        (SyntheticScale.Paper, SyntheticCorpusKind.CreativeIt) => new(kind, seed, 31, 4.3, 1),
        (SyntheticScale.Paper, SyntheticCorpusKind.Usoms) => new(kind, seed, 100, 0, 8, 5, 30),
        _ when !Enum.IsDefined(scale) => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown synthetic corpus scale."),
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

            if (!double.IsFinite(MinUtteranceSeconds) || MinUtteranceSeconds < 1 || MinUtteranceSeconds > 120)
            {
                errors.Add($"MinUtteranceSeconds: {F(MinUtteranceSeconds)} is out of range (expected 1..120 s)");
            }

            if (!double.IsFinite(MaxUtteranceSeconds) || MaxUtteranceSeconds < MinUtteranceSeconds || MaxUtteranceSeconds > 120)
            {
                errors.Add($"MaxUtteranceSeconds: {F(MaxUtteranceSeconds)} is out of range (expected MinUtteranceSeconds..120 s)");
            }
        }
        else
        {
            if (!double.IsFinite(Minutes) || Minutes < 0.1 || Minutes > 60)
            {
                errors.Add($"Minutes: {F(Minutes)} is out of range (expected 0.1..60 minutes per recording)");
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

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
