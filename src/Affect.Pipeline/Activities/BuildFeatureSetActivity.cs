using Affect.Audio;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Activities;

/// <summary>
/// Assembles an utterance-level feature set of a categorical corpus (paper Section 4.1): OSFUN (6373 ComParE
/// functionals), OSBOAW (bag-of-audio-words histograms) or their feature-level fusion OSFUN+OSBOAW, split into the
/// corpus's train/devel/test partitions with class labels, as <c>featureset.json</c> + one <c>.npy</c> per partition.
/// EGEMAPS (the 88 eGeMAPS v02 functionals of <see cref="EGeMapsActivity"/>) and AuDeep (the autoencoder representations of
/// <see cref="ExtractAuDeepActivity"/>) are built the same way when their artifacts are given.
/// </summary>
public sealed class BuildFeatureSetActivity(IBlobStore store, ActivityLog log) : IPipelineActivity<FeatureSetRequest, ArtifactRef>
{
    /// <summary>Version of this stage's code; bump it when its output changes.</summary>
    public const int Version = 1;

    /// <summary>The feature-set names this activity knows.</summary>
    public static readonly IReadOnlyList<string> Names = ["OSFUN", "OSBOAW", "OSFUN+OSBOAW"];

    /// <summary>The eGeMAPS v02 feature set (88 functionals), built when the request carries eGeMAPS artifacts.</summary>
    public const string EGeMapsName = "EGEMAPS";

    /// <summary>The auDeep feature set (concatenated autoencoder representations of <see cref="ExtractAuDeepActivity"/>), named as in the paper's tables.</summary>
    public const string AuDeepName = "AuDeep";

    private readonly MemoizedArtifacts artifacts = new(store, log);

    /// <inheritdoc />
    public Task<ArtifactRef> RunAsync(FeatureSetRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Names.Contains(input.Name) && input.Name != EGeMapsName && input.Name != AuDeepName)
        {
            throw new ArgumentException($"feature set '{input.Name}' is not one of {string.Join(", ", Names)}, {EGeMapsName}, {AuDeepName}", nameof(input));
        }

        bool fun = input.Name.Contains("OSFUN", StringComparison.Ordinal);
        bool boaw = input.Name.Contains("OSBOAW", StringComparison.Ordinal);
        bool egemaps = input.Name == EGeMapsName;
        bool audeep = input.Name == AuDeepName;
        if ((fun && input.Functionals.Count == 0) || (boaw && input.Boaw is null) || (egemaps && (input.EGeMaps is null || input.EGeMaps.Count == 0))
            || (audeep && (input.AuDeep is null || input.AuDeep.Count == 0)))
        {
            throw new ArgumentException($"feature set '{input.Name}' of '{input.Corpus}' lacks its input artifacts", nameof(input));
        }

        var inputKeys = new List<string> { input.RecordKey };
        if (fun)
        {
            inputKeys.AddRange(input.Functionals.Select(f => f.Key));
        }

        if (boaw)
        {
            inputKeys.Add(input.Boaw!.Key);
        }

        if (egemaps)
        {
            inputKeys.AddRange(input.EGeMaps!.Select(f => f.Key));
        }

        if (audeep)
        {
            inputKeys.AddRange(input.AuDeep!.Select(f => f.Key));
        }

        string key = ArtifactKey.Compute("featureset", Version, new Dictionary<string, string> { ["name"] = input.Name }, inputKeys);
        return artifacts.GetOrCreateAsync("featureset", key, "featureset.json", async ct =>
        {
            var record = await artifacts.ReadJsonAsync<CorpusRecord>(input.RecordBlob, ct);
            var blocks = new List<Block>();
            if (fun)
            {
                foreach (var f in input.Functionals)
                {
                    var doc = await artifacts.ReadJsonAsync<FunctionalsArtifact>(f.Blob, ct);
                    blocks.Add(await ReadBlockAsync("OSFUN", f.Blob, doc.Matrix, doc.Ids, doc.Names, ct));
                }
            }

            if (egemaps)
            {
                foreach (var f in input.EGeMaps!)
                {
                    var doc = await artifacts.ReadJsonAsync<FunctionalsArtifact>(f.Blob, ct);
                    blocks.Add(await ReadBlockAsync(EGeMapsName, f.Blob, doc.Matrix, doc.Ids, doc.Names, ct));
                }
            }

            if (audeep)
            {
                foreach (var f in input.AuDeep!)
                {
                    var doc = await artifacts.ReadJsonAsync<FunctionalsArtifact>(f.Blob, ct);
                    blocks.Add(await ReadBlockAsync(AuDeepName, f.Blob, doc.Matrix, doc.Ids, doc.Names, ct));
                }
            }

            if (boaw)
            {
                var doc = await artifacts.ReadJsonAsync<BoawArtifact>(input.Boaw!.Blob, ct);
                blocks.Add(await ReadBlockAsync("OSBOAW", input.Boaw.Blob, doc.Matrix, doc.Ids, doc.Words, ct));
            }

            // Columns: OSFUN block names then OSBOAW block names; rows: one per corpus file, found in every family.
            var families = blocks.GroupBy(b => b.Family).Select(g => g.ToList()).ToList();
            var featureNames = families.SelectMany(g => g[0].Names).ToList();
            int width = featureNames.Count;
            var side = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var parts = new Dictionary<string, FeatureSetPartition>(StringComparer.Ordinal);
            foreach (string partition in new[] { "train", "devel", "test" })
            {
                var files = record.Files.Where(f => f.Partition == partition).ToList();
                if (files.Count == 0)
                {
                    continue;
                }

                var values = new float[files.Count * width];
                for (int r = 0; r < files.Count; r++)
                {
                    int offset = r * width;
                    foreach (var family in families)
                    {
                        var block = family.FirstOrDefault(b => b.Rows.ContainsKey(files[r].Id))
                            ?? throw new InvalidDataException($"{input.Corpus}: {family[0].Family}: no features for file '{files[r].Id}'");
                        int row = block.Rows[files[r].Id];
                        block.Values.AsSpan(row * block.Names.Count, block.Names.Count).CopyTo(values.AsSpan(offset));
                        offset += block.Names.Count;
                    }
                }

                using var ms = new MemoryStream();
                NpyFormat.Write(ms, values, files.Count, width);
                side[partition + ".npy"] = ms.ToArray();
                parts[partition] = new FeatureSetPartition(partition + ".npy", [.. files.Select(f => f.Id)], [.. files.Select(f => f.Label)]);
            }

            if (!parts.ContainsKey("train") || !parts.ContainsKey("test"))
            {
                throw new InvalidDataException($"{input.Corpus}: partitions: a feature set needs train and test files");
            }

            var set = new FeatureSetArtifact(parts["train"], parts.GetValueOrDefault("devel"), parts["test"], featureNames);
            return new ArtifactFiles(MemoizedArtifacts.ToJsonBytes(set), side);
        }, cancellationToken);
    }

    private async Task<Block> ReadBlockAsync(string family, string mainBlob, string matrix, IReadOnlyList<string> ids, IReadOnlyList<string> names, CancellationToken ct)
    {
        string folder = mainBlob[..(mainBlob.LastIndexOf('/') + 1)];
        byte[] bytes = await store.GetBytesAsync(Containers.Artifacts, folder + matrix, ct);
        var (values, rows, cols) = NpyFormat.Read(new MemoryStream(bytes, writable: false), $"{Containers.Artifacts}/{folder}{matrix}");
        if (rows != ids.Count || cols != names.Count)
        {
            throw new InvalidDataException($"{Containers.Artifacts}/{folder}{matrix}: shape: {rows}×{cols}, its index names {ids.Count} files × {names.Count} features");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            index[ids[i]] = i;
        }

        return new Block(family, names, values, index);
    }

    private sealed record Block(string Family, IReadOnlyList<string> Names, float[] Values, Dictionary<string, int> Rows);
}

/// <summary>Input of <see cref="BuildFeatureSetActivity"/>.</summary>
/// <param name="Corpus">The categorical corpus.</param>
/// <param name="Name">OSFUN, OSBOAW, OSFUN+OSBOAW or EGEMAPS.</param>
/// <param name="RecordKey">Key of the corpus's ingest artifact.</param>
/// <param name="RecordBlob">Blob of the corpus's ingest artifact (partitions and labels).</param>
/// <param name="Functionals">The corpus's functionals artifacts (needed for OSFUN sets).</param>
/// <param name="Boaw">The corpus's BoAW artifact (needed for OSBOAW sets).</param>
/// <param name="EGeMaps">The corpus's <see cref="EGeMapsActivity"/> artifacts (needed for the EGEMAPS set).</param>
/// <param name="AuDeep">The corpus's <see cref="ExtractAuDeepActivity"/> artifacts (needed for the AuDeep set).</param>
public sealed record FeatureSetRequest(string Corpus, string Name, string RecordKey, string RecordBlob, IReadOnlyList<ArtifactRef> Functionals, ArtifactRef? Boaw, IReadOnlyList<ArtifactRef>? EGeMaps = null, IReadOnlyList<ArtifactRef>? AuDeep = null);
