using Affect.Sequence.Features;

namespace Affect.Sequence.Windows;

/// <summary>
/// One recording ready for sequence modelling: speaker-normalised frame features and (when annotated) its gold standard
/// on the 25 Hz label grid, already lag-shifted and scaled.
/// </summary>
/// <param name="Id">Recording id (manifest file id).</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Features">Frame features.</param>
/// <param name="Labels">Gold standard, one value per label frame, or null for unannotated audio.</param>
/// <param name="LabelRate">Rate of the label grid predictions are reported on (25 Hz).</param>
public sealed record SequenceRecording(string Id, string Speaker, FeatureMatrix Features, double[]? Labels, double LabelRate = 25.0)
{
    /// <summary>
    /// Label frames of this recording: those of the gold standard that the features cover
    /// (time i / rate within the feature duration), or, without labels, every label frame the features cover.
    /// </summary>
    public int LabelFrames
    {
        get
        {
            var covered = Math.Max(1, (int)Math.Floor((Features.DurationSeconds * LabelRate) + 1e-9));
            return Labels is null ? covered : Math.Min(Labels.Length, covered);
        }
    }
}
