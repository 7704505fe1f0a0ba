using System.Text;
using System.Text.Json;
using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Training;

/// <summary>
/// Trains an <see cref="End2YouTrainingJob"/> on the worker: the raw audio of the corpus's train and devel files read from
/// <c>corpora/</c> at the ingested version (SHA-256 checked), mono 16 kHz; the model trained on train with the epoch
/// chosen by devel UAR (<see cref="End2YouExperiment"/>), exported to ONNX. The classes and their order are the
/// manifest's. It trains on the worker's device (<c>--device</c>: cpu, cuda or auto; cuda without a GPU fails before any
/// audio is read, as for the LSTM and auDeep jobs). A bad job or corpus (no train/devel file, an unknown label) is an <see cref="ArgumentException"/> naming
/// the field, which the worker gives up on at once.
/// </summary>
public static class End2YouJobRunner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n" };

    /// <summary>Trains <paramref name="job"/>; returns <c>end2you.onnx</c>, <c>metrics.json</c> and last <c>end2you.json</c> as blobs under <c>models/</c>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="store">The store with the ingest record and the corpus audio.</param>
    /// <param name="threads">Torch intra-op threads (1 is bit-reproducible).</param>
    /// <param name="device">Torch device: cpu (bit-reproducible), cuda or auto.</param>
    /// <param name="log">Progress lines (epochs), or null.</param>
    /// <param name="cancellationToken">Stops the training between batches (the worker's stop).</param>
    public static async Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(End2YouTrainingJob job, IBlobStore store, int threads, string device, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(store);
        job.Validate();
        string used = LstmTrainer.ResolveDevice(device).type == TorchSharp.DeviceType.CUDA ? "cuda" : "cpu";
        var record = await store.GetJsonAsync<CorpusRecord>(Containers.Artifacts, job.RecordBlob, MemoizedArtifacts.Json, cancellationToken);
        if (record.Corpus != job.Corpus || record.Kind != "categorical")
        {
            throw new ArgumentException($"end2you training job {job.ModelKey}: recordBlob: {Containers.Artifacts}/{job.RecordBlob} is the {record.Kind} corpus '{record.Corpus}', not the categorical corpus '{job.Corpus}'");
        }

        byte[] manifestBytes = await CorpusFiles.ReadVerifiedAsync(store, record.ManifestBlob, record.ManifestSha256, cancellationToken);
        var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(manifestBytes), $"{Containers.Corpora}/{record.ManifestBlob}");
        var utterances = new List<End2YouUtterance>();
        foreach (var file in record.Files.Where(f => f.Partition is "train" or "devel"))
        {
            var audio = await CorpusFiles.ReadVerifiedAsync(store, file.Audio, file.Sha256, cancellationToken);
            var clip = AudioLoader.LoadMono(new MemoryStream(audio, writable: false), $"{Containers.Corpora}/{file.Audio}", AudioLoader.DefaultSampleRate);
            utterances.Add(new End2YouUtterance(file.Id, file.Partition, file.Label, clip.Samples));
        }

        var options = new End2YouOptions(job.Parameters, job.Seed, threads, used);
        End2YouOutcome outcome;
        try
        {
            outcome = End2YouExperiment.Run(utterances, manifest.Classes, options, line => log?.Invoke($"{job.ModelKey}: End2You {job.Corpus}: {line}"), cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"end2you training job {job.ModelKey}: {Containers.Artifacts}/{job.RecordBlob}: {e.Message}", e);
        }

        var m = outcome.Metrics;
        var description = new End2YouModelDescription(job.Corpus, m.Classes, End2YouModelBlobs.Onnx(job.ModelKey), options.Frames, options.FrameSamples, m.BestEpoch, m.DevelUar, used);
        return
        [
            (End2YouModelBlobs.Onnx(job.ModelKey), outcome.Model),
            (LstmModelBlobs.Metrics(job.ModelKey), m.ToJsonBytes()),
            (End2YouModelBlobs.Model(job.ModelKey), JsonSerializer.SerializeToUtf8Bytes(description, Json)),
        ];
    }
}
