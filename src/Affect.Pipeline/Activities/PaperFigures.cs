namespace Affect.Pipeline.Activities;

/// <summary>
/// The published figures of Kaya, Fedotov et al. (Interspeech 2018), Tables 1–4 and the Section 4.3 submissions, on the
/// real RECOLA, SEMAINE, CreativeIT and USoMS corpora, printed beside this run's numbers (which come from whatever corpora
/// the run was given: in the demo, synthetic ones) so a reader can compare shapes, not values.
/// </summary>
public static class PaperFigures
{
    /// <summary>Label of the paper's columns.</summary>
    public const string PaperSource = "paper (real RECOLA/SEMAINE/CreativeIT/USoMS)";

    /// <summary>Label of this run's columns.</summary>
    public const string RunSource = "this run (synthetic corpora)";

    /// <summary>The paper's corpora, by the lowercase name prefix a corpus of the run must carry to stand for it.</summary>
    public static readonly IReadOnlyList<(string Prefix, string Name)> Corpora =
    [
        ("recola", "RECOLA"),
        ("semaine", "SEMAINE"),
        ("creativeit", "CreativeIT"),
        ("usoms", "USoMS"),
    ];

    /// <summary>
    /// The paper corpus a run corpus stands for: the one whose lowercase name starts the corpus name
    /// (<c>semaine</c>, <c>SEMAINE-solid</c> → SEMAINE), or null.
    /// </summary>
    public static string? PaperCorpusOf(string corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        string lower = corpus.ToLowerInvariant();
        return Corpora.FirstOrDefault(c => lower.StartsWith(c.Prefix, StringComparison.Ordinal)).Name;
    }

    /// <summary>Table 1: Pearson CC of the cross-corpus LSTMs (validation and test CC after 1 epoch and at the optimal epoch).</summary>
    public static readonly IReadOnlyList<PaperLstmCell> Table1 =
    [
        new("RECOLA", "SEMAINE", "CreativeIT", "arousal", 0.411, 0.390, 0.411, 0.390),
        new("RECOLA", "SEMAINE", "CreativeIT", "valence", 0.256, -0.154, 0.256, -0.154),
        new("RECOLA", "CreativeIT", "SEMAINE", "arousal", 0.390, 0.411, 0.390, 0.411),
        new("RECOLA", "CreativeIT", "SEMAINE", "valence", -0.154, 0.256, -0.142, 0.241),
        new("SEMAINE", "RECOLA", "CreativeIT", "arousal", 0.473, 0.375, 0.520, 0.375),
        new("SEMAINE", "RECOLA", "CreativeIT", "valence", 0.201, -0.110, 0.219, -0.084),
        new("SEMAINE", "CreativeIT", "RECOLA", "arousal", 0.375, 0.473, 0.408, 0.514),
        new("SEMAINE", "CreativeIT", "RECOLA", "valence", -0.110, 0.201, -0.044, 0.165),
        new("CreativeIT", "RECOLA", "SEMAINE", "arousal", 0.188, 0.337, 0.188, 0.337),
        new("CreativeIT", "RECOLA", "SEMAINE", "valence", -0.029, -0.059, -0.029, -0.059),
        new("CreativeIT", "SEMAINE", "RECOLA", "arousal", 0.337, 0.188, 0.346, 0.048),
        new("CreativeIT", "SEMAINE", "RECOLA", "valence", -0.059, -0.029, -0.031, -0.063),
    ];

    /// <summary>Table 2: devel UAR (%) of the challenge baseline approaches: the challenge paper's (benchmark) and the authors' reproduction.</summary>
    public static readonly IReadOnlyList<PaperBaseline> Table2 =
    [
        new("OSFUN", "svm", 56.50, 57.20),
        new("OSBOAW", "svm", 52.50, 55.50),
        new("AuDeep", "svm", 49.90, 40.20),
        new("END2YOU", "cnn+lstm", 49.70, 41.40),
    ];

    /// <summary>Table 3: devel UAR (%) of the least-squares learners on the baseline feature sets.</summary>
    public static readonly IReadOnlyList<PaperLearnerCell> Table3 =
    [
        new("OSFUN", "kelm", 57.55), new("OSFUN", "wkelm", 55.95), new("OSFUN", "kpls", 61.22), new("OSFUN", "wkpls", 58.59),
        new("OSBOAW", "kelm", 53.62), new("OSBOAW", "wkelm", 47.14), new("OSBOAW", "kpls", 56.34), new("OSBOAW", "wkpls", 52.12),
        new("AuDeep", "kelm", 44.57), new("AuDeep", "wkelm", 41.69), new("AuDeep", "kpls", 37.50), new("AuDeep", "wkpls", 49.10),
        new("OSFUN+OSBOAW", "kelm", 58.46), new("OSFUN+OSBOAW", "wkelm", 54.09), new("OSFUN+OSBOAW", "kpls", 62.11), new("OSFUN+OSBOAW", "wkpls", 60.98),
    ];

    /// <summary>Table 4: WAR and UAR (%) on the USoMS train and devel sets of each source corpus's LSTM, thresholds fitted on train.</summary>
    public static readonly IReadOnlyList<PaperDiscretization> Table4 =
    [
        new("CreativeIT", "arousal", 56.1, 51.0, 40.0, 44.4),
        new("CreativeIT", "valence", 44.7, 37.4, 40.2, 32.4),
        new("RECOLA", "arousal", 39.5, 48.2, 41.2, 41.4),
        new("RECOLA", "valence", 44.9, 40.9, 37.2, 31.7),
        new("SEMAINE", "arousal", 55.6, 45.8, 56.2, 52.1),
        new("SEMAINE", "valence", 52.5, 46.9, 48.9, 60.1),
    ];

    /// <summary>Section 4.3: the fused learners, the three LSTM submissions and the final fusion (UAR %, null where not published).</summary>
    public static readonly IReadOnlyList<PaperSubmission> Submissions =
    [
        new(SubmissionIds.Learners, 64.0, null),
        new(SubmissionIds.Lstm1, 62.0, 47.4),
        new(SubmissionIds.Lstm2, null, 45.8),
        new(SubmissionIds.Lstm3, null, 47.8),
        new(SubmissionIds.Final, 75.9, 59.3),
    ];

    /// <summary>The challenge's test-set baseline UAR (%) the final system stayed below.</summary>
    public const double ChallengeTestBaseline = 66.0;
}

/// <summary>Identifiers of the Section 4.3 systems in results.json.</summary>
public static class SubmissionIds
{
    /// <summary>KELM + WKELM + WKPLS on OSFUN+OSBOAW, score-fused.</summary>
    public const string Learners = "learners-fused";

    /// <summary>Submission 1: SEMAINE arousal + valence models combined, thresholds fitted on train.</summary>
    public const string Lstm1 = "lstm-1";

    /// <summary>Submission 2: SEMAINE valence + CreativeIT arousal, thresholds fitted on devel.</summary>
    public const string Lstm2 = "lstm-2";

    /// <summary>Submission 3: SEMAINE arousal + valence, thresholds fitted on train + devel.</summary>
    public const string Lstm3 = "lstm-3";

    /// <summary>Submission 3 fused with the three learners (weighted fusion over four members).</summary>
    public const string Final = "lstm-3+learners";

    /// <summary>Submission 3 and the fused learners combined by simple fusion (Eq. 2); not in the paper.</summary>
    public const string FinalSimple = "lstm-3+learners-sf";

    /// <summary>The fused learners and the same three learners on the auDeep representations (weighted fusion, six members); not in the paper.</summary>
    public const string LearnersAuDeep = "learners+audeep";

    /// <summary>The fused learners and the End2You scores (weighted fusion, four members); not in the paper.</summary>
    public const string LearnersEnd2You = "learners+end2you";

    /// <summary>What each system is, for the report.</summary>
    public static string Describe(string id) => id switch
    {
        Learners => "KELM + WKELM + WKPLS on OSFUN+OSBOAW, weighted score fusion",
        Lstm1 => "LSTM submission 1: SEMAINE arousal + valence models combined, thresholds fitted on train",
        Lstm2 => "LSTM submission 2: SEMAINE valence + CreativeIT arousal, thresholds fitted on devel",
        Lstm3 => "LSTM submission 3: SEMAINE arousal + valence, thresholds fitted on train + devel",
        Final => "submission 3 fused with KELM, WKELM and WKPLS (weighted score fusion, four members)",
        FinalSimple => "submission 3 and the fused learners, simple fusion (Eq. 2); not in the paper",
        LearnersAuDeep => "KELM + WKELM + WKPLS on OSFUN+OSBOAW and on AuDeep, weighted score fusion (six members); not in the paper",
        LearnersEnd2You => "KELM + WKELM + WKPLS on OSFUN+OSBOAW and the End2You model's scores, weighted score fusion (four members); not in the paper",
        _ => id,
    };
}

/// <summary>A row of the paper's Table 1.</summary>
/// <param name="Train">Training corpus.</param>
/// <param name="Validation">Validation corpus.</param>
/// <param name="Test">Test corpus.</param>
/// <param name="Target">arousal or valence.</param>
/// <param name="ValidationCcAtEpoch1">Validation CC after 1 epoch.</param>
/// <param name="TestCcAtEpoch1">Test CC after 1 epoch.</param>
/// <param name="ValidationCcAtBest">Validation CC at the optimal epoch.</param>
/// <param name="TestCcAtBest">Test CC at the optimal epoch.</param>
public sealed record PaperLstmCell(string Train, string Validation, string Test, string Target, double ValidationCcAtEpoch1, double TestCcAtEpoch1, double ValidationCcAtBest, double TestCcAtBest);

/// <summary>A row of the paper's Table 2.</summary>
/// <param name="FeatureSet">Feature set.</param>
/// <param name="Learner">Classifier.</param>
/// <param name="Benchmark">The challenge paper's devel UAR (%).</param>
/// <param name="Reproduced">The authors' reproduction (%).</param>
public sealed record PaperBaseline(string FeatureSet, string Learner, double Benchmark, double Reproduced);

/// <summary>A cell of the paper's Table 3.</summary>
/// <param name="FeatureSet">Feature set.</param>
/// <param name="Learner">Learner.</param>
/// <param name="DevelUar">Devel UAR (%).</param>
public sealed record PaperLearnerCell(string FeatureSet, string Learner, double DevelUar);

/// <summary>A row of the paper's Table 4.</summary>
/// <param name="Source">Corpus the LSTM was trained on.</param>
/// <param name="Dimension">Its target.</param>
/// <param name="TrainWar">WAR (%) on the USoMS train set.</param>
/// <param name="TrainUar">UAR (%) on the USoMS train set.</param>
/// <param name="DevelWar">WAR (%) on the USoMS devel set.</param>
/// <param name="DevelUar">UAR (%) on the USoMS devel set.</param>
public sealed record PaperDiscretization(string Source, string Dimension, double TrainWar, double TrainUar, double DevelWar, double DevelUar);

/// <summary>A Section 4.3 system of the paper.</summary>
/// <param name="Id">One of <see cref="SubmissionIds"/>.</param>
/// <param name="DevelUar">Devel UAR (%), or null when not published.</param>
/// <param name="TestUar">Test UAR (%), or null when not published.</param>
public sealed record PaperSubmission(string Id, double? DevelUar, double? TestUar);
