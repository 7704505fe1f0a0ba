using System.Globalization;
using Affect.Features.IO;

namespace Affect.Features.Tests.Voicing;

/// <summary>Loads the openSMILE reference outputs (set 1 CSV, set 2 HTK) for the six voicing columns.</summary>
internal static class VoicingReference
{
    public static readonly string[] Set1Speech = ["speech1", "speech2", "speech3", "speech4", "speech5", "speech6", "alsa_voice"];

    public static readonly string[] Set2Speech =
    [
        "espeak_de_fast", "espeak_en-gb_f3_high", "espeak_en-us_f2_whisper", "espeak_en-us_m", "espeak_en_m3_low_slow",
        "emodb_12a01Lb", "emodb_14a01Wa", "emodb_14a05Fa", "emodb_15a02Ta",
    ];

    public static string Root => Affect.Features.Tests.Lld.OpenSmileReference.Directory;

    /// <summary>Reads set-2 HTK: returns rows × 12 (columns 0–5 and 65–70).</summary>
    public static float[] ReadHtk(string name)
    {
        var (values, n, width) = HtkFormat.Read(Path.Combine(Root, "set2", "lld_htk", name + ".htk"));
        var result = new float[n * 12];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < 12; c++)
            {
                int col = c < 6 ? c : 65 + (c - 6);
                result[(r * 12) + c] = values[(r * width) + col];
            }
        }

        return result;
    }

    /// <summary>Reads set-1 LLD CSV: returns rows × 12 (LLD columns 0–5 and delta columns 65–70).</summary>
    public static float[] ReadCsv(string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "lld", name + ".csv"));
        var result = new List<float>();
        for (int i = 1; i < lines.Length; i++)
        {
            string[] p = lines[i].Split(';');
            for (int c = 0; c < 12; c++)
            {
                int col = 2 + (c < 6 ? c : 65 + (c - 6));
                result.Add(float.Parse(p[col], CultureInfo.InvariantCulture));
            }
        }

        return [.. result];
    }

    public static float[] Wav(string name, bool set2) =>
        Affect.Audio.AudioLoader.LoadMono(Path.Combine(Root, set2 ? "set2" : string.Empty, "wav", name + ".wav")).Samples;

    public static (float[] Reference, float[] Wave) Load(string name) =>
        name.StartsWith("speech", StringComparison.Ordinal) || name == "alsa_voice" || name is "silence" or "tone220" or "noise"
            ? (ReadCsv(name), Wav(name, false))
            : (ReadHtk(name), Wav(name, true));

    /// <summary>RMS error divided by the reference range.</summary>
    public static double Nrmse(IReadOnlyList<double> ours, IReadOnlyList<double> reference)
    {
        double s = 0;
        for (int i = 0; i < ours.Count; i++)
        {
            s += (ours[i] - reference[i]) * (ours[i] - reference[i]);
        }

        double range = reference.Max() - reference.Min();
        return Math.Sqrt(s / ours.Count) / (range > 0 ? range : 1);
    }
}
