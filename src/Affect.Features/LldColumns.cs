namespace Affect.Features;

/// <summary>The 65 ComParE 2016 low-level descriptor names in openSMILE's column order, and their 65 delta names.</summary>
public static class LldColumns
{
    /// <summary>Number of LLDs (without deltas).</summary>
    public const int LldCount = 65;

    /// <summary>Index of the first of the six voicing-related columns (F0final_sma … logHNR_sma).</summary>
    public const int VoicingStart = 0;

    /// <summary>Number of voicing-related columns.</summary>
    public const int VoicingCount = 6;

    /// <summary>Index of audspec_lengthL1norm_sma.</summary>
    public const int AudspecL1 = 6;

    /// <summary>Index of audspecRasta_lengthL1norm_sma.</summary>
    public const int AudspecRastaL1 = 7;

    /// <summary>Index of pcm_RMSenergy_sma.</summary>
    public const int RmsEnergy = 8;

    /// <summary>Index of pcm_zcr_sma.</summary>
    public const int ZeroCrossingRate = 9;

    /// <summary>Index of audSpec_Rfilt_sma[0] (26 bands follow).</summary>
    public const int RastaBands = 10;

    /// <summary>Index of pcm_fftMag_fband250-650_sma, the first of the 15 cSpectral columns.</summary>
    public const int Spectral = 36;

    /// <summary>Index of mfcc_sma[1] (14 coefficients follow).</summary>
    public const int Mfcc = 51;

    /// <summary>The 65 LLD names (<c>*_sma</c>).</summary>
    public static IReadOnlyList<string> Lld { get; } = BuildLld();

    /// <summary>The 65 delta names (<c>*_sma_de</c>), same order.</summary>
    public static IReadOnlyList<string> Delta { get; } = Lld.Select(n => n.Replace("_sma", "_sma_de", StringComparison.Ordinal)).ToArray();

    /// <summary>All 130 names: LLDs then deltas.</summary>
    public static IReadOnlyList<string> All { get; } = Lld.Concat(Delta).ToArray();

    private static string[] BuildLld()
    {
        var names = new List<string>
        {
            "F0final_sma", "voicingFinalUnclipped_sma", "jitterLocal_sma", "jitterDDP_sma", "shimmerLocal_sma", "logHNR_sma",
            "audspec_lengthL1norm_sma", "audspecRasta_lengthL1norm_sma", "pcm_RMSenergy_sma", "pcm_zcr_sma",
        };
        for (int i = 0; i < 26; i++)
        {
            names.Add($"audSpec_Rfilt_sma[{i}]");
        }

        names.AddRange([
            "pcm_fftMag_fband250-650_sma", "pcm_fftMag_fband1000-4000_sma",
            "pcm_fftMag_spectralRollOff25.0_sma", "pcm_fftMag_spectralRollOff50.0_sma",
            "pcm_fftMag_spectralRollOff75.0_sma", "pcm_fftMag_spectralRollOff90.0_sma",
            "pcm_fftMag_spectralFlux_sma", "pcm_fftMag_spectralCentroid_sma", "pcm_fftMag_spectralEntropy_sma",
            "pcm_fftMag_spectralVariance_sma", "pcm_fftMag_spectralSkewness_sma", "pcm_fftMag_spectralKurtosis_sma",
            "pcm_fftMag_spectralSlope_sma", "pcm_fftMag_psySharpness_sma", "pcm_fftMag_spectralHarmonicity_sma",
        ]);
        for (int i = 1; i <= 14; i++)
        {
            names.Add($"mfcc_sma[{i}]");
        }

        return names.ToArray();
    }
}
