namespace Affect.Learning.Discretization;

/// <summary>How an utterance score maps onto the ordered classes (paper §4.2).</summary>
public enum ScoreDirection
{
    /// <summary>Higher score ⇒ higher class (e.g. predicted valence against L &lt; M &lt; H valence).</summary>
    Increasing,

    /// <summary>Higher score ⇒ lower class: an anti-correlated source model (e.g. CreativeIT valence, Table 1).</summary>
    Decreasing,
}

/// <summary>Which directions <see cref="ThresholdSearch"/> may use.</summary>
public enum DirectionChoice
{
    /// <summary>Only <see cref="ScoreDirection.Increasing"/>.</summary>
    Increasing,

    /// <summary>Only <see cref="ScoreDirection.Decreasing"/>.</summary>
    Decreasing,

    /// <summary>
    /// Both, keeping the one with the higher fit UAR, then the higher fit WAR; on a full tie
    /// <see cref="ScoreDirection.Increasing"/>.
    /// </summary>
    Auto,
}

/// <summary>
/// Fitted thresholds that turn an utterance score into one of L ordered classes (paper §4.2: low / medium / high
/// valence from the utterance mean of frame predictions). The level of a score s is the number of thresholds t with
/// s &gt; t; the class is that level (increasing) or L − 1 − level (decreasing).
/// </summary>
/// <param name="Thresholds">
/// The L − 1 thresholds in non-decreasing order on the score axis; equal thresholds leave the class between them empty.
/// </param>
/// <param name="Direction">Whether higher scores mean higher or lower classes.</param>
/// <param name="FitUar">UAR (<see cref="Metrics.Uar"/>) on the rows the thresholds were fitted on.</param>
/// <param name="FitWar">WAR (<see cref="Metrics.War"/>) on the rows the thresholds were fitted on.</param>
public sealed record ThresholdRule(IReadOnlyList<double> Thresholds, ScoreDirection Direction, double FitUar, double FitWar)
{
    /// <summary>Number of classes L (one more than the thresholds).</summary>
    public int Classes => Thresholds.Count + 1;

    /// <summary>The class index (0 … L − 1, in the corpus's order) of <paramref name="score"/>.</summary>
    public int Classify(double score)
    {
        if (double.IsNaN(score))
        {
            throw new ArgumentException("score is NaN", nameof(score));
        }

        int level = 0;
        for (int k = 0; k < Thresholds.Count; k++)
        {
            level += score > Thresholds[k] ? 1 : 0;
        }

        return Direction == ScoreDirection.Increasing ? level : Thresholds.Count - level;
    }

    /// <summary>The class index of every score.</summary>
    public int[] Classify(ReadOnlySpan<double> scores)
    {
        var c = new int[scores.Length];
        for (int i = 0; i < c.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"score {i} is NaN", nameof(scores));
            }

            c[i] = Classify(scores[i]);
        }

        return c;
    }
}

/// <summary>
/// Thresholds fitted on a blend of a source corpus's arousal and valence predictions (the paper's first submission,
/// §4.3: SEMAINE arousal and valence combined): score = w·arousal + (1 − w)·valence, then <see cref="Rule"/>.
/// </summary>
/// <param name="ArousalWeight">The weight w ∈ [0, 1] of the arousal prediction.</param>
/// <param name="Rule">The thresholds on the blended score.</param>
public sealed record BlendedThresholdRule(double ArousalWeight, ThresholdRule Rule)
{
    /// <summary>The class index of one utterance from its arousal and valence scores.</summary>
    public int Classify(double arousal, double valence) => Rule.Classify(ThresholdSearch.Blend(arousal, valence, ArousalWeight));

    /// <summary>The class index of every utterance.</summary>
    public int[] Classify(ReadOnlySpan<double> arousal, ReadOnlySpan<double> valence)
    {
        if (arousal.Length != valence.Length)
        {
            throw new ArgumentException($"{arousal.Length} arousal scores but {valence.Length} valence scores", nameof(valence));
        }

        var c = new int[arousal.Length];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = Classify(arousal[i], valence[i]);
        }

        return c;
    }
}
