using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Tests;

/// <summary>A small valid hand-written dimensional corpus held as mutable files, to break one thing at a time.</summary>
internal sealed class CorpusFixture
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public static string ManifestJson => """
        {
          "schemaVersion": 1,
          "name": "tiny",
          "kind": "dimensional",
          "sampleRate": 16000,
          "dimensions": ["arousal", "valence"],
          "files": [
            { "id": "a1", "audio": "audio/a1.wav", "speaker": "s1", "partition": "train",
              "labels": { "path": "labels/a1.csv", "rate": 25, "raters": { "arousal": ["A_r1", "A_r2"], "valence": ["V_r1"] } } },
            { "id": "a2", "audio": "audio/a2.wav", "speaker": "s2", "partition": "test",
              "labels": { "path": "labels/a2.csv", "rate": 25, "raters": { "arousal": ["A_r1", "A_r2"], "valence": ["V_r1"] } } }
          ]
        }
        """;

    public static string CategoricalJson => """
        {
          "schemaVersion": 1, "name": "cats", "kind": "categorical", "sampleRate": 16000, "classes": ["L", "M", "H"],
          "files": [
            { "id": "u1", "audio": "audio/u1.wav", "speaker": "s1", "partition": "train", "label": "L" },
            { "id": "u2", "audio": "audio/u2.wav", "speaker": "s1", "partition": "train", "label": "M" },
            { "id": "u3", "audio": "audio/u3.wav", "speaker": "s2", "partition": "train", "label": "H" },
            { "id": "u4", "audio": "audio/u4.wav", "speaker": "s3", "partition": "test", "label": null }
          ]
        }
        """;

    public CorpusFixture()
    {
        Files["manifest.json"] = Encoding.UTF8.GetBytes(ManifestJson);
        foreach (string id in new[] { "a1", "a2" })
        {
            Files[$"audio/{id}.wav"] = Wav(2.0);
            Files[$"labels/{id}.csv"] = Encoding.UTF8.GetBytes(Csv(50, 25));
        }
    }

    public static byte[] Wav(double seconds)
    {
        var samples = new float[(int)(seconds * 16000)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * i / 16000));
        }

        return WavWriter.ToPcm16Bytes(samples, 16000);
    }

    public static string Csv(int rows, double rate)
    {
        var sb = new StringBuilder("time,A_r1,A_r2,V_r1\n");
        for (int r = 0; r < rows; r++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r / rate},{0.01 * r},{-0.01 * r},0.5\n");
        }

        return sb.ToString();
    }

    public void SetText(string path, string text) => Files[path] = Encoding.UTF8.GetBytes(text);

    public void Edit(string path, Func<string, string> edit) => SetText(path, edit(Encoding.UTF8.GetString(Files[path])));

    public IReadOnlyList<CorpusProblem> Validate()
    {
        var source = new InMemoryCorpusSource(Files.Select(kv => new CorpusFile(kv.Key, kv.Value)));
        var (manifest, problems) = ManifestJsonReader.Read(Encoding.UTF8.GetString(Files["manifest.json"]), "manifest.json");
        Assert.Empty(problems);
        return CorpusValidator.Validate(manifest!, source);
    }

    public IReadOnlyList<CorpusProblem> ValidateOnDisk()
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-corpora-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var (path, bytes) in Files)
            {
                string full = Path.Combine(dir, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllBytes(full, bytes);
            }

            return CorpusValidator.ValidateFolder(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
