using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features.IO;

namespace Affect.Features.Parity;

/// <summary>Agreement of one output column with openSMILE over all frames of the reference speech files.</summary>
/// <param name="Name">Column name.</param>
/// <param name="PearsonR">Pearson correlation r (NaN when either side is constant).</param>
/// <param name="Nrmse">Root mean square error divided by the reference standard deviation (NaN when it is 0).</param>
public sealed record ColumnParity(string Name, double PearsonR, double Nrmse);

/// <summary>Frame-grid agreement of one reference file.</summary>
/// <param name="Name">File name (without extension).</param>
/// <param name="ReferenceRows">openSMILE's row count.</param>
/// <param name="Rows">Our row count.</param>
/// <param name="FrameTimesMatch">Whether every frame time agrees to 1 µs.</param>
public sealed record FileParity(string Name, int ReferenceRows, int Rows, bool FrameTimesMatch);

/// <summary>
/// Parity of <see cref="LowLevelDescriptors"/> with openSMILE 3 ComParE 2016 on the reference set in
/// <c>tests/data/opensmile</c>: set 1 (<c>lld/*.csv</c>, speech1–6 and alsa_voice), set 2 (<c>set2/lld_htk/*.htk</c>,
/// espeak_* and emodb_*) and set 3 (<c>set3/lld_htk/*.htk</c>, recordings cut inside speech). Renders the table kept in docs/parity.md.
/// </summary>
public sealed class LldParityReport
{
    /// <summary>Marker opening the generated section of docs/parity.md.</summary>
    public const string BeginMarker = "<!-- BEGIN lld -->";

    /// <summary>Marker closing the generated section of docs/parity.md.</summary>
    public const string EndMarker = "<!-- END lld -->";

    private static readonly string[] Set1Speech = ["speech1", "speech2", "speech3", "speech4", "speech5", "speech6", "alsa_voice"];

    private LldParityReport(IReadOnlyList<ColumnParity> columns, IReadOnlyList<FileParity> files, int frames)
    {
        Columns = columns;
        Files = files;
        Frames = frames;
    }

    /// <summary>Per-column agreement, 130 entries (LLDs then deltas).</summary>
    public IReadOnlyList<ColumnParity> Columns { get; }

    /// <summary>Frame grid agreement per speech file.</summary>
    public IReadOnlyList<FileParity> Files { get; }

    /// <summary>Number of frames pooled for the statistics.</summary>
    public int Frames { get; }

    /// <summary>
    /// Known reasons for columns below r = 0.99, keyed by LLD name (deltas share their LLD's reason).
    /// Kept small and explicit: every entry describes a real, general difference, not a per-file tweak.
    /// </summary>
    public static IReadOnlyDictionary<string, string> KnownReasons { get; } = BuildReasons();

    /// <summary>Runs the extractor over the reference speech files and pools every frame.</summary>
    /// <param name="referenceDirectory">The <c>tests/data/opensmile</c> folder.</param>
    /// <param name="extractor">Extractor with deltas enabled.</param>
    public static LldParityReport Compute(string referenceDirectory, LowLevelDescriptors extractor)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        if (!extractor.Options.IncludeDeltas)
        {
            throw new ArgumentException("parity needs the 130-column output (IncludeDeltas = true)", nameof(extractor));
        }

        var pairs = new List<(string Name, float[] Ours, float[] Reference, int Rows)>();
        var files = new List<FileParity>();
        foreach (var (name, wav, reference) in ReferenceFiles(referenceDirectory))
        {
            var clip = WavReader.Read(wav);
            LldMatrix ours = extractor.Options.InputGain == LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample)
                ? extractor.Extract(clip.Samples)
                : new LowLevelDescriptors(extractor.Options with { InputGain = LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample) }).Extract(clip.Samples);
            bool timesMatch = ours.Rows == reference.Rows;
            for (int r = 0; timesMatch && r < ours.Rows; r++)
            {
                timesMatch = Math.Abs(ours.FrameTimes[r] - reference.FrameTimes[r]) < 1e-6;
            }

            files.Add(new FileParity(name, reference.Rows, ours.Rows, timesMatch));
            int rows = Math.Min(ours.Rows, reference.Rows);
            pairs.Add((name, ours.Values[..(rows * ours.Columns)], reference.Values[..(rows * reference.Columns)], rows));
        }

        int total = pairs.Sum(p => p.Rows);
        var columns = new List<ColumnParity>(LldColumns.All.Count);
        for (int c = 0; c < LldColumns.All.Count; c++)
        {
            var x = new double[total];
            var y = new double[total];
            int k = 0;
            foreach (var (_, ours, reference, rows) in pairs)
            {
                for (int r = 0; r < rows; r++)
                {
                    x[k] = ours[(r * LldColumns.All.Count) + c];
                    y[k] = reference[(r * LldColumns.All.Count) + c];
                    k++;
                }
            }

            columns.Add(new ColumnParity(LldColumns.All[c], Correlation.Pearson(x, y), Nrmse(x, y)));
        }

        return new LldParityReport(columns, files, total);
    }

    /// <summary>The reference speech files: name, WAV path and openSMILE's 130-column matrix.</summary>
    /// <param name="referenceDirectory">The <c>tests/data/opensmile</c> folder.</param>
    public static IEnumerable<(string Name, string Wav, LldMatrix Reference)> ReferenceFiles(string referenceDirectory)
    {
        foreach (string name in Set1Speech)
        {
            string csv = Path.Combine(referenceDirectory, "lld", name + ".csv");
            using var reader = new StreamReader(csv);
            var (_, matrix) = OpenSmileCsv.Read(reader, Path.GetFileName(csv)).Single();
            yield return (name, Path.Combine(referenceDirectory, "wav", name + ".wav"), matrix);
        }

        string htkDir = Path.Combine(referenceDirectory, "set2", "lld_htk");
        foreach (string htk in Directory.GetFiles(htkDir, "*.htk").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(htk);
            if (!name.StartsWith("espeak_", StringComparison.Ordinal) && !name.StartsWith("emodb_", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (name, Path.Combine(referenceDirectory, "set2", "wav", name + ".wav"), ReadHtkMatrix(htk));
        }

        string set3 = Path.Combine(referenceDirectory, "set3", "lld_htk");
        if (Directory.Exists(set3))
        {
            foreach (string htk in Directory.GetFiles(set3, "*.htk").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileNameWithoutExtension(htk);
                yield return (name, Path.Combine(referenceDirectory, "set3", "wav", name + ".wav"), ReadHtkMatrix(htk));
            }
        }
    }

    /// <summary>Reads a set-2 HTK LLD file (130 values per frame) with openSMILE's frame times.</summary>
    /// <param name="path">Path of the .htk file.</param>
    public static LldMatrix ReadHtkMatrix(string path)
    {
        var (values, rows, cols) = HtkFormat.Read(path);
        if (cols != LldColumns.All.Count)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: bytesPerFrame: {cols} values per frame, expected {LldColumns.All.Count}");
        }

        var times = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            times[r] = Math.Min(r, rows - 2) * 0.01;
        }

        return new LldMatrix(values, rows, LldColumns.All, times);
    }

    /// <summary>RMSE(x, y) / std(y).</summary>
    /// <param name="x">Ours.</param>
    /// <param name="y">Reference.</param>
    public static double Nrmse(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double my = 0;
        foreach (double v in y)
        {
            my += v;
        }

        my /= y.Length;
        double se = 0, sy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            se += (x[i] - y[i]) * (x[i] - y[i]);
            sy += (y[i] - my) * (y[i] - my);
        }

        return sy > 0 ? Math.Sqrt(se / sy) : double.NaN;
    }

    /// <summary>The markdown section (markers included) for docs/parity.md.</summary>
    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(BeginMarker).Append('\n');
        sb.Append("<!-- generated by `affect features parity --reference tests/data/opensmile --markdown docs/parity.md`; do not edit by hand -->\n\n");
        int lldsAbove = Columns.Take(LldColumns.LldCount).Count(c => c.PearsonR >= 0.99);
        int deltasAbove = Columns.Skip(LldColumns.LldCount).Count(c => c.PearsonR >= 0.99);
        sb.Append(ci, $"Pooled over {Frames} frames of {Files.Count} speech files (set 1: speech1–6, alsa_voice; set 2: espeak_*, emodb_*; set 3: espeak_*_cut*, cut inside speech). ");
        sb.Append(ci, $"LLDs with r ≥ 0.99: {lldsAbove}/65; deltas with r ≥ 0.99: {deltasAbove}/65. ");
        sb.Append(ci, $"Frame grid (row count and frame times) identical for {Files.Count(f => f.FrameTimesMatch)}/{Files.Count} files.\n\n");
        sb.Append("| # | LLD | r | NRMSE | r (delta) | NRMSE (delta) | reason (r < 0.99) |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        for (int c = 0; c < LldColumns.LldCount; c++)
        {
            ColumnParity lld = Columns[c];
            ColumnParity delta = Columns[LldColumns.LldCount + c];
            string reason = lld.PearsonR >= 0.99 && delta.PearsonR >= 0.99 ? string.Empty
                : KnownReasons.TryGetValue(lld.Name, out string? why) ? why : "unexplained";
            sb.Append(ci, $"| {c + 1} | `{lld.Name}` | {Format(lld.PearsonR)} | {Format(lld.Nrmse)} | {Format(delta.PearsonR)} | {Format(delta.Nrmse)} | {reason} |\n");
        }

        sb.Append('\n').Append(EndMarker);
        return sb.ToString();
    }

    /// <summary>Replaces the marked section of <paramref name="document"/> (or appends it when absent).</summary>
    /// <param name="document">Current text of docs/parity.md (may be empty).</param>
    /// <param name="section">New section including its markers.</param>
    public static string ReplaceSection(string document, string section)
    {
        ArgumentNullException.ThrowIfNull(document);
        int begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            string sep = document.Length == 0 || document.EndsWith('\n') ? string.Empty : "\n";
            return document + sep + (document.Length == 0 ? string.Empty : "\n") + section + "\n";
        }

        return document[..begin] + section + document[(end + EndMarker.Length)..];
    }

    /// <summary>Extracts the marked section (markers included), or null.</summary>
    /// <param name="document">Text of docs/parity.md.</param>
    public static string? ExtractSection(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        int begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        return begin < 0 || end < begin ? null : document[begin..(end + EndMarker.Length)];
    }

    private static Dictionary<string, string> BuildReasons()
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, why) in Affect.Features.Voicing.VoicingDescriptors.KnownDeviations)
        {
            reasons[name.Replace("_sma_de", "_sma", StringComparison.Ordinal)] = why;
        }

        return reasons;
    }

    private static string Format(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F4", CultureInfo.InvariantCulture);
}
