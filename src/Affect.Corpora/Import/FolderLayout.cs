namespace Affect.Corpora.Import;

/// <summary>
/// <c>--layout folder</c>: any folder of WAVs. Class and speaker come from the path (<c>--class-from</c>,
/// <c>--speaker-from</c>: first capture group) or from a label CSV (<c>--labels</c>: columns <c>file</c>, <c>label</c>
/// and optionally <c>speaker</c> and <c>partition</c>); partitions are given (a <c>partition</c> column or
/// <c>--partition-from</c>) or drawn by a seeded speaker-independent split (<c>--split</c>, <c>--seed</c>).
/// </summary>
public sealed class FolderLayout : ICorpusLayout
{
    /// <inheritdoc />
    public string Name => "folder";

    /// <inheritdoc />
    public ImportPlan Plan(IImportSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        bool given;
        List<ImportItem> items;
        if (options.LabelsText is not null)
        {
            (items, given) = FromLabels(source, options);
        }
        else
        {
            var wavs = source.Files.Where(LayoutRules.IsWav).ToList();
            if (wavs.Count == 0)
            {
                throw new CorpusImportException(".", "files", "the source folder holds no .wav file");
            }

            if (options.ClassFrom is null)
            {
                throw new CorpusImportException(wavs[0], "--class-from", "the folder layout needs --class-from REGEX (first group: the class) or --labels FILE");
            }

            if (options.SpeakerFrom is null)
            {
                throw new CorpusImportException(wavs[0], "--speaker-from", "the folder layout needs --speaker-from REGEX (first group: the speaker) or --labels FILE with a speaker column");
            }

            items = [];
            foreach (string wav in wavs)
            {
                string label = LayoutRules.Group(options.ClassFrom, wav, "--class-from");
                RequireClassName(label, wav, "--class-from");
                var partition = options.PartitionFrom is null ? CorpusPartition.Train : ParsePartition(LayoutRules.Group(options.PartitionFrom, wav, "--partition-from"), wav, "--partition-from");
                items.Add(new ImportItem(LayoutRules.IdFor(wav), wav, LayoutRules.Group(options.SpeakerFrom, wav, "--speaker-from"), partition, label));
            }

            given = options.PartitionFrom is not null;
        }

        LayoutRules.RequireUniqueIds(items);
        if (given)
        {
            LayoutRules.RequireSpeakerIndependent(items, options.LabelsText is not null ? options.Labels : null);
        }
        else
        {
            items = LayoutRules.SplitBySpeaker(items, options);
        }

        return new ImportPlan(CorpusKind.Categorical, [], LayoutRules.Classes(items, options.Classes, null, "label"), LayoutRules.Ordered(items), []);
    }

    private static (List<ImportItem> Items, bool Given) FromLabels(IImportSource source, ImportOptions options)
    {
        string file = options.Labels ?? "labels";
        var table = DelimitedTable.Parse(options.LabelsText!, file);
        int pathColumn = table.RequireColumn("header", "file", "file_name", "filename", "path", "name");
        int labelColumn = table.RequireColumn("header", "label", "class", "emotion");
        int speakerColumn = table.Column("speaker", "speaker_id", "actor");
        int partitionColumn = table.Column("partition", "split", "set");
        if (speakerColumn < 0 && options.SpeakerFrom is null)
        {
            throw new CorpusImportException(file, "header", $"no column named 'speaker' (header: {string.Join(",", table.Header)}; add one or give --speaker-from REGEX)");
        }

        var present = source.Files.ToHashSet(StringComparer.Ordinal);
        var items = new List<ImportItem>();
        foreach (var (line, cells) in table.Rows)
        {
            string at = $"line {line}, column {table.Header[pathColumn]}";
            string path = cells[pathColumn];
            if (CorpusPath.Problem(path) is { } problem)
            {
                throw new CorpusImportException(file, at, problem);
            }

            if (!LayoutRules.IsWav(path))
            {
                throw new CorpusImportException(file, at, $"'{Affect.Audio.DisplayText.Excerpt(path)}' is not a WAV file (expected a path ending in .wav)");
            }

            if (!present.Contains(path))
            {
                throw new CorpusImportException(file, at, $"'{Affect.Audio.DisplayText.Excerpt(path)}' does not exist in the source folder (expected a path relative to it)");
            }

            string? label = cells[labelColumn] is "" or "?" ? null : cells[labelColumn];
            if (label is not null)
            {
                RequireClassName(label, file, $"line {line}, column {table.Header[labelColumn]}");
            }

            string speaker = speakerColumn >= 0 ? cells[speakerColumn] : LayoutRules.Group(options.SpeakerFrom!, path, "--speaker-from");
            if (speaker.Length == 0)
            {
                throw new CorpusImportException(file, $"line {line}, column {table.Header[speakerColumn]}", "is empty (expected a speaker id)");
            }

            var partition = partitionColumn >= 0
                ? ParsePartition(cells[partitionColumn], file, $"line {line}, column {table.Header[partitionColumn]}")
                : options.PartitionFrom is not null ? ParsePartition(LayoutRules.Group(options.PartitionFrom, path, "--partition-from"), path, "--partition-from") : CorpusPartition.Train;
            if (label is null && partition != CorpusPartition.Test)
            {
                throw new CorpusImportException(file, $"line {line}, column {table.Header[labelColumn]}", "is empty (only test files may have hidden labels)");
            }

            items.Add(new ImportItem(LayoutRules.IdFor(path), path, speaker, partition, label));
        }

        if (items.Count == 0)
        {
            throw new CorpusImportException(file, "rows", "the label file lists no file");
        }

        return (items, partitionColumn >= 0 || options.PartitionFrom is not null);
    }

    private static CorpusPartition ParsePartition(string text, string file, string field) =>
        LayoutRules.Partition(text) ?? throw new CorpusImportException(file, field, $"'{Affect.Audio.DisplayText.Excerpt(text)}' is not a partition (expected train, devel or test)");

    private static void RequireClassName(string label, string file, string field)
    {
        if (!LayoutRules.IsToken(label))
        {
            throw new CorpusImportException(file, field, $"class '{Affect.Audio.DisplayText.Excerpt(label)}' is not a valid class name (expected letters, digits, '.', '_' or '-')");
        }
    }
}
