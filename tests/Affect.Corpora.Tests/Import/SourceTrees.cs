using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Tests.Import;

/// <summary>
/// Miniature source corpora on disk with the official file names and annotation headers of each distribution, written
/// by code: real WAVs (a tone whose pitch depends on the class plus seeded noise), one of them 44.1 kHz stereo.
/// </summary>
internal static class SourceTrees
{
    public const string EmoDbLetters = "WLEAFTN";

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-import-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A 16 kHz mono 16-bit WAV (or 44.1 kHz stereo when <paramref name="hiFiStereo"/>) of <paramref name="seconds"/>.</summary>
    public static byte[] Wav(int tone, double seconds, int seed, bool hiFiStereo = false)
    {
        int rate = hiFiStereo ? 44100 : 16000;
        var random = new Random(seed);
        var samples = new float[(int)(seconds * rate)];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = (double)i / rate;
            samples[i] = (float)((0.3 * Math.Sin(2 * Math.PI * (100 + (15 * tone)) * t) * (1 + (0.5 * Math.Sin(2 * Math.PI * 3 * t)))) + (0.02 * (random.NextDouble() - 0.5)));
        }

        if (!hiFiStereo)
        {
            return WavWriter.ToPcm16Bytes(samples, rate);
        }

        // 2 channels, 16 bits: the right channel at half level.
        var bytes = new byte[44 + (samples.Length * 4)];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), (uint)rate * 4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), (uint)(samples.Length * 4));
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * 4)), (short)(samples[i] * 32767));
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(46 + (i * 4)), (short)(samples[i] * 16383));
        }

        return bytes;
    }

    public static void Write(string root, string relative, byte[] bytes)
    {
        string full = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    public static void Write(string root, string relative, string text) => Write(root, relative, Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Berlin EmoDB: <c>wav/SSTTTEV.wav</c> for <paramref name="speakers"/> speakers × 7 emotions (plus the
    /// distribution's other folders); the first file is 44.1 kHz stereo.
    /// </summary>
    public static string EmoDb(string root, int speakers = 5, double seconds = 0.3)
    {
        string[] ids = ["03", "08", "09", "10", "11", "12", "13", "14", "15", "16"];
        Write(root, "lablaut/03a01Fa.lab", "not audio");
        Write(root, "erkennung.txt", "recognition rates");
        int n = 0;
        for (int s = 0; s < speakers; s++)
        {
            for (int e = 0; e < EmoDbLetters.Length; e++)
            {
                Write(root, $"wav/{ids[s]}a0{e + 1}{EmoDbLetters[e]}a.wav", Wav(e + s, seconds, n, hiFiStereo: n == 0));
                n++;
            }
        }

        return root;
    }

    /// <summary>RAVDESS: <c>Actor_AA/03-01-EE-01-01-01-AA.wav</c>, emotions 01–08 for each actor.</summary>
    public static string Ravdess(string root, int actors = 5)
    {
        for (int a = 1; a <= actors; a++)
        {
            for (int e = 1; e <= 8; e++)
            {
                Write(root, $"Actor_{a:00}/03-01-{e:00}-01-01-01-{a:00}.wav", Wav(e, 0.2, (a * 10) + e));
            }
        }

        return root;
    }

    /// <summary>ComParE 2018 (Self-Assessed Affect): <c>wav/{train,devel,test}_NNNN.wav</c> and <c>lab/labels.csv</c> (file_name,label; test '?').</summary>
    public static string Compare2018(string root)
    {
        var sb = new StringBuilder("file_name,label\n");
        string[] classes = ["L", "M", "H"];
        foreach (var (partition, count) in new[] { ("train", 6), ("devel", 3), ("test", 3) })
        {
            for (int i = 1; i <= count; i++)
            {
                string name = $"{partition}_{i:0000}.wav";
                Write(root, "wav/" + name, Wav(i, 0.2, i));
                sb.Append(name).Append(',').Append(partition == "test" ? "?" : classes[(i - 1) % 3]).Append('\n');
            }
        }

        Write(root, "lab/labels.csv", sb.ToString());
        return root;
    }

    /// <summary>
    /// RECOLA as in AVEC 2016: <c>recordings_audio/{train,dev,test}_N.wav</c>, <c>ratings_individual/{arousal,valence}/NAME.csv</c>
    /// with header <c>time;FM1;FM2;FM3;FF1;FF2;FF3</c> and one row per 40 ms (test recordings without ratings).
    /// </summary>
    public static string Recola(string root, double seconds = 2)
    {
        foreach (string name in new[] { "train_1", "train_2", "dev_1", "test_1" })
        {
            Write(root, $"recordings_audio/{name}.wav", Wav(name.Length, seconds, name.GetHashCode(StringComparison.Ordinal) & 0xff));
            if (name.StartsWith("test", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (string dimension in new[] { "arousal", "valence" })
            {
                var sb = new StringBuilder("time;FM1;FM2;FM3;FF1;FF2;FF3\n");
                for (int i = 0; i <= (int)(seconds * 25); i++)
                {
                    sb.Append((i * 0.04).ToString("0.00", CultureInfo.InvariantCulture));
                    for (int r = 0; r < 6; r++)
                    {
                        sb.Append(';').Append((0.1 * Math.Sin((i * 0.1) + r) * (dimension == "arousal" ? 1 : -1)).ToString("0.0000", CultureInfo.InvariantCulture));
                    }

                    sb.Append('\n');
                }

                Write(root, $"ratings_individual/{dimension}/{name}.csv", sb.ToString());
            }
        }

        return root;
    }

    /// <summary>SEMAINE Solid SAL: <c>Sessions/N/</c> with the user's and operator's WAVs and FeelTrace files <c>R{r}S{N}TUCPo{A|V}.txt</c>.</summary>
    public static string Semaine(string root, int sessions = 3, double seconds = 1.5)
    {
        for (int s = 1; s <= sessions; s++)
        {
            string folder = $"Sessions/{s}";
            Write(root, $"{folder}/session.xml", $"<session sessionId=\"{s}\"/>");
            Write(root, $"{folder}/2009.01.0{s}.10.00.00_User HeadMounted_Poppy.wav", Wav(s, seconds, s));
            Write(root, $"{folder}/2009.01.0{s}.10.00.00_Operator HeadMounted_Poppy.wav", Wav(s + 3, seconds, s + 10));
            for (int r = 1; r <= 2; r++)
            {
                foreach (char d in "AV")
                {
                    // FeelTrace samples at irregular instants around 50 Hz
                    var sb = new StringBuilder();
                    for (double t = 0; t <= seconds + 0.05; t += 0.021)
                    {
                        sb.Append(t.ToString("0.000", CultureInfo.InvariantCulture)).Append(' ').Append((0.2 * Math.Cos(t + r)).ToString("0.0000", CultureInfo.InvariantCulture)).Append('\n');
                    }

                    Write(root, $"{folder}/R{r}S{s}TUCPo{d}.txt", sb.ToString());
                }
            }
        }

        // a session with audio only (not annotated): left out with a note
        Write(root, "Sessions/99/2009.02.01.10.00.00_User HeadMounted_Spike.wav", Wav(9, seconds, 99));
        return root;
    }

    /// <summary>CreativeIT: <c>audio/NAME.wav</c> and <c>annotations/NAME_{activation,valence}_{annotator}.txt</c> "time value" at 60 Hz.</summary>
    public static string CreativeIt(string root, double seconds = 1.5)
    {
        foreach (string name in new[] { "Ses01_Actor1", "Ses01_Actor2", "Ses02_Actor3" })
        {
            Write(root, $"audio/{name}.wav", Wav(name.Length, seconds, name[^1]));
            foreach (string dimension in new[] { "activation", "valence" })
            {
                foreach (string annotator in new[] { "A1", "A2", "A3" })
                {
                    var sb = new StringBuilder();
                    for (int i = 0; i <= (int)(seconds * 60); i++)
                    {
                        sb.Append((i / 60.0).ToString("R", CultureInfo.InvariantCulture)).Append('\t').Append((0.1 * i / 60.0).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                    }

                    Write(root, $"annotations/{name}_{dimension}_{annotator}.txt", sb.ToString());
                }
            }
        }

        return root;
    }
}
