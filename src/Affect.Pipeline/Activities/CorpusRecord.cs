namespace Affect.Pipeline.Activities;

/// <summary>The validated record of an uploaded corpus that later stages read instead of the manifest.</summary>
/// <param name="Corpus">Corpus name (its folder under <c>corpora</c>).</param>
/// <param name="Kind">dimensional or categorical.</param>
/// <param name="Fingerprint">SHA-256 over the manifest and every referenced file: the corpus's content address.</param>
/// <param name="Files">The corpus's files in manifest order.</param>
public sealed record CorpusRecord(string Corpus, string Kind, string Fingerprint, IReadOnlyList<CorpusRecordFile> Files)
{
    /// <summary>SHA-256 of <c>manifest.json</c> as ingested (checked when a later stage reads the manifest again).</summary>
    public string? ManifestSha256 { get; init; }

    /// <summary>Blob name of <c>manifest.json</c> under <c>corpora</c>.</summary>
    public string ManifestBlob => $"{Corpus}/manifest.json";
}

/// <summary>One file of a <see cref="CorpusRecord"/>.</summary>
/// <param name="Id">File id from the manifest.</param>
/// <param name="Audio">Blob name of the audio under <c>corpora</c>.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">train, devel or test.</param>
/// <param name="Label">Class label (categorical corpora), else null.</param>
/// <param name="Labels">Blob name of the label file (dimensional corpora), else null.</param>
/// <param name="Sha256">Hash of the audio bytes.</param>
/// <param name="SampleRate">Sample rate of the stored audio.</param>
/// <param name="DurationSeconds">Duration of the stored audio.</param>
public sealed record CorpusRecordFile(
    string Id,
    string Audio,
    string Speaker,
    string Partition,
    string? Label,
    string? Labels,
    string Sha256,
    int SampleRate,
    double DurationSeconds)
{
    /// <summary>SHA-256 of the label file as ingested, when there is one (checked when the trainer reads it).</summary>
    public string? LabelsSha256 { get; init; }
}
