using Affect.Audio;
using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Features.Tests.Functionals;

/// <summary>
/// Functionals computed from WAV through our own LLD front-end (with the genuine trailing 20 ms frame) against
/// openSMILE's functionals of the same WAV, for every reference recording of set 1 (<c>functionals/*.csv</c>), set 2 and
/// set 3 (<c>functionals_htk</c>; set 3: recordings that end inside voiced speech), and the LLDs themselves against
/// openSMILE's float32 LLDs.
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
        "set3/wav/espeak_de_t0_p48_cut085.wav", "set3/wav/espeak_en-us_f2_t1_p90_cut085.wav", "set3/wav/espeak_en-us_f2_t2_p92_cut085.wav",
        "set3/wav/espeak_en-us_f2_t3_p94_cut085.wav", "set3/wav/espeak_es_t0_p72_cut085.wav", "set3/wav/espeak_en-gb_f3_t0_p40_cut085.wav",
    };

    /// <summary>Set 3: every recording ends inside voiced speech (cut at 85 % or 93 % of its length).</summary>
    public static TheoryData<string> CutInsideSpeech()
    {
        var data = new TheoryData<string>();
        foreach (string wav in Directory.GetFiles(Path.Combine(ReferenceData.Root, "set3", "wav"), "*.wav").Order(StringComparer.Ordinal))
        {
            data.Add("set3/wav/" + Path.GetFileName(wav));
        }

        return data;
    }

    /// <summary>Every reference recording with openSMILE functionals is compared (11 in set 1 + 13 in set 2 + 24 in set 3).</summary>
    [Fact]
    public void Every_reference_recording_is_compared()
    {
        Assert.Equal(48, Reports.Value.Count);
        Assert.Equal(24, Reports.Value.Count(r => r.File.StartsWith("set3/", StringComparison.Ordinal)));
        Assert.Contains(Reports.Value, r => r.File == "wav/tone220.wav");
        Assert.Contains(Reports.Value, r => r.File == "set2/wav/long_60s.wav");
    }

    /// <summary>
    /// The issue's bar is 98 % of the 6373 within 1e-3 relative (1e-6 absolute) for every file; with openSMILE's
    /// end-of-input passes reproduced, the float32-faithful front-end reaches at least 99.9 % on every recording
    /// (speech, speech cut while voiced, tone, noise, silence, 60 s).
    /// </summary>
    [Fact]
    public void Every_recording_matches_openSMILE_on_at_least_99_9_percent_of_the_functionals()
    {
        var low = Reports.Value.Where(r => r.Report.MatchFraction < 0.999).Select(r => $"{r.File}: {r.Report.MatchFraction:P2}").ToList();
        Assert.True(low.Count == 0, string.Join("; ", low));
    }

    /// <summary>
    /// A recording that ends inside voiced speech: the pitch, voicing, jitter, shimmer and HNR functionals (and their
    /// deltas) match openSMILE's, which see only the rows its first end-of-input pass had produced.
    /// </summary>
    [Theory]
    [MemberData(nameof(CutInsideSpeech))]
    public void Recording_cut_inside_speech_matches_every_voicing_functional(string wav)
    {
        var report = Reports.Value.Single(r => r.File == wav).Report;
        string[] voicing = ["F0final", "voicingFinalUnclipped", "jitterLocal", "jitterDDP", "shimmerLocal", "logHNR"];
        var bad = report.Mismatches.Select(m => $"{ComParEFunctionals.Names[m.Index]} {m.Ours} vs {m.Reference}")
            .Where(n => voicing.Any(v => n.StartsWith(v, StringComparison.Ordinal))).ToList();
        Assert.True(bad.Count == 0, $"{wav}: {string.Join(", ", bad.Take(10))}");
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
        string reference = wav.StartsWith("set", StringComparison.Ordinal)
            ? Path.Combine(ReferenceData.Root, wav[..4], "functionals_htk", Path.GetFileNameWithoutExtension(wav) + ".htk")
            : Path.Combine(ReferenceData.Root, "functionals", Path.GetFileNameWithoutExtension(wav) + ".csv");
        float[] expected = FunctionalsParityRun.ReadReference(reference);
        var estimated = FunctionalsParity.Compare(ComParEFunctionals.Compute(m.Values, m.Rows, m.ColumnNames, wav), expected);
        Assert.True(genuine.Matches >= estimated.Matches, $"{wav}: trailing frame {genuine.Matches} < estimate {estimated.Matches}");
    }

    /// <summary>
    /// Our LLDs and deltas against openSMILE's float32 LLDs (sets 2 and 3, HTK): every one of the 130 values of every
    /// row is bit-identical, the last rows of recordings that end voiced included (openSMILE's end-of-input passes).
    /// </summary>
    [Theory]
    [InlineData("set2")]
    [InlineData("set3")]
    public void Lld_values_are_bit_identical_to_openSMILE(string set)
    {
        long same = 0, total = 0;
        var diffs = new List<string>();
        foreach (string htk in Directory.GetFiles(Path.Combine(ReferenceData.Root, set, "lld_htk"), "*.htk").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(htk);
            var clip = AudioLoader.LoadMono(Path.Combine(ReferenceData.Root, set, "wav", name + ".wav"));
            var m = new LowLevelDescriptors(new LowLevelDescriptorOptions(InputGain: LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample))).Extract(clip.Samples);
            var (reference, frames, width) = HtkFormat.Read(htk);
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
                        diffs.Add($"{name} row {r}/{frames} {m.ColumnNames[c]}: {m[r, c]:R} vs {reference[(r * width) + c]:R}");
                    }
                }
            }
        }

        Assert.True(total > 100_000, $"{set}: only {total} values compared");
        Assert.True(diffs.Count == 0, $"{same} of {total} bit-identical; {string.Join("; ", diffs.Take(10))}");
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
