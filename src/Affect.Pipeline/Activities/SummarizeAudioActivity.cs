using Affect.Audio;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>Per-file audio summary (duration, level, clipping, activity) of one batch of an ingested corpus.</summary>
public sealed class SummarizeAudioActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<AudioSummaryBatch, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public async Task<ArtifactRef> RunAsync(AudioSummaryBatch input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        string key = ArtifactKey.Compute(
            "audio-summary",
            Version,
            new Dictionary<string, string> { ["start"] = input.Start.ToString(System.Globalization.CultureInfo.InvariantCulture), ["count"] = input.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            [await BatchFingerprint.ComputeAsync(store, artifacts, input.RecordBlob, input.Start, input.Count, cancellationToken)]);
        return await artifacts.GetOrCreateAsync("audio-summary", key, "summary.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            if (input.Start < 0 || input.Count < 0 || input.Start + input.Count > record.Files.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(input), $"batch {input.Start}+{input.Count} is outside the {record.Files.Count} files of '{record.Corpus}'");
            }

            var rows = new List<FileAudioSummary>(input.Count);
            foreach (var file in record.Files.Skip(input.Start).Take(input.Count))
            {
                using var buffered = new MemoryStream(await CorpusFiles.ReadVerifiedAsync(store, file.Audio, file.Sha256, ct), writable: false);
                var clip = AudioLoader.LoadMono(buffered, $"{Containers.Corpora}/{file.Audio}", 16000);
                var s = AudioSummary.Compute(clip.Samples, clip.SampleRate);
                rows.Add(new FileAudioSummary(file.Id, file.Speaker, file.Partition, Round(s.DurationSeconds), Round(s.RmsDbfs), Round(s.PeakAbs), Round(s.ClippedFraction), Round(s.ActiveFraction)));
            }

            return ArtifactFiles.Only(MemoizedArtifacts.ToJsonBytes(new AudioSummaryArtifact(record.Corpus, input.Start, rows)));
        }, cancellationToken);
    }

    // Six significant decimals: the summary is for people; rounding keeps the JSON stable and readable.
    private static double Round(double v) => Math.Round(v, 6, MidpointRounding.ToEven);
}

/// <summary>The stored output of <see cref="SummarizeAudioActivity"/>.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Start">Index of the batch's first file.</param>
/// <param name="Files">One row per file.</param>
public sealed record AudioSummaryArtifact(string Corpus, int Start, IReadOnlyList<FileAudioSummary> Files);

/// <summary>Audio summary of one file (after downmix and resampling to 16 kHz).</summary>
/// <param name="Id">File id.</param>
/// <param name="Speaker">Speaker id.</param>
/// <param name="Partition">Partition.</param>
/// <param name="DurationSeconds">Duration in seconds.</param>
/// <param name="RmsDbfs">RMS level in dB full scale.</param>
/// <param name="Peak">Largest absolute sample.</param>
/// <param name="ClippedFraction">Share of samples at full scale.</param>
/// <param name="ActiveFraction">Share of frames with activity.</param>
public sealed record FileAudioSummary(string Id, string Speaker, string Partition, double DurationSeconds, double RmsDbfs, double Peak, double ClippedFraction, double ActiveFraction);
