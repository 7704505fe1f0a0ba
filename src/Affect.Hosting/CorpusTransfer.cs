using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Hosting;

/// <summary>What <see cref="CorpusTransfer.UploadAsync"/> put into the store.</summary>
/// <param name="Name">The corpus name in the store (<c>corpora/{name}/</c>).</param>
/// <param name="Files">Blobs written, manifest included.</param>
/// <param name="Bytes">Bytes written.</param>
public sealed record CorpusUpload(string Name, int Files, long Bytes);

/// <summary>What <see cref="CorpusTransfer.DownloadRunAsync"/> fetched.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="Files">Files written, relative to it.</param>
public sealed record RunDownload(string Directory, IReadOnlyList<string> Files);

/// <summary>
/// Moves corpora into a store and run results out of it: a corpus folder goes to <c>corpora/{name}/</c> file by file,
/// each read back and compared by SHA-256, the manifest last (its arrival starts a run on Azure); a run's
/// <c>results.json</c>, <c>report.html</c>, <c>run.json</c> and per-file score CSVs come back into a folder written atomically.
/// </summary>
public static class CorpusTransfer
{
    /// <summary>Uploads the valid corpus folder <paramref name="directory"/> as <paramref name="name"/> (default: the manifest's name).</summary>
    /// <exception cref="CorpusFormatException">The folder is not a valid corpus (every problem listed).</exception>
    /// <exception cref="IOException">A blob read back differs from the file (naming both).</exception>
    public static async Task<CorpusUpload> UploadAsync(IBlobStore store, string directory, string? name, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var problems = CorpusValidator.ValidateFolder(directory);
        if (problems.Count > 0)
        {
            throw new CorpusFormatException(problems);
        }

        var manifest = CorpusManifest.Parse(await File.ReadAllTextAsync(Path.Combine(directory, CorpusManifest.FileName), cancellationToken), CorpusManifest.FileName);
        if (name is not null && name != manifest.Name)
        {
            manifest = manifest with { Name = name };
            try
            {
                CorpusManifest.Parse(manifest.ToJson(), "--name"); // the new name must be valid too
            }
            catch (CorpusFormatException e)
            {
                throw new FormatException($"--name: name: {e.Problems[0].Message}", e);
            }
        }

        string prefix = manifest.Name + "/";
        var paths = manifest.Files.SelectMany(f => f.Labels is null ? new[] { f.Audio } : [f.Audio, f.Labels.Path]).Distinct(StringComparer.Ordinal).ToList();
        long bytes = 0;
        foreach (string path in paths)
        {
            string file = Path.Combine(directory, path);
            byte[] hash;
            await using (var stream = RegularFile.OpenRead(file, path))
            {
                hash = await SHA256.HashDataAsync(stream, cancellationToken);
                stream.Position = 0;
                bytes += stream.Length;
                await store.PutAsync(Containers.Corpora, prefix + path, stream, cancellationToken: cancellationToken);
            }

            await VerifyAsync(store, prefix + path, hash, path, cancellationToken);
            progress?.Invoke(path);
        }

        byte[] json = Encoding.UTF8.GetBytes(manifest.ToJson());
        await store.PutBytesAsync(Containers.Corpora, prefix + CorpusManifest.FileName, json, cancellationToken: cancellationToken);
        await VerifyAsync(store, prefix + CorpusManifest.FileName, SHA256.HashData(json), CorpusManifest.FileName, cancellationToken);
        progress?.Invoke(CorpusManifest.FileName);
        return new CorpusUpload(manifest.Name, paths.Count + 1, bytes + json.Length);
    }

    /// <summary>
    /// Fetches run <paramref name="runId"/>'s <c>results.json</c>, <c>report.html</c>, <c>run.json</c>, <c>timings.json</c> and every
    /// learner's and fused system's score CSVs (<c>scores/{corpus}/{feature set}/{learner}/devel|test.scores.csv</c>,
    /// <c>scores/{stage}/{key}/...</c>) into <paramref name="outDir"/>, built in a hidden sibling folder and renamed into place.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such run in the store (naming the runs it holds).</exception>
    /// <exception cref="IOException">The output folder exists and is not empty.</exception>
    public static async Task<RunDownload> DownloadRunAsync(IBlobStore store, string runId, string outDir, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir));
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException($"{outDir}: --out: already exists and is not empty (expected a new folder)");
        }

        string results = $"{runId}/{ReportBlobs.ResultsFile}";
        if (runId.Contains('/', StringComparison.Ordinal) || runId.Contains("..", StringComparison.Ordinal) || await store.GetInfoAsync(Containers.Runs, results, cancellationToken) is null)
        {
            var runs = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var blob in store.ListAsync(Containers.Runs, string.Empty, cancellationToken))
            {
                if (blob.Name.EndsWith("/" + ReportBlobs.ResultsFile, StringComparison.Ordinal))
                {
                    runs.Add(blob.Name[..blob.Name.IndexOf('/', StringComparison.Ordinal)]);
                }
            }

            string have = runs.Count == 0 ? "the store holds no finished run" : "the store holds " + string.Join(", ", runs);
            throw new FileNotFoundException($"{Containers.Runs}/{DisplayText.Escape(runId)}/{ReportBlobs.ResultsFile}: run: no finished run '{DisplayText.Escape(runId)}' ({have})");
        }

        var files = new List<(string Path, byte[] Bytes)>();
        foreach (string file in new[] { ReportBlobs.ResultsFile, ReportBlobs.HtmlFile, "run.json" })
        {
            files.Add((file, await store.GetBytesAsync(Containers.Runs, $"{runId}/{file}", cancellationToken)));
        }

        // Per-stage timings (runs published before timings.json existed have none).
        string timings = $"{runId}/{RunTimings.FileName}";
        if (await store.GetInfoAsync(Containers.Runs, timings, cancellationToken) is not null)
        {
            files.Add((RunTimings.FileName, await store.GetBytesAsync(Containers.Runs, timings, cancellationToken)));
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(files[0].Bytes))
        {
            if (doc.RootElement.TryGetProperty("classification", out var rows))
            {
                foreach (var row in rows.EnumerateArray())
                {
                    names[row.GetProperty("key").GetString()!] = $"{Safe(row.GetProperty("corpus").GetString())}/{Safe(row.GetProperty("featureSet").GetString())}/{Safe(row.GetProperty("learner").GetString())}";
                }
            }
        }

        using (var doc = JsonDocument.Parse(files[2].Bytes))
        {
            foreach (var activity in doc.RootElement.GetProperty("activities").EnumerateArray())
            {
                string stage = activity.GetProperty("stage").GetString() ?? string.Empty;
                string key = activity.GetProperty("key").GetString() ?? string.Empty;
                string blob = activity.GetProperty("blob").GetString() ?? string.Empty;
                int slash = blob.LastIndexOf('/');
                if (slash <= 0 || stage is not ("classify" or "fusion" or "crosstask" or "discretize"))
                {
                    continue;
                }

                string folder = names.TryGetValue(key, out string? named) ? named : $"{Safe(stage)}/{Safe(key)}";
                await foreach (var score in store.ListAsync(Containers.Artifacts, blob[..(slash + 1)], cancellationToken))
                {
                    if (score.Name.EndsWith("scores.csv", StringComparison.Ordinal) && !score.Name[(slash + 1)..].Contains('/', StringComparison.Ordinal))
                    {
                        files.Add(($"scores/{folder}/{score.Name[(slash + 1)..]}", await store.GetBytesAsync(Containers.Artifacts, score.Name, cancellationToken)));
                    }
                }
            }
        }

        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.download-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            foreach (var (path, bytes) in files)
            {
                string full = Path.Combine(temporary, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllBytesAsync(full, bytes, cancellationToken);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(temporary, target);
        }
        catch
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            throw;
        }

        return new RunDownload(target, [.. files.Select(f => f.Path)]);
    }

    private static async Task VerifyAsync(IBlobStore store, string blob, byte[] expected, string file, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(Containers.Corpora, blob, cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            byte[] actual = await SHA256.HashDataAsync(stream, cancellationToken);
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                throw new IOException($"{file}: sha256: the stored blob {Containers.Corpora}/{blob} reads back as {Convert.ToHexStringLower(actual)[..16]}..., not the file's {Convert.ToHexStringLower(expected)[..16]}... (upload again)");
            }
        }
    }

    // A path segment from a name that may hold characters a file system refuses.
    private static string Safe(string? name)
    {
        var sb = new StringBuilder();
        foreach (char c in name ?? "_")
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' ? c : '_');
        }

        string s = sb.ToString().TrimStart('.');
        return s.Length == 0 ? "_" : s;
    }
}
