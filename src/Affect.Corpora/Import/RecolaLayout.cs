using System.Globalization;

namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout recola</c>: RECOLA as distributed for AVEC 2016 (Valstar et al. 2016): audio in
/// <c>recordings_audio/</c> (or <c>recordings/audio/</c>) as <c>train_N.wav</c>, <c>dev_N.wav</c>, <c>test_N.wav</c>
/// (the prefix is the partition; one subject per recording, so the speaker is the recording), and per recording the
/// six raters' traces in <c>ratings_individual/arousal/NAME.csv</c> and <c>ratings_individual/valence/NAME.csv</c>
/// (<c>time;FM1;FM2;FM3;FF1;FF2;FF3</c>, one row per 40 ms). Without individual ratings, the gold standard in
/// <c>ratings_gold_standard/{arousal,valence}/NAME.arff</c> (or .csv) is one "rater". Recordings without ratings (the
/// test partition) are left out with a note.
/// </summary>
public sealed class RecolaLayout : ICorpusLayout
{
    private static readonly string[] Dimensions = ["arousal", "valence"];

    /// <inheritdoc />
    public string Name => "recola";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var files = source.Files.ToHashSet(StringComparer.Ordinal);
        var wavs = source.Files.Where(f => (f.StartsWith("recordings_audio/", StringComparison.Ordinal) || f.StartsWith("recordings/audio/", StringComparison.Ordinal)) && LayoutRules.IsWav(f)).ToList();
        if (wavs.Count == 0)
        {
            throw new CorpusImportException("recordings_audio", "folder", "holds no .wav file (expected AVEC 2016's recordings_audio/train_1.wav ..., or recordings/audio/)");
        }

        var items = new List<ImportItem>();
        var notes = new List<string>();
        foreach (string wav in wavs)
        {
            string stem = LayoutRules.Stem(wav);
            int underscore = stem.IndexOf('_', StringComparison.Ordinal);
            var partition = underscore > 0 ? LayoutRules.Partition(stem[..underscore]) : null;
            if (partition is null)
            {
                throw new CorpusImportException(wav, "name", $"'{Affect.Audio.DisplayText.Excerpt(stem)}' does not start with train_, dev_ or test_ (the AVEC 2016 partition)");
            }

            var traces = new List<(string, string, RatingTrace)>();
            foreach (string dimension in Dimensions)
            {
                string individual = $"ratings_individual/{dimension}/{stem}.csv";
                string goldArff = $"ratings_gold_standard/{dimension}/{stem}.arff";
                string goldCsv = $"ratings_gold_standard/{dimension}/{stem}.csv";
                if (files.Contains(individual))
                {
                    traces.AddRange(Individual(source.ReadText(individual), individual).Select(r => (dimension, r.Rater, r.Trace)));
                }
                else if (files.Contains(goldArff) || files.Contains(goldCsv))
                {
                    string gold = files.Contains(goldArff) ? goldArff : goldCsv;
                    traces.Add((dimension, "gold", Gold(source.ReadText(gold), gold)));
                }
            }

            int dims = traces.Select(t => t.Item1).Distinct().Count();
            if (dims < Dimensions.Length)
            {
                if (partition == CorpusPartition.Test || dims == 0)
                {
                    notes.Add($"{wav}: left out: no {(dims == 0 ? "ratings" : "arousal or valence ratings")} (AVEC 2016 does not publish test ratings)");
                    continue;
                }

                throw new CorpusImportException($"ratings_individual/{(traces.Any(t => t.Item1 == "arousal") ? "valence" : "arousal")}/{stem}.csv", "file", $"does not exist, but {wav} has the other dimension's ratings (expected both arousal and valence)");
            }

            items.Add(new ImportItem(LayoutRules.IdFor(wav), wav, stem, partition.Value, Traces: RatingTrace.Combine(Dimensions, traces, 25)));
        }

        if (items.Count == 0)
        {
            throw new CorpusImportException("ratings_individual", "folder", "no recording has ratings (expected ratings_individual/arousal/train_1.csv ...)");
        }

        LayoutRules.RequireUniqueIds(items);
        return new ImportPlan(CorpusKind.Dimensional, Dimensions, [], LayoutRules.Ordered(items), notes);
    }

    /// <summary>An AVEC 2016 individual-ratings file: header <c>time;R1;R2;...</c>, then one row per 40 ms frame.</summary>
    private static IEnumerable<(string Rater, RatingTrace Trace)> Individual(string text, string file)
    {
        var table = DelimitedTable.Parse(text, file);
        int time = table.RequireColumn("header", "time", "frametime");
        var raters = Enumerable.Range(0, table.Header.Count).Where(c => c != time).ToList();
        if (raters.Count == 0 || table.Rows.Count == 0)
        {
            throw new CorpusImportException(file, "header", "has no rater column or no row (expected time;FM1;FM2;FM3;FF1;FF2;FF3 and one row per 40 ms)");
        }

        double[] times = [.. table.Rows.Select(r => table.Number(r.Line, r.Cells, time))];
        foreach (int c in raters)
        {
            string name = table.Header[c];
            if (!LayoutRules.IsToken(name) || name.Contains('.', StringComparison.Ordinal))
            {
                throw new CorpusImportException(file, "header", $"rater column '{Affect.Audio.DisplayText.Excerpt(name)}' is not a plain name (expected letters, digits, '_' or '-', e.g. FM1)");
            }

            yield return (name, new RatingTrace(times, [.. table.Rows.Select(r => table.Number(r.Line, r.Cells, c))]));
        }
    }

    /// <summary>An AVEC 2016 gold standard: ARFF (<c>@data</c> rows <c>name,frameTime,value</c>) or a CSV with time first and value last.</summary>
    private static RatingTrace Gold(string text, string file)
    {
        var times = new List<double>();
        var values = new List<double>();
        string[] lines = text.Split('\n');
        bool data = !file.EndsWith(".arff", StringComparison.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('%'))
            {
                continue;
            }

            if (!data)
            {
                data = line.StartsWith("@data", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            string[] cells = line.Split([',', ';'], StringSplitOptions.TrimEntries);
            int timeCell = cells.Length >= 3 ? 1 : 0;
            if (cells.Length < 2
                || !double.TryParse(cells[timeCell], NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
                || !double.TryParse(cells[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                || !double.IsFinite(t) || !double.IsFinite(v))
            {
                if (times.Count == 0 && !file.EndsWith(".arff", StringComparison.Ordinal))
                {
                    continue; // CSV header
                }

                throw new CorpusImportException(file, $"line {i + 1}", $"'{Affect.Audio.DisplayText.Excerpt(line)}' is not 'name,frameTime,value' (expected finite numbers)");
            }

            times.Add(t);
            values.Add(v);
        }

        return times.Count > 0 ? new RatingTrace([.. times], [.. values]) : throw new CorpusImportException(file, "@data", "holds no row");
    }
}
