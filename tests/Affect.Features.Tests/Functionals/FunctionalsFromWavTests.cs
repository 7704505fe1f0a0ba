using Affect.Audio;
using Affect.Features.Functionals;

namespace Affect.Features.Tests.Functionals;

/// <summary>
/// Functionals computed from WAV through our own LLD front-end (with the genuine trailing 20 ms frame) against
/// openSMILE's functionals of the same WAV, for every reference recording of set 1 (<c>functionals/*.csv</c>) and set 2
/// (<c>functionals_htk</c>), and the LLDs themselves against openSMILE's float32 LLDs.
/// </summary>
public sealed class FunctionalsFromWavTests
{
    private static readonly Lazy<IReadOnlyList<(string File, FunctionalsParityReport Report)>> Reports =
        new(() => FunctionalsParityRun.RunFromWav(ReferenceData.Root));

    public static TheoryData<string> SpeechRecordings() => new()
    {
        "wav/speech1.wav", "wav/speech2.wav", "wav/speech3.wav", "wav/speech4.wav", "wav/speech5.wav", "wav/speech6.wav",
        "wav/alsa_voice.wav", "set2/wav/emodb_12a01Lb.wav", "set2/wav/emodb_14a01Wa.wav", "set2/wav/emodb_14a05Fa.wav",
        "set2/wav/emodb_15a02Ta.wav", "set2/wav/espeak_de_fast.wav", "set2/wav/espeak_en-gb_f3_high.wav",
        "set2/wav/espeak_en-us_f2_whisper.wav", "set2/wav/espeak_en-us_m.wav", "set2/wav/espeak_en_m3_low_slow.wav",
    };

    /// <summary>Every reference recording with openSMILE functionals is compared (11 in set 1 + 13 in set 2).</summary>
    [Fact]
    public void Every_reference_recording_is_compared()
    {
        Assert.Equal(24, Reports.Value.Count);
        Assert.Contains(Reports.Value, r => r.File == "wav/tone220.wav");
        Assert.Contains(Reports.Value, r => r.File == "set2/wav/long_60s.wav");
    }

    /// <summary>
    /// The issue's bar is 98 % of the 6373 within 1e-3 relative (1e-6 absolute) for every file; the float32-faithful
    /// front-end reaches at least 99.5 % on every recording (speech, tone, noise, silence, 60 s).
    /// </summary>
    [Fact]
    public void Every_recording_matches_openSMILE_on_at_least_99_5_percent_of_the_functionals()
    {
        var low = Reports.Value.Where(r => r.Report.MatchFraction < 0.995).Select(r => $"{r.File}: {r.Report.MatchFraction:P2}").ToList();
        Assert.True(low.Count == 0, string.Join("; ", low));
    }

    /// <summary>Speech recordings differ from openSMILE only in voicing-quality functionals (if at all).</summary>
    [Theory]
    [MemberData(nameof(SpeechRecordings))]
    public void Speech_mismatches_are_confined_to_the_voicing_quality_group(string wav)
    {
        var report = Reports.Value.Single(r => r.File == wav).Report;
        string[] voicingQuality = ["jitterLocal", "jitterDDP", "shimmerLocal", "logHNR"];
        var other = report.Mismatches.Select(m => ComParEFunctionals.Names[m.Index])
            .Where(n => !voicingQuality.Any(v => n.StartsWith(v, StringComparison.Ordinal))).ToList();
        Assert.True(other.Count == 0, $"{wav}: {string.Join(", ", other.Take(10))}");
    }

    /// <summary>The genuine trailing 20 ms frame never does worse than the estimate an LLD file forces.</summary>
    [Theory]
    [MemberData(nameof(SpeechRecordings))]
    public void Genuine_trailing_frame_is_no_worse_than_the_lld_file_estimate(string wav)
    {
        var clip = AudioLoader.LoadMono(Path.Combine(ReferenceData.Root, wav));
        var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample))).Extract(clip.Samples);
        var genuine = Reports.Value.Single(r => r.File == wav).Report;
        string reference = wav.StartsWith("set2/", StringComparison.Ordinal)
            ? Path.Combine(ReferenceData.Root, "set2", "functionals_htk", Path.GetFileNameWithoutExtension(wav) + ".htk")
            : Path.Combine(ReferenceData.Root, "functionals", Path.GetFileNameWithoutExtension(wav) + ".csv");
        float[] expected = FunctionalsParityRun.ReadReference(reference);
        var estimated = FunctionalsParity.Compare(ComParEFunctionals.Compute(m.Values, m.Rows, m.ColumnNames, wav), expected);
        Assert.True(genuine.Matches >= estimated.Matches, $"{wav}: trailing frame {genuine.Matches} < estimate {estimated.Matches}");
    }

    /// <summary>
    /// Our LLDs and deltas against openSMILE's float32 LLDs (set 2 HTK): every spectral, energy, auditory and MFCC
    /// column is bit-identical in every frame, every value before the last six frames of a recording is, and over all
    /// 130 columns at least 99.9 % of the values are.
    /// </summary>
    [Fact]
    public void Lld_values_are_bit_identical_to_openSMILE()
    {
        long same = 0, total = 0;
        var spectralDiffs = new List<string>();
        var earlyDiffs = new List<string>();
        foreach (string htk in Directory.GetFiles(Path.Combine(ReferenceData.Root, "set2", "lld_htk"), "*.htk").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(htk);
            var clip = AudioLoader.LoadMono(Path.Combine(ReferenceData.Root, "set2", "wav", name + ".wav"));
            var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample))).Extract(clip.Samples);
            var (reference, frames, width) = HtkFeatureFile.Read(htk);
            Assert.Equal(frames, m.Rows);
            for (int r = 0; r < frames; r++)
            {
                for (int c = 0; c < width; c++)
                {
                    total++;
                    if (BitConverter.SingleToInt32Bits(m[r, c]) == BitConverter.SingleToInt32Bits(reference[(r * width) + c]))
                    {
                        same++;
                    }
                    else
                    {
                        if (c % LldColumns.LldCount >= LldColumns.AudspecL1 && c % LldColumns.LldCount != LldColumns.ZeroCrossingRate)
                        {
                            spectralDiffs.Add($"{name} row {r} {m.ColumnNames[c]}");
                        }

                        if (r < frames - 6)
                        {
                            earlyDiffs.Add($"{name} row {r}/{frames} {m.ColumnNames[c]}");
                        }
                    }
                }
            }
        }

        Assert.True(spectralDiffs.Count == 0, string.Join("; ", spectralDiffs.Take(10)));
        Assert.True(earlyDiffs.Count == 0, string.Join("; ", earlyDiffs.Take(10)));
        Assert.True(same >= 0.999 * total, $"{same} of {total} values bit-identical");
    }

    [Fact]
    public void Committed_from_wav_section_matches_the_generator()
    {
        string docs = Path.Combine(Directory.GetParent(ReferenceData.Root)!.Parent!.Parent!.FullName, "docs", "parity.md");
        string section = FunctionalsParity.RenderMarkdownFromWav(Reports.Value);
        if (Environment.GetEnvironmentVariable("AFFECT_UPDATE_PARITY") == "1")
        {
            string doc = File.ReadAllText(docs);
            File.WriteAllText(docs, FunctionalsParityRun.ReplaceSection(doc, section, FunctionalsParity.WavBeginMarker, FunctionalsParity.WavEndMarker));
        }

        Assert.Equal(section, FunctionalsParityRun.ExtractSection(File.ReadAllText(docs), FunctionalsParity.WavBeginMarker, FunctionalsParity.WavEndMarker));
    }

    [Fact]
    public void Trailing_row_holds_only_the_spectral_contours()
    {
        var clip = WavReader.Read(Path.Combine(ReferenceData.Root, "wav", "speech3.wav"));
        var m = new LowLevelDescriptors().Extract(clip.Samples);
        Assert.NotNull(m.TrailingSpectralRow);
        for (int c = 0; c < m.Columns; c++)
        {
            int lld = c % LldColumns.LldCount;
            bool spectral = lld >= LldColumns.RastaBands && lld != LldColumns.ZeroCrossingRate;
            Assert.Equal(spectral, float.IsFinite(m.TrailingSpectralRow[c]));
        }
    }
}
