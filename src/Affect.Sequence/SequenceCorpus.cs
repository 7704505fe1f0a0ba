using Affect.Audio;
using Affect.Corpora;
using Affect.Sequence.Features;
using Affect.Sequence.Labels;
using Affect.Sequence.Windows;

namespace Affect.Sequence;

/// <summary>How a dimensional corpus's annotations become the sequence targets (§3.2).</summary>
/// <param name="LagSeconds">Annotator lag to correct, in seconds; null estimates it per corpus (<see cref="AnnotatorLag.Estimate"/>).</param>
/// <param name="MaxLagSeconds">Largest lag tried when estimating.</param>
public sealed record LabelOptions(double? LagSeconds = 2.0, double MaxLagSeconds = 6.0);

/// <summary>
/// A corpus prepared for the LSTM: every recording with speaker-z-normalised features and, for a dimensional corpus and a
/// target dimension, the lag-corrected 25 Hz gold standard (not yet min/max scaled: the scaler is fitted on the training
/// corpus and then applied to every corpus, see <see cref="Scaled"/>).
/// </summary>
/// <param name="Name">Corpus name.</param>
/// <param name="Target">Target dimension, or null for unannotated use (prediction only).</param>
/// <param name="Recordings">The recordings in manifest order.</param>
/// <param name="RaterAgreement">Mean pairwise Pearson correlation of the raters, averaged over recordings (NaN if not annotated).</param>
/// <param name="LagSeconds">Annotator lag applied (0 if not annotated).</param>
/// <param name="LagEstimate">The estimate when the lag was estimated, else null.</param>
/// <param name="FeatureExtractor">Name of the front-end used.</param>
public sealed record SequenceCorpus(string Name, string? Target, IReadOnlyList<SequenceRecording> Recordings, double RaterAgreement, double LagSeconds, LagEstimate? LagEstimate, string FeatureExtractor)
{
    /// <summary>Total audio duration in seconds.</summary>
    public double DurationSeconds => Recordings.Sum(r => r.Features.DurationSeconds);

    /// <summary>The same corpus with every gold standard passed through <paramref name="scaler"/>.</summary>
    public SequenceCorpus Scaled(LabelScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        return this with { Recordings = [.. Recordings.Select(r => r with { Labels = r.Labels is null ? null : scaler.Apply(r.Labels) })] };
    }

    /// <summary>The gold standard of every recording, each truncated to its <see cref="SequenceRecording.LabelFrames"/>.</summary>
    public IEnumerable<double[]> Labels() =>
        Recordings.Where(r => r.Labels is not null).Select(r => r.Labels![..r.LabelFrames]);

    /// <summary>
    /// Reads a corpus through its manifest: loads each WAV as 16 kHz mono, extracts features, z-normalises them per speaker,
    /// and for <paramref name="target"/> builds the gold standard (mean of the raters at 25 Hz) and corrects the annotator lag.
    /// </summary>
    /// <param name="source">Where the corpus files are.</param>
    /// <param name="manifest">The corpus manifest.</param>
    /// <param name="target">Dimension to model (e.g. <c>arousal</c>), or null to read audio only.</param>
    /// <param name="extractor">Frame-level front-end.</param>
    /// <param name="options">Lag handling.</param>
    /// <exception cref="ArgumentException">The target is not a dimension of a dimensional corpus.</exception>
    public static SequenceCorpus Load(ICorpusFileSource source, CorpusManifest manifest, string? target, IFrameFeatureExtractor extractor, LabelOptions? options = null) =>
        Load(source, manifest, target, CorpusFeatures.Extract(source, manifest, extractor), options);

    /// <summary>
    /// As <see cref="Load(ICorpusFileSource, CorpusManifest, string?, IFrameFeatureExtractor, LabelOptions?)"/>, with features
    /// already extracted (so arousal and valence, or several experiments, share one extraction).
    /// </summary>
    /// <exception cref="ArgumentException">The target is not a dimension of a dimensional corpus, or the features do not match the manifest.</exception>
    public static SequenceCorpus Load(ICorpusFileSource source, CorpusManifest manifest, string? target, CorpusFeatures features, LabelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(features);
        options ??= new LabelOptions();
        if (target is not null && (manifest.Kind != CorpusKind.Dimensional || !manifest.Dimensions.Contains(target, StringComparer.Ordinal)))
        {
            throw new ArgumentException(
                $"{manifest.Name}: manifest.json: dimensions: target '{target}' is not an annotated dimension (kind {manifest.Kind.ToString().ToLowerInvariant()}, dimensions [{string.Join(", ", manifest.Dimensions)}])",
                nameof(target));
        }

        if (features.Matrices.Count != manifest.Files.Count)
        {
            throw new ArgumentException($"{manifest.Name}: {features.Matrices.Count} feature matrices for {manifest.Files.Count} files", nameof(features));
        }

        var raw = manifest.Files.Select((f, i) => (f.Speaker, features.Matrices[i])).ToList();
        var golds = manifest.Files.Select(f => target is null ? null : ReadGold(source, f, target)).ToList();
        var normalised = SpeakerNormalization.Apply(raw);
        LagEstimate? estimate = null;
        var lag = 0.0;
        if (target is not null)
        {
            if (options.LagSeconds is { } fixedLag)
            {
                lag = fixedLag;
            }
            else
            {
                estimate = AnnotatorLag.Estimate([.. normalised.Select((m, i) => (m, golds[i]!.Values))], GoldStandard.Rate, options.MaxLagSeconds);
                lag = estimate.Seconds;
            }
        }

        var recordings = manifest.Files.Select((file, i) => new SequenceRecording(
            file.Id,
            file.Speaker,
            normalised[i],
            golds[i] is { } gold ? AnnotatorLag.Shift(gold.Values, lag, GoldStandard.Rate) : null,
            GoldStandard.Rate)).ToArray();
        var agreements = golds.Where(g => g is not null && !double.IsNaN(g.RaterAgreement)).Select(g => g!.RaterAgreement).ToArray();
        return new SequenceCorpus(manifest.Name, target, recordings, agreements.Length == 0 ? double.NaN : agreements.Average(), lag, estimate, features.Extractor);
    }

    /// <summary>Reads a corpus folder (<c>DIR/manifest.json</c>); see <see cref="Load(ICorpusFileSource, CorpusManifest, string?, IFrameFeatureExtractor, LabelOptions?)"/>.</summary>
    public static SequenceCorpus LoadFolder(string directory, string? target, IFrameFeatureExtractor extractor, LabelOptions? options = null)
    {
        var path = Path.Combine(directory, CorpusManifest.FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found (expected a corpus folder with {CorpusManifest.FileName})", path);
        }

        var manifest = CorpusManifest.Parse(File.ReadAllText(path), path);
        return Load(new FolderCorpusSource(directory), manifest, target, extractor, options);
    }

    private static GoldStandardTrace ReadGold(ICorpusFileSource source, CorpusEntry file, string target)
    {
        var labels = file.Labels ?? throw new InvalidDataException($"manifest.json: files[{file.Id}].labels: missing (dimensional corpora need label files)");
        if (!labels.Raters.TryGetValue(target, out var columns) || columns.Count == 0)
        {
            throw new InvalidDataException($"manifest.json: files[{file.Id}].labels.raters.{target}: no rater columns");
        }

        LabelTable table;
        using (var stream = source.Open(labels.Path))
        {
            table = LabelTable.Parse(stream, labels.Path);
        }

        var traces = columns.Select(c => table.Contains(c)
            ? table.Column(c).ToArray()
            : throw new InvalidDataException($"{labels.Path}: column {c}: not in the header (columns: {string.Join(", ", table.Columns)})")).ToList();
        return GoldStandard.Combine(traces, labels.Rate);
    }
}

/// <summary>The raw (not yet normalised) frame features of every file of a corpus, in manifest order.</summary>
/// <param name="Extractor">Front-end name.</param>
/// <param name="Matrices">One matrix per manifest file.</param>
public sealed record CorpusFeatures(string Extractor, IReadOnlyList<FeatureMatrix> Matrices)
{
    /// <summary>Loads each WAV as 16 kHz mono and runs <paramref name="extractor"/> on it.</summary>
    /// <exception cref="InvalidDataException">The front-end returns the wrong feature count.</exception>
    public static CorpusFeatures Extract(ICorpusFileSource source, CorpusManifest manifest, IFrameFeatureExtractor extractor)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(extractor);
        var matrices = new List<FeatureMatrix>();
        foreach (var file in manifest.Files)
        {
            AudioClip clip;
            using (var stream = source.Open(file.Audio))
            {
                clip = AudioLoader.LoadMono(stream, file.Audio, 16000);
            }

            var features = extractor.Extract(clip);
            if (features.Features != extractor.FeatureCount)
            {
                throw new InvalidDataException($"{file.Audio}: the front-end {extractor.Name} gave {features.Features} features per frame, expected {extractor.FeatureCount}");
            }

            matrices.Add(features);
        }

        return new CorpusFeatures(extractor.Name, matrices);
    }
}
