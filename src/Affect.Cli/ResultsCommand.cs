using Affect.Hosting;
using Affect.Storage;

namespace Affect.Cli;

/// <summary><c>affect results download</c>.</summary>
internal static class ResultsCommand
{
    /// <summary><c>affect results download</c>.</summary>
    public static CliCommand Download { get; } = new("results download", """
        affect results download RUN --store CONN --out DIR
            fetch a finished run's results.json, report.html, run.json, timings.json and per-file scores (scores/CORPUS/SET/LEARNER/*.scores.csv)
            from a store into DIR (written whole or not at all)
        """, DownloadAsync)
    {
        Options = ["store", "out"],
        MinPositional = 1,
        MaxPositional = 1,
    };

    private static async Task<int> DownloadAsync(Arguments a, CancellationToken cancellationToken)
    {
        string connection = a.Require("store");
        string outDir = a.Require("out");
        a.RejectUnknown();
        RunCommand.RequireExistingStore(connection);
        var download = await CorpusTransfer.DownloadRunAsync(BlobStore.Open(connection), a.Positional[0], outDir, cancellationToken);
        Console.WriteLine($"wrote {download.Files.Count} files to {download.Directory}: {string.Join(", ", download.Files.Where(f => !f.StartsWith("scores/", StringComparison.Ordinal)))} and {download.Files.Count(f => f.StartsWith("scores/", StringComparison.Ordinal))} score files");
        return 0;
    }
}
