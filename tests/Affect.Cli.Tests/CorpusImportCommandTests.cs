using System.Text.Json;
using Affect.Corpora.Tests.Import;
using Affect.Storage.Tests;

namespace Affect.Cli.Tests;

/// <summary>
/// The issue's "done when": an EmoDB-style folder (files named in EmoDB's scheme) goes end to end with one
/// <c>affect corpus import</c>, one <c>affect corpus upload</c> and one <c>affect run</c>, giving a report with learner
/// rows; then <c>affect results download</c> fetches it back.
/// </summary>
public sealed class CorpusImportCommandTests : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task EmoDb_folder_imports_uploads_runs_and_downloads_end_to_end()
    {
        string src = SourceTrees.EmoDb(Path.Combine(dir, "emodb-download"), speakers: 5, seconds: 0.4);
        string corpus = Path.Combine(dir, "emodb");
        string store = Path.Combine(dir, "store");

        var import = await CliProcess.RunAsync("corpus", "import", "--layout", "emodb", src, "--out", corpus, "--seed", "3");
        Assert.True(import.ExitCode == 0, CliProcess.Describe(import.Stdout, import.Stderr));
        Assert.Contains("imported 35 files (34 copied, 1 converted to 16 kHz mono PCM)", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("anger 5, boredom 5", import.Stdout, StringComparison.Ordinal);

        var upload = await CliProcess.RunAsync("corpus", "upload", corpus, "--store", store);
        Assert.True(upload.ExitCode == 0, CliProcess.Describe(upload.Stdout, upload.Stderr));
        Assert.Contains("uploaded 36 files", upload.Stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(corpus, "audio", "03a01Wa.wav")), File.ReadAllBytes(Path.Combine(store, "corpora", "emodb", "audio", "03a01Wa.wav")));

        await AssertFails(1, "--name: name: 'no/slash' is not a valid corpus name", "corpus", "upload", corpus, "--store", store, "--name", "no/slash");

        string results = Path.Combine(dir, "results");
        var run = await CliProcess.RunAsync("run", "--store", store, "--corpus", "emodb", "--boaw-size", "16", "--learner", "kelm", "--learner", "svm", "--no-worker", "--out", results, "--json");
        Assert.True(run.ExitCode == 0, CliProcess.Describe(run.Stdout, run.Stderr));
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(results, "results.json"))))
        {
            var rows = doc.RootElement.GetProperty("classification").EnumerateArray().ToList();
            Assert.Equal(6, rows.Count); // OSFUN, OSBOAW, OSFUN+OSBOAW × kelm, svm
            Assert.All(rows, r => Assert.Equal("emodb", r.GetProperty("corpus").GetString()));
            Assert.All(rows, r => Assert.InRange(r.GetProperty("testUar").GetDouble(), 0, 1));
            var lstm = doc.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "lstm");
            Assert.Contains("skipped: this run has 0 dimensional corpora", lstm.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        string html = File.ReadAllText(Path.Combine(results, "report.html"));
        Assert.Contains("Stage <b>lstm</b> skipped", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>OSFUN</td><td>kelm</td><td>emodb</td>", html, StringComparison.Ordinal); // a learner row (Table 3)
        Assert.Contains("<tr><td>OSFUN+OSBOAW</td><td>svm</td><td>emodb</td>", html, StringComparison.Ordinal);

        string runId;
        using (var summary = JsonDocument.Parse(run.Stdout))
        {
            runId = summary.RootElement.GetProperty("run").GetString()!; // --json: the summary names the run
        }

        Assert.StartsWith("run-", runId, StringComparison.Ordinal);
        string downloaded = Path.Combine(dir, "downloaded");
        var download = await CliProcess.RunAsync("results", "download", runId, "--store", store, "--out", downloaded);
        Assert.True(download.ExitCode == 0, CliProcess.Describe(download.Stdout, download.Stderr));
        Assert.Equal(File.ReadAllBytes(Path.Combine(results, "results.json")), File.ReadAllBytes(Path.Combine(downloaded, "results.json")));
        Assert.True(File.Exists(Path.Combine(downloaded, "report.html")));
        Assert.True(File.Exists(Path.Combine(downloaded, "run.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(results, "timings.json")), File.ReadAllBytes(Path.Combine(downloaded, "timings.json")));
        string scores = Path.Combine(downloaded, "scores", "emodb", "OSFUN", "kelm", "test.scores.csv");
        Assert.True(File.Exists(scores), string.Join("\n", Directory.GetFiles(downloaded, "*", SearchOption.AllDirectories)));
        Assert.StartsWith("name,", File.ReadLines(scores).First(), StringComparison.Ordinal);

        var again = await CliProcess.RunAsync("results", "download", "run-0000", "--store", store, "--out", Path.Combine(dir, "none"));
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith($"affect: error: runs/run-0000/results.json: run: no finished run 'run-0000' (the store holds {runId})", again.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "none")));
    }

    [Fact]
    public async Task Bad_inputs_give_one_error_line_naming_file_and_field_and_write_nothing()
    {
        string src = SourceTrees.EmoDb(Path.Combine(dir, "emodb-download"), speakers: 3, seconds: 0.05);
        SourceTrees.Write(src, "wav/03a09Qa.wav", SourceTrees.Wav(1, 0.05, 1));
        string corpus = Path.Combine(dir, "emodb");
        await AssertFails(1, "wav/03a09Qa.wav: name[6]: emotion letter 'Q'", "corpus", "import", "--layout", "emodb", src, "--out", corpus);
        File.Delete(Path.Combine(src, "wav", "03a09Qa.wav"));

        await AssertFails(2, "affect: usage: --layout: 'emo' is not one of folder, emodb", "corpus", "import", "--layout", "emo", src, "--out", corpus);
        await AssertFails(2, "affect: usage: --class-from: '(' is not a valid regular expression", "corpus", "import", "--layout", "folder", src, "--out", corpus, "--class-from", "(");
        await AssertFails(2, "affect: usage: --speaker-from: '^[0-9]+' has no capture group", "corpus", "import", "--layout", "folder", src, "--out", corpus, "--class-from", "(a)", "--speaker-from", "^[0-9]+");
        await AssertFails(1, "affect: error: missing.csv: file: does not exist", "corpus", "import", "--layout", "folder", src, "--out", corpus, "--labels", "missing.csv");
        File.WriteAllBytes(Path.Combine(dir, "latin1.csv"), [0x66, 0x69, 0x6c, 0x65, 0x2c, 0x6c, 0x61, 0x62, 0x65, 0x6c, 0x0a, 0xe9, 0x0a]);
        await AssertFails(1, $"affect: error: {Path.Combine(dir, "latin1.csv")}: file: cannot be read as UTF-8 text", "corpus", "import", "--layout", "folder", src, "--out", corpus, "--labels", Path.Combine(dir, "latin1.csv"));
        await AssertFails(1, "affect: error: ../outside.csv: --labels: '../outside.csv' has a '..' segment", "corpus", "import", "--layout", "folder", src, "--out", corpus, "--labels", "../outside.csv");
        await AssertFails(1, "affect: error: " + Path.Combine(dir, "nope") + ": folder: does not exist", "corpus", "import", "--layout", "emodb", Path.Combine(dir, "nope"), "--out", corpus);
        Assert.False(Directory.Exists(corpus));
        Assert.Empty(Directory.GetDirectories(dir, ".*"));

        // upload refuses an invalid corpus folder and writes nothing to the store
        Directory.CreateDirectory(Path.Combine(dir, "broken"));
        File.WriteAllText(Path.Combine(dir, "broken", "manifest.json"), "{}");
        var r = await CliProcess.RunAsync("corpus", "upload", Path.Combine(dir, "broken"), "--store", Path.Combine(dir, "store"));
        Assert.True(r.ExitCode == 1, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains("nothing uploaded", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "store")));
    }

    private static async Task AssertFails(int exitCode, string start, params string[] args)
    {
        var r = await CliProcess.RunAsync(args);
        Assert.True(r.ExitCode == exitCode, CliProcess.Describe(r.Stdout, r.Stderr));
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(start.StartsWith("affect: ", StringComparison.Ordinal) ? start : "affect: error: " + start, line, StringComparison.Ordinal);
    }
}

/// <summary><c>affect corpus upload</c> to Azurite: the blobs arrive under corpora/NAME/, renamed by --name, manifest included.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CorpusUploadAzuriteTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string dir = CliProcess.TempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Upload_to_azurite_verifies_every_blob_and_renames_the_corpus()
    {
        string src = SourceTrees.Ravdess(Path.Combine(dir, "ravdess"), actors: 3);
        string corpus = Path.Combine(dir, "ravdess-corpus");
        var import = await CliProcess.RunAsync("corpus", "import", "--layout", "ravdess", src, "--out", corpus, "--name", "ravdess");
        Assert.True(import.ExitCode == 0, CliProcess.Describe(import.Stdout, import.Stderr));
        var upload = await CliProcess.RunAsync("corpus", "upload", corpus, "--store", azurite.ConnectionString, "--name", "ravdess-a");
        Assert.True(upload.ExitCode == 0, CliProcess.Describe(upload.Stdout, upload.Stderr));
        Assert.Contains("uploaded 25 files", upload.Stdout, StringComparison.Ordinal);
        var store = Affect.Storage.BlobStore.Open(azurite.ConnectionString);
        var manifest = Affect.Corpora.CorpusManifest.Parse(System.Text.Encoding.UTF8.GetString(await Affect.Storage.BlobStoreExtensions.GetBytesAsync(store, "corpora", "ravdess-a/manifest.json")), "manifest.json");
        Assert.Equal("ravdess-a", manifest.Name);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(corpus, "audio", "03-01-08-01-01-01-03.wav")),
            await Affect.Storage.BlobStoreExtensions.GetBytesAsync(store, "corpora", "ravdess-a/audio/03-01-08-01-01-01-03.wav"));
    }
}
