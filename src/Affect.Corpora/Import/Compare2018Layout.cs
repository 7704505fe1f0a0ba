namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout compare2018</c>: a ComParE 2018 sub-challenge distribution (e.g. Self-Assessed Affect, USoMS):
/// <c>wav/train_0001.wav</c>, <c>wav/devel_*.wav</c>, <c>wav/test_*.wav</c> and a label file in <c>lab/</c> with
/// columns <c>file_name</c> and <c>label</c> (comma, semicolon or tab separated; a file with exactly two columns may
/// name the label column anything, e.g. <c>Valence</c>). The partition is the file name's prefix; <c>?</c> or an empty
/// label marks a hidden test label. The distribution has no speaker ids: a <c>speaker</c> column or
/// <c>--speaker-from</c> gives them, else each partition counts as one speaker.
/// </summary>
public sealed class Compare2018Layout : ICorpusLayout
{
    /// <inheritdoc />
    public string Name => "compare2018";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var wavs = source.Files.Where(f => f.StartsWith("wav/", StringComparison.Ordinal)).ToList();
        if (wavs.Count == 0)
        {
            throw new CorpusImportException("wav", "folder", "is missing or empty (expected wav/train_0001.wav ...)");
        }

        string labelFile;
        string text;
        if (options.LabelsText is not null)
        {
            labelFile = options.Labels ?? "labels";
            text = options.LabelsText;
        }
        else
        {
            var candidates = source.Files.Where(f => f.StartsWith("lab/", StringComparison.Ordinal) && (f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))).ToList();
            if (candidates.Count == 0)
            {
                throw new CorpusImportException("lab", "folder", "holds no .csv or .tsv label file (expected lab/labels.csv with file_name,label, or give --labels FILE)");
            }

            if (candidates.Count > 1)
            {
                throw new CorpusImportException("lab", "folder", $"holds {candidates.Count} label files ({string.Join(", ", candidates)}); name one with --labels FILE");
            }

            labelFile = candidates[0];
            text = source.ReadText(labelFile);
        }

        var table = DelimitedTable.Parse(text, labelFile);
        int fileColumn = table.RequireColumn("header", "file_name", "filename", "file");
        int labelColumn = table.Column("label", "class");
        if (labelColumn < 0)
        {
            labelColumn = table.Header.Count == 2 ? 1 - fileColumn : throw new CorpusImportException(labelFile, "header", $"no column named 'label' (header: {string.Join(",", table.Header)})");
        }

        int speakerColumn = table.Column("speaker", "speaker_id");
        var present = wavs.ToHashSet(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<ImportItem>();
        foreach (var (line, cells) in table.Rows)
        {
            string name = cells[fileColumn];
            string at = $"line {line}, column {table.Header[fileColumn]}";
            if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or "..")
            {
                throw new CorpusImportException(labelFile, at, $"'{Affect.Audio.DisplayText.Excerpt(name)}' is not a plain file name (expected a name in wav/, e.g. train_0001.wav)");
            }

            if (!LayoutRules.IsWav(name))
            {
                throw new CorpusImportException(labelFile, at, $"'{Affect.Audio.DisplayText.Excerpt(name)}' is not a WAV file (expected a name ending in .wav)");
            }

            string path = "wav/" + name;
            if (!present.Contains(path))
            {
                throw new CorpusImportException(labelFile, at, $"'{Affect.Audio.DisplayText.Excerpt(name)}' is not in wav/");
            }

            if (!listed.Add(path))
            {
                throw new CorpusImportException(labelFile, at, $"'{Affect.Audio.DisplayText.Excerpt(name)}' is listed twice");
            }

            string prefix = name.Split('_')[0];
            var partition = LayoutRules.Partition(prefix) is { } p && name.Contains('_', StringComparison.Ordinal)
                ? p
                : throw new CorpusImportException(labelFile, at, $"'{Affect.Audio.DisplayText.Excerpt(name)}' does not start with train_, devel_ or test_ (the partition)");
            string cell = cells[labelColumn];
            string? label = cell is "" or "?" ? null : cell;
            if (label is null && partition != CorpusPartition.Test)
            {
                throw new CorpusImportException(labelFile, $"line {line}, column {table.Header[labelColumn]}", $"'{cell}' hides the label of a {CorpusNames.Partition(partition)} file (only test labels may be '?')");
            }

            if (label is not null && !LayoutRules.IsToken(label))
            {
                throw new CorpusImportException(labelFile, $"line {line}, column {table.Header[labelColumn]}", $"class '{Affect.Audio.DisplayText.Excerpt(label)}' is not a valid class name (expected letters, digits, '.', '_' or '-')");
            }

            string speaker = speakerColumn >= 0 ? cells[speakerColumn]
                : options.SpeakerFrom is not null ? LayoutRules.Group(options.SpeakerFrom, path, "--speaker-from")
                : CorpusNames.Partition(partition);
            items.Add(new ImportItem(LayoutRules.IdFor(path), path, speaker, partition, label));
        }

        if (wavs.FirstOrDefault(w => !listed.Contains(w)) is { } unlisted)
        {
            throw new CorpusImportException(unlisted, "label", $"is not listed in {labelFile} (expected one row per file in wav/)");
        }

        LayoutRules.RequireUniqueIds(items);
        if (speakerColumn >= 0 || options.SpeakerFrom is not null)
        {
            LayoutRules.RequireSpeakerIndependent(items, labelFile);
        }

        var natural = items.All(i => i.Label is null or "L" or "M" or "H") ? new[] { "L", "M", "H" } : null;
        var notes = speakerColumn < 0 && options.SpeakerFrom is null
            ? new[] { "no speaker ids in the distribution: each partition is one speaker (speaker-level normalisation becomes partition-level)" }
            : [];
        return new ImportPlan(CorpusKind.Categorical, [], LayoutRules.Classes(items, options.Classes, natural, "label"), LayoutRules.Ordered(items), notes);
    }
}
