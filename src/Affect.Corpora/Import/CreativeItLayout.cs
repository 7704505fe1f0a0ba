using System.Text.RegularExpressions;

namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout creativeit</c>: the USC CreativeIT database (Metallinou et al. 2016): per actor recording a WAV
/// (<c>NAME.wav</c>, anywhere under the source) and continuous annotations, one file per dimension and annotator,
/// named <c>NAME_{activation|arousal|valence}_{annotator}.txt</c> (or .csv) with "time value" lines. Activation is
/// arousal. Traces are resampled to 60 Hz (<c>--rate</c>); recordings without both dimensions are left out with a
/// note. The speaker is <c>--speaker-from</c>'s group (e.g. the actor) or the recording, and a seeded
/// speaker-independent split gives the partitions.
/// </summary>
public sealed partial class CreativeItLayout : ICorpusLayout
{
    private static readonly string[] Dimensions = ["arousal", "valence"];

    [GeneratedRegex(@"\A(?<rec>.+)_(?<dim>activation|arousal|valence)_(?<rater>[A-Za-z0-9]+)\.(txt|csv)\z", RegexOptions.IgnoreCase)]
    private static partial Regex TraceName();

    /// <inheritdoc />
    public string Name => "creativeit";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        double rate = options.Rate ?? 60;
        var wavs = source.Files.Where(LayoutRules.IsWav).ToList();
        if (wavs.Count == 0)
        {
            throw new CorpusImportException(".", "files", "no .wav file (expected NAME.wav and NAME_activation_ANNOTATOR.txt, NAME_valence_ANNOTATOR.txt)");
        }

        var annotations = source.Files
            .Select(f => (File: f, Match: TraceName().Match(f[(f.LastIndexOf('/') + 1)..])))
            .Where(a => a.Match.Success)
            .GroupBy(a => a.Match.Groups["rec"].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var stems = wavs.GroupBy(LayoutRules.Stem, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (stems is not null)
        {
            throw new CorpusImportException(stems.ElementAt(1), "name", $"'{stems.Key}' is also the name of {stems.First()} (expected one WAV per recording name)");
        }

        var items = new List<ImportItem>();
        var notes = new List<string>();
        foreach (string wav in wavs)
        {
            string stem = LayoutRules.Stem(wav);
            var traces = annotations.GetValueOrDefault(stem, [])
                .Select(a => (
                    Dimension: a.Match.Groups["dim"].Value.Equals("valence", StringComparison.OrdinalIgnoreCase) ? "valence" : "arousal",
                    Rater: a.Match.Groups["rater"].Value,
                    Trace: RatingTrace.Parse(source.ReadText(a.File), a.File)))
                .ToList();
            if (traces.Select(t => t.Dimension).Distinct().Count() < 2)
            {
                notes.Add($"{wav}: left out: no {(traces.Count == 0 ? "annotation" : traces[0].Dimension == "arousal" ? "valence annotation" : "activation annotation")} ({stem}_activation_*.txt / {stem}_valence_*.txt)");
                continue;
            }

            var duplicate = traces.GroupBy(t => (t.Dimension, t.Rater)).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new CorpusImportException(wav, "annotations", $"annotator {duplicate.Key.Rater} has {duplicate.Count()} {duplicate.Key.Dimension} files (activation and arousal are the same dimension; expected one per annotator)");
            }

            string speaker = options.SpeakerFrom is null ? stem : LayoutRules.Group(options.SpeakerFrom, wav, "--speaker-from");
            items.Add(new ImportItem(LayoutRules.IdFor(wav), wav, speaker, CorpusPartition.Train, Traces: RatingTrace.Combine(Dimensions, traces, rate)));
        }

        if (items.Count == 0)
        {
            throw new CorpusImportException(".", "annotations", "no recording has both activation and valence annotations");
        }

        foreach (var orphan in annotations.Keys.Where(k => !wavs.Any(w => LayoutRules.Stem(w) == k)).Order(StringComparer.Ordinal))
        {
            notes.Add($"{annotations[orphan][0].File}: ignored: no {orphan}.wav");
        }

        LayoutRules.RequireUniqueIds(items);
        return new ImportPlan(CorpusKind.Dimensional, Dimensions, [], LayoutRules.Ordered(LayoutRules.SplitBySpeaker(items, options)), notes);
    }
}
