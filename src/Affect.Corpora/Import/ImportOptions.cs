using System.Text.RegularExpressions;

namespace Affect.Corpora.Import;

/// <summary>What the user told the importer beyond the source folder; each layout reads the options it needs.</summary>
/// <param name="Split">Seeded speaker-independent split, used where the corpus has no official partitions.</param>
/// <param name="Seed">Seed of <see cref="Split"/>.</param>
/// <param name="ClassFrom">Folder layout: regex over the relative path whose first group is the class.</param>
/// <param name="SpeakerFrom">Regex over the relative path whose first group is the speaker (folder, compare2018, semaine, creativeit).</param>
/// <param name="PartitionFrom">Folder layout: regex whose first group is train, devel or test (given partitions).</param>
/// <param name="Labels">A label CSV (relative to the source folder or absolute) with columns file, label and optionally speaker and partition.</param>
/// <param name="LabelsText">The label CSV's text, read at the edge by the caller.</param>
/// <param name="Classes">Class names in their natural order; null: the layout's own order, or ordinal order.</param>
/// <param name="Rate">Label rate of resampled traces (semaine, creativeit); null: the layout's default.</param>
public sealed record ImportOptions(
    SpeakerSplit Split,
    ulong Seed,
    Regex? ClassFrom = null,
    Regex? SpeakerFrom = null,
    Regex? PartitionFrom = null,
    string? Labels = null,
    string? LabelsText = null,
    IReadOnlyList<string>? Classes = null,
    double? Rate = null)
{
    /// <summary>Defaults: 60/20/20 split, seed 1, nothing else.</summary>
    public static ImportOptions Default { get; } = new(SpeakerSplit.Default, 1);
}

/// <summary>A corpus layout: a pure mapping from a source's file list (and annotation text) to an import plan.</summary>
public interface ICorpusLayout
{
    /// <summary>The layout's name on the command line (<c>--layout NAME</c>).</summary>
    string Name { get; }

    /// <summary>Maps the source to a plan; no file is written.</summary>
    /// <exception cref="CorpusImportException">Naming the source file and field at fault.</exception>
    ImportPlan Plan(IImportSource source, ImportOptions options);
}

/// <summary>Every layout, by <c>--layout</c> name.</summary>
public static class CorpusLayouts
{
    /// <summary>The layouts in the order help lists them.</summary>
    public static IReadOnlyList<ICorpusLayout> All { get; } =
    [
        new FolderLayout(),
        new EmoDbLayout(),
        new RavdessLayout(),
        new Compare2018Layout(),
        new RecolaLayout(),
        new SemaineLayout(),
        new CreativeItLayout(),
    ];

    /// <summary>The layout named <paramref name="name"/>, or null.</summary>
    public static ICorpusLayout? Find(string name) => All.FirstOrDefault(l => l.Name == name);
}
