namespace Affect.Corpora;

/// <summary>How a corpus is annotated: continuous traces over time, or one class per file.</summary>
public enum CorpusKind
{
    /// <summary>Time-continuous ratings (e.g. arousal, valence) per rater in a label CSV, as in RECOLA, SEMAINE, CreativeIT.</summary>
    Dimensional,

    /// <summary>One class label per file (e.g. L/M/H valence), as in the ComParE 2018 Self-Assessed Affect (USoMS) corpus.</summary>
    Categorical,
}

/// <summary>The standard ComParE-style partition a file belongs to.</summary>
public enum CorpusPartition
{
    /// <summary>Used to fit models (written <c>"train"</c>).</summary>
    Train,

    /// <summary>Used to pick hyper-parameters and epochs (written <c>"devel"</c>).</summary>
    Devel,

    /// <summary>Held out for the final evaluation (written <c>"test"</c>); categorical labels may be null here.</summary>
    Test,
}

/// <summary>
/// The parsed <c>manifest.json</c> at a corpus root: what the corpus is and, per audio file, its speaker, partition
/// and labels. The JSON schema is documented in MANIFEST.md; <see cref="Parse"/> accepts only manifests that pass every
/// rule of that schema, and <see cref="ToJson"/> writes the same schema deterministically.
/// </summary>
/// <param name="SchemaVersion">Manifest schema version; only <see cref="CurrentSchemaVersion"/> (1) exists.</param>
/// <param name="Name">Corpus name used in storage paths (<c>corpora/{name}/</c>): letters, digits, '.', '_' and '-'.</param>
/// <param name="Kind">Dimensional (continuous label CSVs) or categorical (one class per file).</param>
/// <param name="SampleRate">Sample rate in Hz that every audio file must have.</param>
/// <param name="Dimensions">Annotated dimensions, e.g. <c>arousal</c>, <c>valence</c>; required for dimensional corpora, optional (the dimension the classes discretise) for categorical ones.</param>
/// <param name="Classes">Class names of a categorical corpus in their natural order (e.g. L, M, H); empty for dimensional corpora.</param>
/// <param name="Files">One entry per audio file.</param>
public sealed record CorpusManifest(
    int SchemaVersion,
    string Name,
    CorpusKind Kind,
    int SampleRate,
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<string> Classes,
    IReadOnlyList<CorpusEntry> Files)
{
    /// <summary>The only manifest schema version this library reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The manifest's file name at the corpus root.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Largest manifest file read, in bytes (256 MiB); a larger <c>manifest.json</c> is reported as a problem.</summary>
    public const long MaxFileBytes = BoundedText.MaxFileBytes;

    /// <summary>
    /// Parses and checks a manifest. Every problem found (JSON syntax, missing or mistyped fields, unknown values,
    /// unsafe paths, duplicate ids, labels outside the classes, ...) is collected before throwing.
    /// </summary>
    /// <param name="json">The manifest text.</param>
    /// <param name="sourceName">Name used in problems, usually <c>manifest.json</c> or its path.</param>
    /// <exception cref="CorpusFormatException">The manifest breaks one or more rules; the exception lists them all.</exception>
    public static CorpusManifest Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        var (manifest, problems) = ManifestJsonReader.Read(json, sourceName);
        if (manifest is not null)
        {
            ManifestRules.AddUncovered(problems, ManifestRules.Check(manifest, sourceName));
        }

        if (problems.Count > 0 || manifest is null)
        {
            throw new CorpusFormatException(problems);
        }

        return manifest;
    }

    /// <summary>
    /// Writes the manifest as indented JSON (2 spaces, '\n' newlines, camelCase, fixed property order, rater maps in
    /// <see cref="Dimensions"/> order), so the same manifest always gives the same bytes.
    /// </summary>
    public string ToJson() => ManifestJsonWriter.Write(this);
}

/// <summary>One audio file of a corpus with its metadata and labels.</summary>
/// <param name="Id">Unique id of the file within the corpus (letters, digits, '.', '_' and '-').</param>
/// <param name="Audio">Corpus-relative path of the WAV file, '/' separated, e.g. <c>audio/s01.wav</c>.</param>
/// <param name="Speaker">Speaker id, used for speaker-level normalisation and speaker-independent partitions.</param>
/// <param name="Partition">Train, devel or test.</param>
/// <param name="Labels">Continuous label file reference (dimensional corpora only).</param>
/// <param name="Label">Class name (categorical corpora only); null only in the test partition (hidden labels).</param>
public sealed record CorpusEntry(
    string Id,
    string Audio,
    string Speaker,
    CorpusPartition Partition,
    CorpusLabels? Labels = null,
    string? Label = null);

/// <summary>
/// The continuous label CSV of one recording: header <c>time,&lt;rater columns&gt;</c>, one row per frame at
/// <see cref="Rate"/> Hz, where row i (from 0) has time = i / rate seconds.
/// </summary>
/// <param name="Path">Corpus-relative path of the CSV, e.g. <c>labels/s01.csv</c>.</param>
/// <param name="Rate">Frames per second of the label rows (25 for RECOLA, 50 for SEMAINE, 60 for CreativeIT).</param>
/// <param name="Raters">For each dimension, the CSV columns holding its individual raters' traces.</param>
public sealed record CorpusLabels(
    string Path,
    double Rate,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Raters);
