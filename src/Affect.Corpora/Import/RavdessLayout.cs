using System.Globalization;

namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout ravdess</c>: the RAVDESS audio-only release (Livingstone and Russo 2018), <c>Actor_AA/MM-VV-EE-II-SS-RR-AA.wav</c>:
/// modality (03 audio-only), vocal channel (01 speech, 02 song), emotion (01 neutral, 02 calm, 03 happy, 04 sad,
/// 05 angry, 06 fearful, 07 disgust, 08 surprised), intensity (01 normal, 02 strong), statement (01, 02), repetition
/// (01, 02), actor (01–24) = speaker. Partitions come from a seeded speaker-independent split.
/// </summary>
public sealed class RavdessLayout : ICorpusLayout
{
    /// <summary>RAVDESS's emotion codes 01–08, in order.</summary>
    public static IReadOnlyList<string> Emotions { get; } = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"];

    private static readonly (string Name, int Min, int Max)[] Fields =
    [
        ("modality", 3, 3), ("vocal channel", 1, 2), ("emotion", 1, 8), ("intensity", 1, 2), ("statement", 1, 2), ("repetition", 1, 2), ("actor", 1, 99),
    ];

    /// <inheritdoc />
    public string Name => "ravdess";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var files = source.Files.Where(LayoutRules.IsWav).ToList();
        if (files.Count == 0)
        {
            throw new CorpusImportException(".", "files", "no .wav file (expected Actor_01/03-01-01-01-01-01-01.wav ...)");
        }

        var items = new List<ImportItem>();
        foreach (string file in files)
        {
            string stem = LayoutRules.Stem(file);
            string[] parts = stem.Split('-');
            if (parts.Length != 7 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiDigit)))
            {
                throw new CorpusImportException(file, "name", $"'{Affect.Audio.DisplayText.Excerpt(stem)}' does not follow RAVDESS's scheme MM-VV-EE-II-SS-RR-AA (seven 2-digit fields)");
            }

            var values = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            for (int f = 0; f < Fields.Length; f++)
            {
                if (values[f] < Fields[f].Min || values[f] > Fields[f].Max)
                {
                    throw new CorpusImportException(file, $"name.{Fields[f].Name.Replace(' ', '_')}", $"{parts[f]} is not a valid {Fields[f].Name} (expected {(Fields[f].Min == Fields[f].Max ? $"{Fields[f].Min:00}, audio-only; the video files are not audio" : $"{Fields[f].Min:00}–{Fields[f].Max:00}")})");
                }
            }

            items.Add(new ImportItem(LayoutRules.IdFor(file), file, "actor" + parts[6], CorpusPartition.Train, Emotions[values[2] - 1]));
        }

        LayoutRules.RequireUniqueIds(items);
        items = LayoutRules.SplitBySpeaker(items, options);
        return new ImportPlan(CorpusKind.Categorical, [], LayoutRules.Classes(items, options.Classes, Emotions, "name.emotion"), LayoutRules.Ordered(items), []);
    }
}
