using System.Globalization;
using System.Text;
using Affect.Learning;
using Affect.Learning.Discretization;
using Affect.Learning.Fusion;

namespace Affect.Cli.Tests;

/// <summary><c>affect discretize</c> and <c>affect fuse</c> run as real processes on small seeded CSV files.</summary>
public sealed class DiscretizeAndFuseCommandTests : IDisposable
{
    private static readonly string[] Classes = ["L", "M", "H"];
    private readonly string dir = CliProcess.TempDir();
    private readonly Corpus corpus = Corpus.Make(7, 90);

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task Discretize_writes_the_classes_of_the_thresholds_fitted_on_train_and_prints_them()
    {
        string scores = Write("val.csv", "name,mean_valence\n" + Lines(corpus.Valence));
        string labels = Write("labels.csv", corpus.LabelsCsv());
        string output = Path.Combine(dir, "out", "c.csv");
        var r = await CliProcess.RunAsync("discretize", "--scores", scores, "--labels", labels, "--fit-on", "train", "--classes", "L,M,H", "--out", output);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));

        var train = corpus.Rows("train");
        var rule = ThresholdSearch.Fit([.. train.Select(i => corpus.Valence[i])], [.. train.Select(i => corpus.Truth[i])], 3);
        var expected = new StringBuilder("name,class\n");
        for (int i = 0; i < corpus.Names.Length; i++)
        {
            expected.Append(corpus.Names[i]).Append(',').Append(Classes[rule.Classify(corpus.Valence[i])]).Append('\n');
        }

        Assert.Equal(expected.ToString(), File.ReadAllText(output));
        Assert.Contains($"thresholds {rule.Thresholds[0].ToString("R", CultureInfo.InvariantCulture)}, {rule.Thresholds[1].ToString("R", CultureInfo.InvariantCulture)}", r.Stdout, StringComparison.Ordinal);
        var devel = corpus.Rows("devel");
        double develUar = Metrics.Uar([.. devel.Select(i => corpus.Truth[i])], [.. devel.Select(i => rule.Classify(corpus.Valence[i]))], 3);
        Assert.Contains($"devel: UAR {develUar.ToString("P2", CultureInfo.InvariantCulture)}", r.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public async Task Discretize_blends_arousal_and_valence_and_takes_the_class_order_from_a_manifest()
    {
        string arousal = Write("aro.csv", "name,mean_arousal\n" + Lines(corpus.Arousal));
        string valence = Write("val.csv", "name,mean_valence\n" + Lines(corpus.Valence));
        string labels = Write("labels.csv", corpus.LabelsCsv());
        string manifest = Write("manifest.json", """
            {
              "schemaVersion": 1, "name": "usoms", "kind": "categorical", "sampleRate": 16000, "dimensions": ["valence"], "classes": ["L", "M", "H"],
              "files": [
                { "id": "a", "audio": "audio/a.wav", "speaker": "s1", "partition": "train", "label": "H" },
                { "id": "b", "audio": "audio/b.wav", "speaker": "s1", "partition": "train", "label": "L" },
                { "id": "c", "audio": "audio/c.wav", "speaker": "s2", "partition": "train", "label": "M" },
                { "id": "d", "audio": "audio/d.wav", "speaker": "s3", "partition": "devel", "label": "M" }
              ]
            }
            """);
        string output = Path.Combine(dir, "cb.csv");
        var r = await CliProcess.RunAsync("discretize", "--arousal", arousal, "--valence", valence, "--labels", labels, "--fit-on", "train+devel", "--manifest", manifest, "--out", output);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        var fit = corpus.Rows("train").Concat(corpus.Rows("devel")).ToArray();
        var blend = ThresholdSearch.FitBlend([.. fit.Select(i => corpus.Arousal[i])], [.. fit.Select(i => corpus.Valence[i])], [.. fit.Select(i => corpus.Truth[i])], 3);
        Assert.Contains($"on {blend.ArousalWeight.ToString("0.00", CultureInfo.InvariantCulture)}·arousal", r.Stdout, StringComparison.Ordinal);
        var lines = File.ReadAllLines(output);
        Assert.Equal(corpus.Names.Length + 1, lines.Length);
        Assert.All(Enumerable.Range(0, corpus.Names.Length), i => Assert.Equal($"{corpus.Names[i]},{Classes[blend.Classify(corpus.Arousal[i], corpus.Valence[i])]}", lines[i + 1]));
    }

    [Fact]
    public async Task Fuse_wf_output_is_byte_identical_for_one_three_and_seven_chunks_and_matches_the_library()
    {
        string labels = Write("labels.csv", corpus.LabelsCsv());
        var systems = Enumerable.Range(0, 3).Select(s => Write($"sys{s}.csv", corpus.ScoreCsv(s))).ToList();
        string classFile = Write("c.csv", "name,class\n" + string.Concat(corpus.Names.Select((n, i) => $"{n},{Classes[(corpus.Truth[i] + (i % 3 == 0 ? 1 : 0)) % 3]}\n")));
        byte[]? first = null;
        string? firstStdout = null;
        foreach (string chunks in new[] { "1", "3", "7" })
        {
            string output = Path.Combine(dir, $"f{chunks}.csv");
            var r = await CliProcess.RunAsync("fuse", "--systems", systems[0], systems[1], systems[2], classFile, "--labels", labels, "--method", "wf", "--pool", "3000", "--seed", "5", "--chunks", chunks, "--classes", "L,M,H", "--out", output);
            Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
            var bytes = File.ReadAllBytes(output);
            string stdout = r.Stdout.Replace(output, "OUT", StringComparison.Ordinal);
            first ??= bytes;
            firstStdout ??= stdout;
            Assert.Equal(first, bytes);
            Assert.Equal(firstStdout, stdout);
        }

        // The same fit through the library: devel-normalised systems, WF search, fused scores.
        var mats = Enumerable.Range(0, 3).Select(corpus.Scores).Append(CodeMatrix.OneVsAll([.. corpus.Names.Select((_, i) => (corpus.Truth[i] + (i % 3 == 0 ? 1 : 0)) % 3)], 3)).ToList();
        var devel = corpus.Rows("devel");
        var norm = mats.Select(m => ScoreNormalizer.Fit(m.SelectRows(devel)).Apply(m)).ToList();
        var w = WeightedFusion.Search([.. norm.Select(m => m.SelectRows(devel))], [.. devel.Select(i => corpus.Truth[i])], 5, 3000);
        var fused = WeightedFusion.Fuse(norm, w);
        var pred = TargetCoding.ArgMax(fused);
        var lines = Encoding.UTF8.GetString(first!).Split('\n');
        Assert.Equal("name,L,M,H,predicted", lines[0]);
        for (int i = 0; i < corpus.Names.Length; i++)
        {
            string expected = corpus.Names[i] + "," + string.Join(',', fused.Row(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + Classes[pred[i]];
            Assert.Equal(expected, lines[i + 1]);
        }

        Assert.Contains($"candidate {w.Index}", firstStdout!, StringComparison.Ordinal);
        Assert.Contains($"devel: UAR {w.DevelUar.ToString("P2", CultureInfo.InvariantCulture)}", firstStdout!, StringComparison.Ordinal);
        Assert.Contains("test: UAR", firstStdout!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fuse_sf_maps_score_columns_by_class_name_and_prints_gamma()
    {
        string labels = Write("labels.csv", corpus.LabelsCsv());
        string a = Write("a.csv", corpus.ScoreCsv(0));
        string b = Write("b.csv", corpus.ScoreCsv(1));
        string output = Path.Combine(dir, "f.csv");
        var r = await CliProcess.RunAsync("fuse", "--systems", a, "--systems", b, "--labels", labels, "--method", "sf", "--out", output);
        Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        var devel = corpus.Rows("devel");
        var norm = new[] { 0, 1 }.Select(s => ScoreNormalizer.Fit(corpus.Scores(s).SelectRows(devel)).Apply(corpus.Scores(s))).ToList();
        var fit = SimpleFusion.Fit(norm[0].SelectRows(devel), norm[1].SelectRows(devel), [.. devel.Select(i => corpus.Truth[i])]);
        Assert.Contains($"sf γ = {fit.Gamma.ToString("0.00", CultureInfo.InvariantCulture)}", r.Stdout, StringComparison.Ordinal);
        // class order defaults to the first score file's columns (H, L, M as affect learn writes them)
        Assert.StartsWith("name,H,L,M,predicted\n", File.ReadAllText(output), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // case, expected "FILE: FIELD" prefix, expected fragment
        { "score name missing from labels", "val.csv: name:", "missing from" },
        { "duplicate score name", "val.csv: name:", "already appears" },
        { "duplicate label name", "labels.csv: name:", "already appears" },
        { "NaN score", "val.csv: mean_valence:", "not a finite number" },
        { "malformed score", "val.csv: mean_valence:", "'0.3x' is not a finite number" },
        { "class outside --classes", "labels.csv: class:", "'X' is not one of the classes" },
        { "fit partition without rows", "labels.csv: partition:", "no labelled 'devel' rows" },
        { "one class in fit rows", "labels.csv: class:", "only one class" },
        { "bad partition", "labels.csv: partition:", "'dev' is not one of" },
        { "fuse system missing a name", "b.csv: name:", "is missing" },
        { "fuse extra name", "b.csv: name:", "is missing from" },
        { "fuse unknown class column", "b.csv: header:", "column 'Q'" },
        { "fuse missing class column", "b.csv: header:", "no column for class 'H'" },
        { "fuse class file value", "c.csv: class:", "'Z' is not one of the classes" },
        { "fuse NaN", "b.csv: M:", "not a finite number" },
        { "fuse no devel rows", "labels.csv: partition:", "no labelled 'devel' rows" },
        { "fuse duplicate name", "b.csv: name:", "already appears" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gives_one_line_naming_file_and_field_exit_1_and_writes_nothing(string kind, string prefix, string fragment)
    {
        string val = "name,mean_valence\n" + Lines(corpus.Valence);
        string labels = corpus.LabelsCsv();
        string a = corpus.ScoreCsv(0), b = corpus.ScoreCsv(1);
        string classes = "name,class\n" + string.Concat(corpus.Names.Select((n, i) => $"{n},{Classes[corpus.Truth[i]]}\n"));
        string fitOn = "train";
        switch (kind)
        {
            case "score name missing from labels": val += "ghost,0.5\n"; break;
            case "duplicate score name": val += $"{corpus.Names[3]},0.5\n"; break;
            case "duplicate label name": labels += $"{corpus.Names[3]},train,L\n"; break;
            case "NaN score": val = ReplaceValue(val, corpus.Names[5], "NaN"); break;
            case "malformed score": val = ReplaceValue(val, corpus.Names[5], "0.3x"); break;
            case "class outside --classes": labels = labels.Replace($"{corpus.Names[3]},train,{Classes[corpus.Truth[3]]}", $"{corpus.Names[3]},train,X", StringComparison.Ordinal); break;
            case "fit partition without rows": labels = labels.Replace(",devel,", ",test,", StringComparison.Ordinal); fitOn = "devel"; break;
            case "one class in fit rows": labels = string.Join('\n', labels.Split('\n').Select(l => l.Contains(",train,", StringComparison.Ordinal) ? l[..(l.LastIndexOf(',') + 1)] + "M" : l)); break;
            case "bad partition": labels = labels.Replace(",devel,", ",dev,", StringComparison.Ordinal); break;
            case "fuse system missing a name": b = string.Join('\n', b.Split('\n').Where(l => !l.StartsWith(corpus.Names[7] + ",", StringComparison.Ordinal))); break;
            case "fuse extra name": b += "ghost,1,2,3,L\n"; break;
            case "fuse unknown class column": b = b.Replace("name,H,L,M", "name,Q,L,M", StringComparison.Ordinal); break;
            case "fuse missing class column": b = string.Join('\n', b.Split('\n').Where(l => l.Length > 0).Select(l => string.Join(',', l.Split(',').Where((_, k) => k != 1)))) + "\n"; break;
            case "fuse class file value": classes = classes.Replace($"{corpus.Names[2]},{Classes[corpus.Truth[2]]}", $"{corpus.Names[2]},Z", StringComparison.Ordinal); break;
            case "fuse NaN": b = string.Join('\n', b.Split('\n').Select(l => l.StartsWith(corpus.Names[6] + ",", StringComparison.Ordinal) ? string.Join(',', l.Split(',').Select((c, k) => k == 3 ? "NaN" : c)) : l)); break;
            case "fuse no devel rows": labels = labels.Replace(",devel,", ",train,", StringComparison.Ordinal); break;
            case "fuse duplicate name": b += $"{corpus.Names[1]},1,2,3,L\n"; break;
            default: throw new ArgumentException(kind);
        }

        string output = Path.Combine(dir, "out.csv");
        (int ExitCode, string Stdout, string Stderr) r;
        if (kind.StartsWith("fuse", StringComparison.Ordinal) || kind == "bad partition")
        {
            r = await CliProcess.RunAsync("fuse", "--systems", Write("a.csv", a), Write("b.csv", b), Write("c.csv", classes), "--labels", Write("labels.csv", labels), "--method", "wf", "--pool", "50", "--classes", "L,M,H", "--out", output);
        }
        else
        {
            r = await CliProcess.RunAsync("discretize", "--scores", Write("val.csv", val), "--labels", Write("labels.csv", labels), "--fit-on", fitOn, "--classes", "L,M,H", "--out", output);
        }

        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
        string line = r.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("affect: error: " + Path.Combine(dir, prefix.Split(':')[0]) + ":" + prefix[(prefix.IndexOf(':', StringComparison.Ordinal) + 1)..], line, StringComparison.Ordinal);
        Assert.Contains(fragment, line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        string scores = Write("val.csv", "name,v\n" + Lines(corpus.Valence));
        string labels = Write("labels.csv", corpus.LabelsCsv());
        var noClasses = await CliProcess.RunAsync("discretize", "--scores", scores, "--labels", labels, "--fit-on", "train", "--out", Path.Combine(dir, "o.csv"));
        Assert.Equal(2, noClasses.ExitCode);
        Assert.Contains("class order is required", noClasses.Stderr, StringComparison.Ordinal);
        var sfThree = await CliProcess.RunAsync("fuse", "--systems", scores, scores, scores, "--labels", labels, "--method", "sf", "--out", Path.Combine(dir, "o.csv"));
        Assert.Equal(2, sfThree.ExitCode);
        var badFit = await CliProcess.RunAsync("discretize", "--scores", scores, "--labels", labels, "--fit-on", "test", "--classes", "L,M,H", "--out", Path.Combine(dir, "o.csv"));
        Assert.Equal(2, badFit.ExitCode);
    }

    private static string ReplaceValue(string csv, string name, string value)
        => string.Join('\n', csv.Split('\n').Select(l => l.StartsWith(name + ",", StringComparison.Ordinal) ? $"{name},{value}" : l));

    private string Lines(double[] values) => string.Concat(corpus.Names.Select((n, i) => $"{n},{values[i].ToString("R", CultureInfo.InvariantCulture)}\n"));

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Seeded utterances: partition, class (L/M/H), arousal/valence means and three noisy score systems.</summary>
    private sealed record Corpus(string[] Names, string[] Partitions, int[] Truth, double[] Arousal, double[] Valence, RealMatrix[] Systems)
    {
        public static Corpus Make(ulong seed, int n)
        {
            var rng = new SplitMix64(seed);
            double Noise() => ((rng.Next() >> 11) / (double)(1UL << 53)) - 0.5;
            var names = Enumerable.Range(0, n).Select(i => $"utt{i:000}").ToArray();
            var parts = Enumerable.Range(0, n).Select(i => new[] { "train", "devel", "test" }[i % 3]).ToArray();
            var truth = Enumerable.Range(0, n).Select(i => i < 9 ? i % 3 : rng.NextBelow(3)).ToArray();
            var arousal = truth.Select(t => (0.2 * t) + Noise()).ToArray();
            var valence = truth.Select(t => (0.4 * t) + Noise()).ToArray();
            var systems = new RealMatrix[3];
            for (int s = 0; s < 3; s++)
            {
                systems[s] = new RealMatrix(n, 3);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        systems[s][i, j] = (j == truth[i] ? 0.6 : 0) + (2 * Noise()) + s;
                    }
                }
            }

            return new Corpus(names, parts, truth, arousal, valence, systems);
        }

        public int[] Rows(string partition) => [.. Enumerable.Range(0, Names.Length).Where(i => Partitions[i] == partition)];

        public RealMatrix Scores(int s) => Systems[s];

        public string LabelsCsv() => "name,partition,class\n" + string.Concat(Names.Select((n, i) => $"{n},{Partitions[i]},{(Partitions[i] == "test" && i % 2 == 0 ? "?" : Classes[Truth[i]])}\n"));

        // As affect learn writes scores: columns in ordinal class order (H, L, M), then predicted.
        public string ScoreCsv(int s)
        {
            var sb = new StringBuilder("name,H,L,M,predicted\n");
            for (int i = 0; i < Names.Length; i++)
            {
                var r = Systems[s].Row(i);
                sb.Append(CultureInfo.InvariantCulture, $"{Names[i]},{r[2]:R},{r[0]:R},{r[1]:R},L\n");
            }

            return sb.ToString();
        }
    }
}
