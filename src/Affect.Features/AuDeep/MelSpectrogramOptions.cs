namespace Affect.Features.AuDeep;

/// <summary>
/// auDeep's spectrogram settings (Freitag et al., JMLR 2018; the ComParE 2018 recipe): 80 ms periodic Hann windows with
/// 40 ms overlap, 128 Mel bands, audio cut or zero-padded to a fixed length centred on the clip, power in dB relative to
/// the clip's maximum, clipped below each of several thresholds (one autoencoder per threshold).
/// </summary>
/// <param name="WindowSeconds">FFT window width in seconds (auDeep --window-width; the FFT size is the window length).</param>
/// <param name="OverlapSeconds">Overlap between windows in seconds (auDeep --window-overlap).</param>
/// <param name="MelBands">Number of Mel filters (auDeep --mel-spectrum).</param>
/// <param name="FixedSeconds">Length every clip is cut or padded to (auDeep --fixed-length), or null to keep it.</param>
/// <param name="CenterFixed">Cut or pad equally at both ends (auDeep --center-fixed) instead of at the end only.</param>
/// <param name="ClipBelowDb">The dB thresholds below which power is clipped (auDeep --clip-below), one spectrogram each.</param>
public sealed record MelSpectrogramOptions(
    double WindowSeconds = 0.08,
    double OverlapSeconds = 0.04,
    int MelBands = 128,
    double? FixedSeconds = 5.0,
    bool CenterFixed = true,
    IReadOnlyList<double>? ClipBelowDb = null)
{
    /// <summary>The thresholds of the ComParE 2018 recipe: −30, −45, −60 and −75 dB.</summary>
    public static IReadOnlyList<double> DefaultClipBelowDb { get; } = [-30, -45, -60, -75];

    /// <summary>The clip thresholds in effect (<see cref="DefaultClipBelowDb"/> when none were given).</summary>
    public IReadOnlyList<double> Thresholds => ClipBelowDb ?? DefaultClipBelowDb;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(WindowSeconds > 0))
        {
            throw new ArgumentException($"WindowSeconds must be > 0, got {WindowSeconds}");
        }

        if (!(OverlapSeconds >= 0) || OverlapSeconds >= WindowSeconds)
        {
            throw new ArgumentException($"OverlapSeconds must be in [0, WindowSeconds), got {OverlapSeconds}");
        }

        if (MelBands < 1)
        {
            throw new ArgumentException($"MelBands must be ≥ 1, got {MelBands}");
        }

        if (FixedSeconds is { } f && !(f > 0))
        {
            throw new ArgumentException($"FixedSeconds must be > 0, got {f}");
        }

        if (Thresholds.Count == 0 || Thresholds.Any(t => !(t < 0)))
        {
            throw new ArgumentException("ClipBelowDb must hold at least one negative dB threshold");
        }
    }
}
