using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Learning;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Cli.Tests.Reliability;

/// <summary>
/// The seeded fuzz suite of issue 19, in process against the library entry points: mutated WAVs (headers that lie,
/// truncation at every header boundary, flipped bytes, extreme fields), manifests (surrogate escapes, control
/// characters, huge numbers, truncation), label files and feature tables (huge numbers, ragged rows, header-only),
/// and corrupted pipeline artifacts. Every case must end in success or in the entry point's typed error, within a
/// memory bound and a hang guard; every injected artifact corruption must be detected. It writes docs/reliability.md.
/// </summary>
public sealed class FuzzSuiteTests
{
    private const ulong Seed = 20180902; // Interspeech 2018
    private const long MaxCaseAllocation = 256L << 20; // bytes allocated by one case
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    [Fact]
    public void Every_mutated_input_ends_in_a_typed_error_and_every_corrupt_artifact_is_detected()
    {
        var rng = new Random(unchecked((int)Seed));
        var families = new List<Family>
        {
            Wavs(rng, 10_000),
            Manifests(rng, 1_000),
            LabelFiles(rng, 1_000),
            FeatureTables(rng, 1_000),
            Artifacts(rng, 300),
        };

        WriteReport(families);
        var failures = families.SelectMany(f => f.Failures.Select(x => $"{f.Name}: {x}")).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.Equal(0, families.Sum(f => f.Undetected));
    }

    // ---- WAV ----------------------------------------------------------------------------------------------------

    private static Family Wavs(Random rng, int cases)
    {
        var family = new Family("WAV files", "AudioLoader.LoadMono (decode, downmix, resample to 16 kHz)", "WavFormatException");
        var bases = new[] { Pcm(rng, 1, 16000, 16, 1600), Pcm(rng, 2, 44100, 16, 2000), Pcm(rng, 1, 8000, 8, 900), Pcm(rng, 3, 22050, 24, 700), Float32(rng, 2, 48000, 1200) };
        int[] boundaries = [0, 4, 8, 12, 16, 20, 22, 24, 28, 32, 34, 36, 40, 44];
        for (int c = 0; c < cases; c++)
        {
            byte[] wav = (byte[])bases[c % bases.Length].Clone();
            string mutation = MutateWav(rng, ref wav, boundaries, c);
            family.Run(mutation, () =>
            {
                using var ms = new MemoryStream(wav, writable: false);
                var clip = AudioLoader.LoadMono(ms, $"case{c}.wav");
                return clip.Samples.All(float.IsFinite) && clip.SampleRate == 16000 ? null : "non-finite samples or wrong rate";
            }, e => e is WavFormatException);
        }

        return family;
    }

    private static string MutateWav(Random rng, ref byte[] wav, int[] boundaries, int c)
    {
        switch (c % 8)
        {
            case 0:
                // Truncation at every header boundary, then at random points.
                int cut = c / 8 < boundaries.Length ? boundaries[c / 8] : rng.Next(wav.Length);
                wav = wav[..Math.Min(cut, wav.Length)];
                return "truncated";
            case 1:
            case 2:
                // A header field that lies: size, format, channels, rate, byte rate, block align, bits, data size.
                int[] fields = [4, 16, 20, 22, 24, 28, 32, 34, 40];
                int at = fields[rng.Next(fields.Length)];
                uint[] extremes = [0, 1, 2, 3, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, (uint)rng.Next(), 767_999, 44_101, 768_001, 999];
                uint v = extremes[rng.Next(extremes.Length)];
                if (at is 20 or 22 or 32 or 34)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(at), (ushort)v);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(at), v);
                }

                return "lying header field";
            case 3:
                for (int k = rng.Next(1, 9); k > 0; k--)
                {
                    wav[rng.Next(Math.Min(wav.Length, 64))] ^= (byte)(1 << rng.Next(8));
                }

                return "flipped header bits";
            case 4:
                for (int k = rng.Next(1, 64); k > 0; k--)
                {
                    wav[rng.Next(wav.Length)] = (byte)rng.Next(256);
                }

                return "random bytes";
            case 5:
                // A junk chunk (odd size, huge size or zero) before the data chunk.
                uint size = new uint[] { 0, 1, 7, 0xFFFFFFF0, (uint)rng.Next(1, 5000) }[rng.Next(5)];
                var junk = new byte[8 + (int)Math.Min(size + (size & 1), 64)];
                "JUNK"u8.CopyTo(junk);
                BinaryPrimitives.WriteUInt32LittleEndian(junk.AsSpan(4), size);
                wav = [.. wav[..36], .. junk, .. wav[36..]];
                return "inserted chunk";
            case 6:
                wav = [.. wav, .. Enumerable.Range(0, rng.Next(1, 300)).Select(_ => (byte)rng.Next(256))];
                return "trailing garbage";
            default:
                wav = wav[..rng.Next(wav.Length)];
                wav[rng.Next(Math.Max(wav.Length, 1)) % Math.Max(wav.Length, 1)] ^= wav.Length > 0 ? (byte)0x40 : (byte)0;
                return "truncated and flipped";
        }
    }

    private static byte[] Pcm(Random rng, int channels, int rate, int bits, int frames)
    {
        int bytesPer = bits / 8;
        var data = new byte[frames * channels * bytesPer];
        rng.NextBytes(data);
        return Riff(1, channels, rate, bits, data);
    }

    private static byte[] Float32(Random rng, int channels, int rate, int frames)
    {
        var data = new byte[frames * channels * 4];
        for (int i = 0; i < frames * channels; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), (float)((rng.NextDouble() * 2) - 1));
        }

        return Riff(3, channels, rate, 32, data);
    }

    private static byte[] Riff(ushort format, int channels, int rate, int bits, byte[] data)
    {
        var h = new byte[44];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), (uint)(36 + data.Length));
        "WAVEfmt "u8.CopyTo(h.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(20), format);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(28), (uint)(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(32), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(34), (ushort)bits);
        "data"u8.CopyTo(h.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), (uint)data.Length);
        return [.. h, .. data];
    }

    // ---- manifests and label files ------------------------------------------------------------------------------

    private static Family Manifests(Random rng, int cases)
    {
        var family = new Family("manifests", "CorpusManifest.Parse (JSON reader and every manifest rule)", "CorpusFormatException");
        var (dimensional, categorical, _) = SyntheticInputs.Value;
        for (int c = 0; c < cases; c++)
        {
            string text = MutateText(rng, c % 2 == 0 ? dimensional : categorical, JsonHostile);
            family.Run("mutated JSON", () =>
            {
                CorpusManifest.Parse(text, "manifest.json");
                return null;
            }, e => e is CorpusFormatException f && f.Problems.All(p => OneLine(p.ToString())));
        }

        return family;
    }

    private static Family LabelFiles(Random rng, int cases)
    {
        var family = new Family("label files", "LabelTable.Parse (continuous label CSV)", "CorpusFormatException");
        string labels = SyntheticInputs.Value.Labels;
        for (int c = 0; c < cases; c++)
        {
            string text = MutateText(rng, labels, CsvHostile);
            family.Run("mutated CSV", () =>
            {
                using var ms = new MemoryStream(Encoding.UTF8.GetBytes(text));
                var table = LabelTable.Parse(ms, "labels.csv");
                return table.Columns.All(col => table.Column(col).ToArray().All(double.IsFinite)) ? null : "non-finite label accepted";
            }, e => e is CorpusFormatException f && f.Problems.All(p => OneLine(p.ToString())));
        }

        return family;
    }

    // ---- feature tables -----------------------------------------------------------------------------------------

    private static Family FeatureTables(Random rng, int cases)
    {
        var family = new Family("feature tables", "FeatureTable.ReadCsv/ReadArff, then UtteranceClassifier.Run (kelm, kpls, svm)", "InvalidDataException");
        var sb = new StringBuilder("name,f1,f2,f3,class\n");
        for (int i = 0; i < 12; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"u{i},{(i % 3) + (rng.NextDouble() / 2):R},{rng.NextDouble():R},{i * 0.1:R},c{i % 3}\n");
        }

        string csv = sb.ToString();
        string arff = "@relation t\n@attribute name string\n@attribute f1 numeric\n@attribute f2 numeric\n@attribute f3 numeric\n@attribute class {c0,c1,c2}\n@data\n" +
            string.Concat(csv.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l + "\n"));
        LearnerKind[] learners = [LearnerKind.Kelm, LearnerKind.Kpls, LearnerKind.Svm];
        var clean = FeatureTable.ReadCsv(new StringReader(csv), "train.csv");
        for (int c = 0; c < cases; c++)
        {
            bool isArff = c % 4 == 3;
            string text = MutateText(rng, isArff ? arff : csv, CsvHostile);
            var learner = learners[c % learners.Length];
            family.Run(isArff ? "mutated ARFF" : "mutated CSV", () =>
            {
                var table = isArff ? FeatureTable.ReadArff(new StringReader(text), "test.arff") : FeatureTable.ReadCsv(new StringReader(text), "test.csv");
                if (table.FeatureNames.Count != clean.FeatureNames.Count)
                {
                    return null; // the CLI refuses differing columns before learning (LearnCommand.SameColumns)
                }

                // As train (its labels and numbers) and as test against the clean table.
                foreach (var (train, test) in new[] { (table, clean), (clean, table) })
                {
                    var outcome = UtteranceClassifier.Run(train, null, test, new LearnerOptions(learner, Factors: 2), ManagedKernelAlgebra.Instance);
                    if (!outcome.Test.Scores.Data.All(double.IsFinite))
                    {
                        return "non-finite score";
                    }
                }

                return null;
            }, e => e is InvalidDataException && OneLine(e.Message));
        }

        return family;
    }

    // ---- artifacts ----------------------------------------------------------------------------------------------

    private static Family Artifacts(Random rng, int faults)
    {
        var family = new Family("pipeline artifacts", "MemoizedArtifacts.GetOrCreateAsync after a corruption of a committed artifact", "(recomputed)");
        string root = Path.Combine(Path.GetTempPath(), "affect-fuzz-artifacts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new FolderBlobStore(root);
            for (int c = 0; c < faults; c++)
            {
                var log = new ActivityLog();
                var memo = new MemoizedArtifacts(store, log);
                var main = new byte[rng.Next(2, 3000)];
                var side = new byte[rng.Next(1, 3000)];
                rng.NextBytes(main);
                rng.NextBytes(side);
                string key = $"k{c}";
                Task<ArtifactFiles> Compute(CancellationToken _) => Task.FromResult(new ArtifactFiles(main, new Dictionary<string, byte[]> { ["side.bin"] = side }));
                memo.GetOrCreateAsync("fuzz", key, "main.bin", Compute).GetAwaiter().GetResult();
                string file = Path.Combine(root, Containers.Artifacts, "fuzz", key, new[] { "main.bin", "side.bin", ArtifactIntegrity.FileName }[rng.Next(3)]);
                byte[] good = File.ReadAllBytes(file);
                string fault = Corrupt(rng, file, good);
                family.Faults++;
                var again = memo.GetOrCreateAsync("fuzz", key, "main.bin", Compute).GetAwaiter().GetResult();
                family.Cases++;
                if (again.Reused || log.Corrupt.Count != 1 || !log.Corrupt[0].Problem.StartsWith("artifacts/fuzz/" + key + "/", StringComparison.Ordinal))
                {
                    family.Undetected++;
                    family.Failures.Add($"{fault} of {Path.GetFileName(file)} not detected");
                }
                else if (!File.ReadAllBytes(file).AsSpan().SequenceEqual(good))
                {
                    family.Failures.Add($"{fault} of {Path.GetFileName(file)} detected but not repaired");
                }
                else
                {
                    family.Refused++;
                }
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }

        return family;
    }

    private static string Corrupt(Random rng, string file, byte[] good)
    {
        switch (rng.Next(5))
        {
            case 0:
                File.WriteAllBytes(file, good[..rng.Next(good.Length)]);
                return "truncation";
            case 1:
                var flipped = (byte[])good.Clone();
                flipped[rng.Next(flipped.Length)] ^= (byte)(1 << rng.Next(8));
                File.WriteAllBytes(file, flipped);
                return "bit flip";
            case 2:
                File.WriteAllBytes(file, [.. good, (byte)rng.Next(256)]);
                return "appended byte";
            case 3:
                File.Delete(file);
                return "deletion";
            default:
                var zeroed = (byte[])good.Clone();
                int from = rng.Next(zeroed.Length);
                Array.Clear(zeroed, from, Math.Min(zeroed.Length - from, rng.Next(1, 512)));
                if (zeroed.AsSpan().SequenceEqual(good))
                {
                    zeroed[from] ^= 0xFF;
                }

                File.WriteAllBytes(file, zeroed);
                return "zeroed block";
        }
    }

    // ---- shared -------------------------------------------------------------------------------------------------

    private static readonly string[] JsonHostile =
    [
        "\\ud800", "\\udfff", "\\u0000", "\\u001b[31m", "\\n", "\n", "\u001b", "1e309", "-1e400", "1e308", "-0", "NaN", "Infinity",
        "\"\"", "null", "[]", "{}", "\"a\\ud800b\"", "99999999999999999999", "\"../../etc/passwd\"", "\"/etc/passwd\"", "\"x\\n\"",
        "\u2028", "\uFEFF", ",", "}", "]", "\"", ":",
    ];

    private static readonly string[] CsvHostile =
    [
        "1e309", "-1e400", "1.7e308", "1e308", "NaN", "Infinity", "-Infinity", "", ",", ";", "\n", "\r\n", "\u001b", "\u0000", "\"",
        "?", "0x10", "1,5", "\uFEFF", "\ud800", "99999999999999999999999", "@data", "@attribute x numeric", "class", "name",
    ];

    // One of: cut at a random point, delete a span, insert a hostile token, replace a token, duplicate a line.
    private static string MutateText(Random rng, string text, string[] hostile)
    {
        int rounds = rng.Next(1, 4);
        for (int r = 0; r < rounds && text.Length > 0; r++)
        {
            int at = rng.Next(text.Length);
            switch (rng.Next(6))
            {
                case 0:
                    text = text[..at];
                    break;
                case 1:
                    text = text.Remove(at, Math.Min(rng.Next(1, 40), text.Length - at));
                    break;
                case 2:
                case 3:
                    text = text.Insert(at, hostile[rng.Next(hostile.Length)]);
                    break;
                case 4:
                    int end = text.IndexOfAny([',', '\n', ':', '"'], at);
                    text = text[..at] + hostile[rng.Next(hostile.Length)] + (end < 0 ? string.Empty : text[end..]);
                    break;
                default:
                    var lines = text.Split('\n').ToList();
                    int i = rng.Next(lines.Count);
                    lines.Insert(i, lines[i]);
                    text = string.Join('\n', lines);
                    break;
            }
        }

        return text;
    }

    private static bool OneLine(string message) => !message.Any(ch => char.IsControl(ch) || ch is '\u2028' or '\u2029' or '\u0085');

    private static readonly Lazy<(string Dimensional, string Categorical, string Labels)> SyntheticInputs = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "affect-fuzz-corpora-" + Guid.NewGuid().ToString("N"));
        try
        {
            var recola = SyntheticCorpusGenerator.WriteTo(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Recola, 3), Path.Combine(dir, "recola"));
            SyntheticCorpusGenerator.WriteTo(SyntheticCorpusSpec.Default(SyntheticCorpusKind.Usoms, 3), Path.Combine(dir, "usoms"));
            string labels = File.ReadAllText(Path.Combine(dir, "recola", recola.Files.First(f => f.Labels is not null).Labels!.Path));
            return (File.ReadAllText(Path.Combine(dir, "recola", "manifest.json")), File.ReadAllText(Path.Combine(dir, "usoms", "manifest.json")), labels);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    });

    private static void WriteReport(List<Family> families)
    {
        var sb = new StringBuilder();
        sb.Append("## Fuzz\n\n");
        sb.Append("Generated by `tests/Affect.Cli.Tests/Reliability/FuzzSuiteTests.cs` (seed ").Append(Seed.ToString(CultureInfo.InvariantCulture))
          .Append("), part of the test command: every case runs in process against the library entry point and must end in success or the typed error named below, ")
          .Append("allocate at most ").Append((MaxCaseAllocation >> 20).ToString(CultureInfo.InvariantCulture)).Append(" MiB and finish within the ")
          .Append(HangGuard.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append(" s hang guard; every corrupted artifact must be detected, reported by file and recomputed. ")
          .Append("The same seed gives the same cases and the same table.\n\n");
        sb.Append("| family | entry point | cases | accepted | refused (typed error) | typed error | faults injected | failures | corrupted artifacts undetected |\n");
        sb.Append("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
        foreach (var f in families)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {f.Name} | {f.EntryPoint} | {f.Cases} | {f.Accepted} | {f.Refused} | {f.TypedError} | {f.Faults} | {f.Failures.Count} | {f.Undetected} |\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nTotal: {families.Sum(f => f.Cases)} cases, {families.Sum(f => f.Failures.Count)} failures, {families.Sum(f => f.Faults)} faults injected, {families.Sum(f => f.Undetected)} corrupted artifacts undetected.\n");
        sb.Append("\nProcess-level checks live beside it: disk full (`DiskFullTests`, a real `ulimit -f`), concurrent writers (`AtomicWriteTests`), kill and resume (`DemoTests`), ")
          .Append("corrupted results.json/metrics.json after a demo (`DemoTests`), concurrent runners on one store (`MemoizedArtifactsTests`), and the chaos suite below (`ChaosSuiteTests`: serve, worker and Azurite killed during a run).\n");
        ReliabilityDoc.WriteSection("fuzz", sb.ToString());
    }

    private sealed class Family(string name, string entryPoint, string typedError)
    {
        public string Name => name;

        public string EntryPoint => entryPoint;

        public string TypedError => typedError;

        public int Cases { get; set; }

        public int Accepted { get; set; }

        public int Refused { get; set; }

        public int Faults { get; set; }

        public int Undetected { get; set; }

        public List<string> Failures { get; } = [];

        // Runs one case: check returns null when an accepted input is sound; typed says whether an exception is allowed.
        public void Run(string mutation, Func<string?> check, Func<Exception, bool> typed)
        {
            Cases++;
            Faults++;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                string? problem = check();
                if (problem is null)
                {
                    Accepted++;
                }
                else
                {
                    Failures.Add($"case {Cases} ({mutation}): {problem}");
                }
            }
            catch (Exception e) when (typed(e))
            {
                Refused++;
            }
            catch (Exception e)
            {
                Failures.Add($"case {Cases} ({mutation}): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > MaxCaseAllocation)
            {
                Failures.Add($"case {Cases} ({mutation}): allocated {allocated >> 20} MiB");
            }

            if (clock.Elapsed > HangGuard)
            {
                Failures.Add($"case {Cases} ({mutation}): ran {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
    }
}
