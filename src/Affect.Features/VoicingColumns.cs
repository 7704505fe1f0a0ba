using Affect.Features.Voicing;

namespace Affect.Features;

/// <summary>
/// Seam to the six voicing-related columns (F0final, voicingFinalUnclipped, jitterLocal, jitterDDP, shimmerLocal,
/// logHNR, smoothed, plus their deltas) built in <see cref="VoicingDescriptors"/>.
/// </summary>
internal static class VoicingColumns
{
    /// <summary>True when the values come from a real implementation (parity of the voicing columns is then asserted).</summary>
    public const bool Available = true;

    /// <summary>Row-major rows × 12: six smoothed voicing columns then their six deltas.</summary>
    /// <param name="samples">16 kHz mono samples in [-1, 1].</param>
    /// <param name="rows">LLD row count of the ComParE frame grid.</param>
    public static float[] Compute(ReadOnlySpan<float> samples, int rows) => VoicingDescriptors.Compute(samples, rows);
}
