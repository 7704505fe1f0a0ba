namespace Affect.Corpora.Synthetic;

/// <summary>
/// How a corpus's continuous labels are distributed: a latent state z ~ N(0, 1) becomes the label-space state
/// y = tanh(Scale · sign(w)·|w|^Peak + Offset), with w = z + Skew·(z² − 1). Skew &gt; 0 gives a right-skewed (long
/// upper tail) distribution, Skew &lt; 0 a left-skewed one; Peak &gt; 1 piles mass near the centre (high kurtosis).
/// </summary>
/// <param name="Scale">Spread before squashing.</param>
/// <param name="Offset">Shift of the centre before squashing.</param>
/// <param name="Skew">Quadratic skew term (sign = direction of the long tail).</param>
/// <param name="Peak">Power that peaks the distribution (1 = Gaussian-like).</param>
public sealed record LabelShape(double Scale, double Offset, double Skew, double Peak)
{
    /// <summary>Maps a latent value onto the corpus's label scale [-1, 1].</summary>
    public double Apply(double z)
    {
        double w = z + (Skew * ((z * z) - 1));
        return Math.Tanh((Scale * Math.CopySign(Math.Pow(Math.Abs(w), Peak), w)) + Offset);
    }
}

/// <summary>
/// The recording channel of a corpus: microphone and room, applied to the clean rendering so that cross-corpus is a
/// real domain shift. Order: high-pass and low-pass (2nd-order Butterworth biquads, the low-pass twice), low and high
/// shelving EQ at 300 Hz and 3 kHz (RBJ cookbook), a Schroeder reverberator (four combs, two all-passes), then pink
/// noise at the noise floor.
/// </summary>
/// <param name="HighPassHz">Lower band limit (Hz).</param>
/// <param name="LowPassHz">Upper band limit (Hz).</param>
/// <param name="LowShelfDb">Gain below about 300 Hz (dB).</param>
/// <param name="HighShelfDb">Gain above about 3 kHz (dB).</param>
/// <param name="NoiseFloorDbfs">Level of the stationary background noise (dBFS RMS), varied by ±3 dB per recording.</param>
/// <param name="ReverbSeconds">Reverberation time RT60 of the room (s).</param>
/// <param name="ReverbMix">Share of reverberant sound in the output (0 = dry).</param>
public sealed record AcousticChannel(double HighPassHz, double LowPassHz, double LowShelfDb, double HighShelfDb, double NoiseFloorDbfs, double ReverbSeconds, double ReverbMix);

/// <summary>The speakers a corpus was recorded from: sex ratio, voice ranges, speaking style and phone inventory.</summary>
/// <param name="Language">Language whose vowels are used (documentation only).</param>
/// <param name="FemaleShare">Probability that a speaker is female.</param>
/// <param name="MaleF0Hz">Range of male speaking F0 at neutral arousal (Hz).</param>
/// <param name="FemaleF0Hz">Range of female speaking F0 at neutral arousal (Hz).</param>
/// <param name="SyllablesPerSecond">Mean syllable rate at neutral arousal.</param>
/// <param name="ArousalSemitones">F0 rise per unit of arousal (semitones): the pitch range of the population.</param>
/// <param name="FricativeShare">Share of syllables that start with a fricative.</param>
/// <param name="FricativeHz">Range of fricative noise centre frequencies (Hz).</param>
/// <param name="Vowels">Vowel inventory as (F1, F2, F3) formant targets in Hz of an adult male voice.</param>
public sealed record SpeakerPopulation(
    string Language,
    double FemaleShare,
    (double Low, double High) MaleF0Hz,
    (double Low, double High) FemaleF0Hz,
    double SyllablesPerSecond,
    double ArousalSemitones,
    double FricativeShare,
    (double Low, double High) FricativeHz,
    IReadOnlyList<(double F1, double F2, double F3)> Vowels);

/// <summary>
/// How the categorical corpus's labels come about: a speaker rates their own valence after each utterance. The
/// self-assessed score is s = mean valence state over the utterance + the speaker's reporting bias b ~ N(0, BiasSd²)
/// + report noise e ~ N(0, NoiseSd²), and the class is L when s &lt; Low, H when s &gt; High, else M: fixed global
/// thresholds, so class priors differ between partitions as they do in real data.
/// </summary>
/// <param name="Low">Upper end of L.</param>
/// <param name="High">Lower end of H.</param>
/// <param name="BiasSd">Standard deviation of a speaker's reporting bias.</param>
/// <param name="NoiseSd">Standard deviation of the report noise per utterance.</param>
/// <param name="SpeakerMoodSd">Standard deviation of a speaker's mean latent valence (audible, unlike the bias).</param>
/// <param name="UtteranceMoodSd">Standard deviation of an utterance's latent valence around the speaker's.</param>
public sealed record SelfAssessment(double Low, double High, double BiasSd, double NoiseSd, double SpeakerMoodSd, double UtteranceMoodSd);

/// <summary>
/// Everything that makes one synthetic corpus like its real counterpart (§3.1, Fig. 2 of the paper): annotation rate,
/// raters, label distributions, the arousal–valence correlation, annotator lag, channel and speaker population.
/// </summary>
/// <param name="StandsFor">The real corpus imitated.</param>
/// <param name="LabelRate">Annotation rate in Hz (0 for the categorical corpus).</param>
/// <param name="Raters">Raters per dimension (0 for the categorical corpus).</param>
/// <param name="LagSeconds">Mean annotator reaction lag (s); each rater's lag is drawn from LagSeconds ± LagSpread.</param>
/// <param name="LagSpread">Half-width of the uniform spread of the raters' lags (s).</param>
/// <param name="Arousal">Distribution of the arousal state.</param>
/// <param name="Valence">Distribution of the valence state.</param>
/// <param name="Correlation">Correlation ρ of the latent arousal and valence (valence z = ρ·z_a + √(1 − ρ²)·z_v).</param>
/// <param name="Channel">Recording channel.</param>
/// <param name="Population">Speaker population.</param>
/// <param name="Assessment">Self-assessment of the categorical corpus; null for dimensional corpora.</param>
public sealed record SyntheticCorpusTraits(
    string StandsFor,
    int LabelRate,
    int Raters,
    double LagSeconds,
    double LagSpread,
    LabelShape Arousal,
    LabelShape Valence,
    double Correlation,
    AcousticChannel Channel,
    SpeakerPopulation Population,
    SelfAssessment? Assessment)
{
    private static readonly (double, double, double)[] French =
        [(280, 2250, 2900), (400, 2100, 2700), (550, 1800, 2500), (700, 1300, 2500), (400, 800, 2400), (300, 750, 2300), (280, 1800, 2200), (400, 1500, 2300), (650, 1000, 2500)];

    private static readonly (double, double, double)[] English =
        [(270, 2290, 3010), (390, 1990, 2550), (530, 1840, 2480), (660, 1720, 2410), (520, 1190, 2390), (730, 1090, 2440), (570, 840, 2410), (440, 1020, 2240), (300, 870, 2240), (490, 1350, 1690)];

    private static readonly (double, double, double)[] German =
        [(290, 2300, 3000), (380, 2000, 2600), (360, 2200, 2800), (540, 1800, 2600), (750, 1300, 2500), (370, 700, 2400), (560, 900, 2500), (300, 700, 2300), (290, 1650, 2100), (380, 1450, 2200), (500, 1500, 2500)];

    /// <summary>The traits of each corpus kind.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown kind.</exception>
    public static SyntheticCorpusTraits Of(SyntheticCorpusKind kind) => kind switch
    {
        // RECOLA: French dyads on headset microphones; labels centred on zero and peaked, mildly positive valence.
        SyntheticCorpusKind.Recola => new(
            "RECOLA", 25, 6, 2.0, 0.4,
            new LabelShape(0.12, 0.03, 0, 2.0), new LabelShape(0.1, 0.06, 0, 2.0), 0.35,
            new AcousticChannel(60, 7600, 0, 0, -62, 0.15, 0.05),
            new SpeakerPopulation("French", 13.0 / 23, (100, 135), (185, 240), 5.0, 4.0, 0.3, (3500, 7000), French),
            null),

        // SEMAINE: English users talking to an operator, studio close microphone; both labels skewed to the right.
        SyntheticCorpusKind.Semaine => new(
            "SEMAINE", 50, 8, 3.0, 0.5,
            new LabelShape(0.4, -0.2, 0.3, 1.0), new LabelShape(0.4, -0.05, 0.3, 1.0), 0.45,
            new AcousticChannel(90, 7000, -2, 3, -58, 0.3, 0.1),
            new SpeakerPopulation("English", 0.4, (88, 125), (165, 215), 4.2, 3.5, 0.4, (3200, 6500), English),
            null),

        // CreativeIT: English actors improvising, lapel microphones in a motion-capture room; labels skewed to the left,
        // arousal and valence negatively correlated (angry, sad scenes).
        SyntheticCorpusKind.CreativeIt => new(
            "CreativeIT", 60, 3, 2.4, 0.3,
            new LabelShape(0.4, 0.2, -0.3, 1.0), new LabelShape(0.4, 0.05, -0.3, 1.0), -0.55,
            new AcousticChannel(120, 6000, -5, -2, -50, 0.55, 0.25),
            new SpeakerPopulation("English", 0.5, (95, 140), (180, 250), 4.8, 5.5, 0.4, (3000, 6500), English),
            null),

        // USoMS: German narratives recorded in an office with a table microphone; self-assessed valence in three classes.
        SyntheticCorpusKind.Usoms => new(
            "USoMS", 0, 0, 0, 0,
            new LabelShape(0.5, 0, 0, 1.0), new LabelShape(0.5, 0, 0, 1.0), 0.4,
            new AcousticChannel(100, 5500, 2, -3, -54, 0.35, 0.15),
            new SpeakerPopulation("German", 0.5, (92, 130), (175, 230), 4.4, 3.5, 0.45, (2800, 6000), German),
            new SelfAssessment(-0.4, 0.3, 0.18, 0.15, 0.3, 0.75)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown synthetic corpus kind."),
    };
}
