using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Hosting;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Cli;

/// <summary><c>affect demo</c>: the main job on the embedded default (folder store, in-memory Durable Task engine, built-in synthetic corpora).</summary>
internal static class DemoCommand
{
    /// <summary>Corpus folder names of the four built-in synthetic corpora.</summary>
    public static readonly (SyntheticCorpusKind Kind, string Name)[] Corpora =
    [
        (SyntheticCorpusKind.Recola, "recola"),
        (SyntheticCorpusKind.Semaine, "semaine"),
        (SyntheticCorpusKind.CreativeIt, "creativeit"),
        (SyntheticCorpusKind.Usoms, "usoms"),
    ];

    /// <summary>The command.</summary>
    public static CliCommand Command { get; } = new("demo", """
        affect demo [--out DIR] [--seed N] [--scale demo|paper] [--batch-size N] [--retrain-train-devel] [--fusion-pool 100000] [--fusion-chunks 4]
            [--lstm-deadline SECONDS] [--quiet | --json]
            generate the built-in synthetic corpora, run every stage on a folder store, write DIR/results.json and DIR/report.html
            (DIR defaults to ./affect-demo; seed 1; --scale demo (default, a minute or two) or paper (the paper's corpus sizes,
            about 15 h of audio and the paper's 1000-word BoAW codebooks: hours); 4 files per fan-out activity; --retrain-train-devel refits the fused learners
            on train + devel for their test scores; the weighted-fusion pool search fans out over --fusion-chunks activities);
            progress per stage with ETA on stderr; --quiet prints only the results.json path, --json one JSON summary on stdout
        """, RunAsync)
    {
        Options = ["out", "seed", "scale", "batch-size", "fusion-pool", "fusion-chunks", "lstm-deadline"],
        Flags = ["retrain-train-devel", .. CommandOutput.Flags],
    };

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        string outDir = Path.GetFullPath(args.Get("out") ?? "affect-demo");
        var scale = CorpusCommand.ParseScale(args.Get("scale"));

        // Small BoAW codebooks keep the demo to about a minute; the paper's setting is 1000 words (affect run --boaw-size).
        // auDeep and End2You run at their documented defaults at paper scale, with small networks (AuDeepOptions.Demo,
        // End2YouSpec.Demo) in the demo.
        var flags = SpecFlags.Parse(args, [.. Corpora.Select(c => c.Name)], scale == SyntheticScale.Paper ? null : new BoawSpec(Size: 100, Iterations: 30));
        var experiment = flags with
        {
            AuDeep = scale == SyntheticScale.Paper ? new AuDeepOptions() : AuDeepOptions.Demo,
            End2You = scale == SyntheticScale.Paper ? new End2YouSpec() : End2YouSpec.Demo,
        };
        ulong seed = experiment.Seed;
        using var output = CommandOutput.For(args, "demo");
        args.RejectUnknown();

        string storeDir = Path.Combine(outDir, "store");
        var store = new FolderBlobStore(storeDir);
        output.Line($"affect demo: seed {seed}; {scale.ToString().ToLowerInvariant()} scale; folder store {storeDir}");
        foreach (var ((kind, name), i) in Corpora.Select((c, i) => (c, i)))
        {
            output.Progress("corpora", i, Corpora.Length);
            var corpusSpec = SyntheticCorpusSpec.ForScale(kind, seed, scale);
            var files = SyntheticCorpusGenerator.Generate(corpusSpec);
            await UploadAsync(store, name, files, cancellationToken);
            output.Detail($"  corpus {name}: {files.Count - 2} files generated and uploaded");
        }

        output.Progress("corpora", Corpora.Length, Corpora.Length);
        var (outcome, runId, written) = await RunCommand.ExecuteAsync(store, BlobStore.FolderPrefix + storeDir, DurableEngineOptions.InMemory, experiment, outDir, inProcessWorker: true, output, cancellationToken);
        output.Finish(RunCommand.Summary(outcome, runId, written, storeDir));
        return 0;
    }

    /// <summary>Uploads a corpus with its manifest last (the manifest's arrival is what triggers a run); unchanged blobs are left alone.</summary>
    public static async Task UploadAsync(IBlobStore store, string corpus, IReadOnlyList<CorpusFile> files, CancellationToken cancellationToken)
    {
        foreach (var file in files.OrderBy(f => f.RelativePath == "manifest.json" ? 1 : 0))
        {
            string name = $"{corpus}/{file.RelativePath}";
            if (await store.GetInfoAsync(Containers.Corpora, name, cancellationToken) is { } info && info.Length == file.Content.Length
                && (await store.GetBytesAsync(Containers.Corpora, name, cancellationToken)).AsSpan().SequenceEqual(file.Content))
            {
                continue;
            }

            await store.PutBytesAsync(Containers.Corpora, name, file.Content, cancellationToken: cancellationToken);
        }
    }
}
