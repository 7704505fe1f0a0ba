using System.Text.RegularExpressions;

namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout semaine</c>: the Solid SAL sessions of the SEMAINE database (McKeown et al. 2012) as downloaded from
/// its web site: one folder per session (<c>Sessions/N/</c>) holding the user's audio (the WAV whose name contains
/// <c>User</c>; a <c>HeadMounted</c> one preferred) and FeelTrace traces, one file per rater and dimension, named
/// <c>R{rater}...TU...{A|V}.txt</c> (rater number after <c>R</c>; <c>TU</c>: the target is the user; last letter:
/// A arousal, V valence) with "time value" lines. Traces are resampled to 50 Hz (<c>--rate</c>). Sessions lacking
/// audio or either dimension are left out with a note. The speaker is the session (or <c>--speaker-from</c>), and a
/// seeded speaker-independent split gives the partitions.
/// </summary>
public sealed partial class SemaineLayout : ICorpusLayout
{
    private static readonly string[] Dimensions = ["arousal", "valence"];

    [GeneratedRegex(@"\AR(?<rater>[0-9]+).*TU.*(?<dim>[AV])\.txt\z")]
    private static partial Regex TraceName();

    /// <inheritdoc />
    public string Name => "semaine";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        double rate = options.Rate ?? 50;
        var folders = source.Files.GroupBy(Folder, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var items = new List<ImportItem>();
        var notes = new List<string>();
        foreach (var session in folders)
        {
            var users = session.Where(f => LayoutRules.IsWav(f) && FileName(f).Contains("User", StringComparison.Ordinal)).ToList();
            var traceFiles = session.Select(f => (File: f, Match: TraceName().Match(FileName(f)))).Where(t => t.Match.Success).ToList();
            if (users.Count == 0 && traceFiles.Count == 0)
            {
                continue;
            }

            string where = session.Key.Length == 0 ? "." : session.Key;
            if (users.Count == 0)
            {
                notes.Add($"{where}: left out: FeelTrace files but no user WAV (*User*.wav)");
                continue;
            }

            string wav = users.FirstOrDefault(u => FileName(u).Contains("HeadMounted", StringComparison.Ordinal)) ?? users[0];
            var traces = traceFiles
                .Select(t => (Dimension: t.Match.Groups["dim"].Value == "A" ? "arousal" : "valence", Rater: "R" + t.Match.Groups["rater"].Value, Trace: RatingTrace.Parse(source.ReadText(t.File), t.File)))
                .ToList();
            if (traces.Select(t => t.Dimension).Distinct().Count() < 2)
            {
                notes.Add($"{where}: left out: no {(traces.Count == 0 ? "FeelTrace trace" : traces[0].Dimension == "arousal" ? "valence trace" : "arousal trace")} (R<n>...TU...A.txt / V.txt)");
                continue;
            }

            var duplicate = traces.GroupBy(t => (t.Dimension, t.Rater)).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new CorpusImportException(where, "traces", $"rater {duplicate.Key.Rater} has {duplicate.Count()} {duplicate.Key.Dimension} files (expected one per rater and dimension)");
            }

            string id = LayoutRules.IdFor(where.Replace('/', '_'));
            string speaker = options.SpeakerFrom is null ? id : LayoutRules.Group(options.SpeakerFrom, wav, "--speaker-from");
            items.Add(new ImportItem(id, wav, speaker, CorpusPartition.Train, Traces: RatingTrace.Combine(Dimensions, traces, rate)));
        }

        if (items.Count == 0)
        {
            throw new CorpusImportException(".", "sessions", "no session with a user WAV and arousal and valence FeelTrace files (expected Sessions/N/*User*.wav and R1...TU...A.txt, R1...TU...V.txt)");
        }

        LayoutRules.RequireUniqueIds(items);
        return new ImportPlan(CorpusKind.Dimensional, Dimensions, [], LayoutRules.Ordered(LayoutRules.SplitBySpeaker(items, options)), notes);
    }

    private static string Folder(string path) => path.LastIndexOf('/') is int i and >= 0 ? path[..i] : string.Empty;

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
