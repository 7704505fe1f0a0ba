namespace Affect.Corpora.Import;

/// <summary>
/// What a layout makes of a source corpus before any file is written: the manifest-to-be (kind, classes, dimensions)
/// and, per recording, where its audio lies in the source tree and its speaker, partition and labels.
/// </summary>
/// <param name="Kind">Categorical (one class per file) or dimensional (continuous traces).</param>
/// <param name="Dimensions">Annotated dimensions (dimensional) or the dimension the classes discretise (optional).</param>
/// <param name="Classes">Class names in their natural order (categorical).</param>
/// <param name="Items">One entry per recording, ordered by id.</param>
/// <param name="Notes">What the layout left out and why (e.g. test recordings without ratings), for the user.</param>
public sealed record ImportPlan(
    CorpusKind Kind,
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<string> Classes,
    IReadOnlyList<ImportItem> Items,
    IReadOnlyList<string> Notes)
{
    /// <summary>The manifest this plan gives under <paramref name="name"/> at 16 kHz: audio as <c>audio/{id}.wav</c>, traces as <c>labels/{id}.csv</c>.</summary>
    public CorpusManifest ToManifest(string name) => new(
        CorpusManifest.CurrentSchemaVersion,
        name,
        Kind,
        CorpusImporter.SampleRate,
        Dimensions,
        Classes,
        [.. Items.Select(i => new CorpusEntry(
            i.Id,
            AudioPath(i.Id),
            i.Speaker,
            i.Partition,
            i.Traces is { } t ? new CorpusLabels(LabelPath(i.Id), t.Rate, t.Raters) : null,
            i.Label))]);

    /// <summary>Corpus-relative path of an imported recording's audio.</summary>
    public static string AudioPath(string id) => $"audio/{id}.wav";

    /// <summary>Corpus-relative path of an imported recording's label CSV.</summary>
    public static string LabelPath(string id) => $"labels/{id}.csv";
}

/// <summary>One recording of an import plan.</summary>
/// <param name="Id">Manifest id (letters, digits, '.', '_', '-').</param>
/// <param name="Source">Path of its WAV file relative to the source folder, '/' separated.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">Train, devel or test.</param>
/// <param name="Label">Class (categorical); null for a hidden test label.</param>
/// <param name="Traces">Continuous ratings resampled to a uniform grid (dimensional).</param>
public sealed record ImportItem(string Id, string Source, string Speaker, CorpusPartition Partition, string? Label = null, ImportTraces? Traces = null);

/// <summary>
/// The continuous ratings of one recording on a uniform grid: row i is at time i / <see cref="Rate"/> seconds; each
/// column is one rater's trace of one dimension.
/// </summary>
/// <param name="Rate">Rows per second.</param>
/// <param name="Raters">For each dimension, its columns (in <see cref="Columns"/>).</param>
/// <param name="Columns">Column names, in CSV order.</param>
/// <param name="Values">Values[c][i]: column c at row i; every column has the same length.</param>
public sealed record ImportTraces(
    double Rate,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Raters,
    IReadOnlyList<string> Columns,
    IReadOnlyList<double[]> Values)
{
    /// <summary>Rows in each column.</summary>
    public int Rows => Values.Count == 0 ? 0 : Values[0].Length;
}

/// <summary>
/// A source corpus that cannot be imported. The message is one line <c>FILE: FIELD: message</c>: the source file at
/// fault (relative to the source folder), the field in it (a CSV column, a character of the file name, a regex group)
/// and what was expected.
/// </summary>
public sealed class CorpusImportException : FormatException
{
    /// <summary>Creates the exception for <paramref name="file"/> and <paramref name="field"/>.</summary>
    public CorpusImportException(string file, string field, string message)
        : base(new CorpusProblem(file, field, message).ToString())
    {
        File = file;
        Field = field;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The field at fault.</summary>
    public string Field { get; }
}
