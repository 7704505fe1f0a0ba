namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout emodb</c>: the Berlin Database of Emotional Speech (Burkhardt et al. 2005) as downloaded: WAVs in
/// <c>wav/</c> named <c>SSTTTEV.wav</c> (e.g. <c>03a01Fa.wav</c>): speaker = characters 1–2, text code = 3–5, emotion
/// letter = character 6 (W anger, L boredom, E disgust, A fear, F happiness, T sadness, N neutral), version = 7.
/// EmoDB has no official partitions: a seeded speaker-independent split assigns them.
/// </summary>
public sealed class EmoDbLayout : ICorpusLayout
{
    /// <summary>The German emotion letters and the classes they stand for, in the manifest's class order.</summary>
    public static IReadOnlyList<(char Letter, string Class)> Emotions { get; } =
    [
        ('W', "anger"), ('L', "boredom"), ('E', "disgust"), ('A', "fear"), ('F', "happiness"), ('T', "sadness"), ('N', "neutral"),
    ];

    /// <inheritdoc />
    public string Name => "emodb";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        bool hasWavFolder = source.Files.Any(f => f.StartsWith("wav/", StringComparison.Ordinal));
        var files = hasWavFolder ? source.Files.Where(f => f.StartsWith("wav/", StringComparison.Ordinal)).ToList() : source.Files.Where(LayoutRules.IsWav).ToList();
        if (files.Count == 0)
        {
            throw new CorpusImportException(".", "wav", "no wav/ folder and no .wav file (expected EmoDB's wav/ folder, e.g. wav/03a01Fa.wav)");
        }

        var items = new List<ImportItem>();
        foreach (string file in files)
        {
            if (!LayoutRules.IsWav(file))
            {
                throw new CorpusImportException(file, "name", "is not a WAV file (expected only SSTTTEV.wav files in wav/)");
            }

            string stem = LayoutRules.Stem(file);
            if (stem.Length != 7 || !char.IsAsciiDigit(stem[0]) || !char.IsAsciiDigit(stem[1]))
            {
                throw new CorpusImportException(file, "name", $"'{Affect.Audio.DisplayText.Excerpt(stem)}' does not follow EmoDB's scheme SSTTTEV (2-digit speaker, 3-character text code, emotion letter, version letter; e.g. 03a01Fa)");
            }

            char letter = stem[5];
            int e = Emotions.ToList().FindIndex(x => x.Letter == letter);
            if (e < 0)
            {
                throw new CorpusImportException(file, "name[6]", $"emotion letter '{Affect.Audio.DisplayText.Escape(letter.ToString())}' is not one of {string.Join(", ", Emotions.Select(x => x.Letter))} (anger, boredom, disgust, fear, happiness, sadness, neutral)");
            }

            items.Add(new ImportItem(LayoutRules.IdFor(file), file, stem[..2], CorpusPartition.Train, Emotions[e].Class));
        }

        LayoutRules.RequireUniqueIds(items);
        items = LayoutRules.SplitBySpeaker(items, options);
        return new ImportPlan(CorpusKind.Categorical, [], LayoutRules.Classes(items, options.Classes, [.. Emotions.Select(x => x.Class)], "name[6]"), LayoutRules.Ordered(items), []);
    }
}
