using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Activities;
using Affect.Storage.Tests;
using Azure.Storage.Blobs;
using Xunit.Abstractions;

namespace Affect.Cli.Tests.Reliability;

/// <summary>
/// The chaos suite of issue 19: one demo-sized run on Azurite driven as a user would, with <c>affect serve</c> and
/// <c>affect worker</c> as separate real processes, each SIGKILLed at several points and restarted, and Azurite itself
/// stopped and restarted over its persistent data once. The run must complete, and its results.json and every committed
/// artifact and model must equal, byte for byte, those of the same spec run undisturbed on a fresh Azurite.
/// It writes the chaos part of docs/reliability.md.
/// </summary>
/// <remarks>
/// Reduced from the demo so it adds about two minutes to the suite on 2 cores: two small dimensional corpora (3
/// recordings of 30 s each) and a small categorical one (8 speakers × 3 utterances of 9–10 s), BoAW with 16 words and 5
/// k-means iterations, two learners (kelm, svm), a 64-member fusion pool in one chunk, and 1 LSTM epoch (4 trainings: 2
/// corpus orders × arousal/valence). Azurite is stopped with SIGTERM, not SIGKILL: its LokiJS metadata is saved only every
/// few seconds, so a SIGKILL loses writes it already acknowledged, which Azure Storage never does; the stop still cuts
/// every connection of the running serve and worker mid-request.
/// </remarks>
public sealed class ChaosSuiteTests(ITestOutputHelper output)
{
    private const ulong Seed = 20180902; // Interspeech 2018, as the fuzz suite
    private const string Key = "chaos-suite-tests-key-0123456789";
    private static readonly TimeSpan StageLimit = TimeSpan.FromMinutes(4); // generous: CI runs several test projects at once on 2 cores

    private static readonly string[] Stages =
        ["ingest", "audio-summary", "lld", "functionals", "boaw", "feature-sets", "classify", "lstm-queue", "lstm-train", "crosstask", "discretize", "classify-retrain", "fusion-search", "fusion", "fusion-sf", "report", "done"];

    private static readonly string Spec =
        """{"corpora":["recola","semaine","usoms"],"seed":""" + Seed.ToString(CultureInfo.InvariantCulture)
        + ""","features":{"batchSize":2},"boaw":{"size":16,"iterations":5},"learners":{"names":["kelm","svm"]},"lstm":{"epochs":1},"fusion":{"pool":64,"chunks":1}}""";

    [Fact]
    public async Task A_run_whose_serve_worker_and_azurite_are_killed_and_restarted_completes_byte_identical_to_an_undisturbed_run()
    {
        var clock = Stopwatch.StartNew();
        var corpora = Corpora();

        // The undisturbed reference: the same spec on a fresh in-memory Azurite, with its own serve and worker.
        var (referenceId, reference) = await UndisturbedRunAsync(corpora);

        var referenceTime = clock.Elapsed;
        output.WriteLine($"reference run {referenceId}: {referenceTime.TotalSeconds:F0} s, {reference.Count} committed blobs");

        // The disturbed run over a persistent Azurite.
        var faults = new FaultCounts();
        var jitter = new Random(unchecked((int)Seed));
        string location = CliProcess.TempDir();
        var chaos = await AzuriteFixture.StartAsync(location);
        var (blobPort, queuePort, tablePort) = (chaos.BlobPort, chaos.QueuePort, chaos.TablePort);
        string connection = chaos.ConnectionString;
        AffectChild? worker = null;
        ServeProcess? serve = null;
        var log = new StringBuilder();
        try
        {
            await UploadAsync(connection, corpora);

            // 1. A worker killed right after its start, before any job.
            worker = StartWorker(connection);
            await worker.WaitForLineAsync("worker: waiting for jobs", StageLimit);
            await KillAsync(worker, "worker-after-start", faults, log);
            worker = StartWorker(connection);

            // 2. serve killed right after it accepted the run (ingest under way).
            serve = await ServeProcess.StartAsync(connection, "chaos", Key);
            var run = new RunWatch(serve);
            string id = await run.StartAsync();
            Assert.Equal(referenceId, id);
            await Task.Delay(jitter.Next(0, 500));
            await KillAsync(serve, "serve-after-start", faults, log);
            serve = await RestartServeAsync(connection, run);

            // 3. serve killed in the middle of the LLD fan-out.
            await run.WaitForStageAsync("lld", done: 1);
            await Task.Delay(jitter.Next(0, 300));
            await KillAsync(serve, "serve-mid-stage", faults, log);
            serve = await RestartServeAsync(connection, run);

            // 4. Azurite stopped under the running serve and worker, and started again over the same data and ports.
            await run.WaitForStageAsync("functionals");
            chaos.Dispose();
            log.Append(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F1} s: azurite-restart\n");
            faults.Add("azurite-restart");
            await Task.Delay(TimeSpan.FromSeconds(1));
            chaos = await AzuriteFixture.StartAsync(location, blobPort, queuePort, tablePort);

            // 5. The worker killed as its first LSTM training ends (model not yet written, or written and not yet acknowledged).
            await worker.WaitForLineAsync("epoch 1:", StageLimit);
            await KillAsync(worker, "worker-mid-job", faults, log);
            worker = StartWorker(connection);

            // 6. serve killed while the restarted worker trains (completions queue up while no serve listens).
            await worker.WaitForLineAsync(l => l.StartsWith("epoch 1:", StringComparison.Ordinal) || l.Contains(": model exists", StringComparison.Ordinal), StageLimit, "an LSTM job in the restarted worker");
            await KillAsync(serve, "serve-during-lstm", faults, log);
            serve = await RestartServeAsync(connection, run);

            // 7. serve killed once more in the stages after the LSTMs.
            await run.WaitForStageAsync("crosstask");
            await Task.Delay(jitter.Next(0, 300));
            await KillAsync(serve, "serve-late-stage", faults, log);
            serve = await RestartServeAsync(connection, run);

            await run.WaitForStageAsync("done");
            var disturbedTime = clock.Elapsed - referenceTime;
            output.WriteLine($"disturbed run: {disturbedTime.TotalSeconds:F0} s\n{log}");

            // The run completed byte-identical: results.json and every committed artifact and model.
            var committed = await CommittedAsync(connection);
            string results = $"runs/{id}/results.json";
            Assert.True(committed.ContainsKey(results), $"no {results}");
            Assert.True(reference[results].AsSpan().SequenceEqual(committed[results]), "results.json differs from the undisturbed run");
            var lost = reference.Keys.Where(k => !committed.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            var corrupt = reference.Keys.Where(k => committed.TryGetValue(k, out var b) && !b.AsSpan().SequenceEqual(reference[k])).Order(StringComparer.Ordinal).ToList();
            var extra = committed.Keys.Where(k => !reference.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"{committed.Count} committed blobs compared: {lost.Count} lost, {corrupt.Count} differ, {extra.Count} extra");
            WriteReport(faults, reference.Count, lost.Count + corrupt.Count);
            Assert.True(lost.Count == 0, "lost: " + string.Join(", ", lost.Take(10)));
            Assert.True(corrupt.Count == 0, "differ: " + string.Join(", ", corrupt.Take(10)));
            Assert.True(extra.Count == 0, "extra: " + string.Join(", ", extra.Take(10)));
            Assert.Equal(7, faults.Total);
        }
        finally
        {
            output.WriteLine("last serve:\n" + serve?.Output);
            output.WriteLine("last worker:\n" + worker?.Output);
            if (serve is not null)
            {
                await serve.DisposeAsync();
            }

            if (worker is not null)
            {
                await worker.DisposeAsync();
            }

            chaos.Kill();
            Directory.Delete(location, recursive: true);
        }
    }

    private static async Task<(string Id, Dictionary<string, byte[]> Committed)> UndisturbedRunAsync(List<(string Corpus, IReadOnlyList<CorpusFile> Files)> corpora)
    {
        using var azurite = await AzuriteFixture.StartAsync();
        await UploadAsync(azurite.ConnectionString, corpora);
        await using var worker = StartWorker(azurite.ConnectionString);
        await using var serve = await ServeProcess.StartAsync(azurite.ConnectionString, "chaosref", Key);
        var run = new RunWatch(serve);
        string id = await run.StartAsync();
        await run.WaitForStageAsync("done");
        return (id, await CommittedAsync(azurite.ConnectionString));
    }

    private static AffectChild StartWorker(string connection) =>
        AffectChild.Start("worker", "--store", connection, "--poll-seconds", "0.2", "--visibility-seconds", "4");

    private static async Task<ServeProcess> RestartServeAsync(string connection, RunWatch run)
    {
        var serve = await ServeProcess.StartAsync(connection, "chaos", Key);
        run.Serve = serve;
        return serve;
    }

    private static async Task KillAsync(AffectChild child, string kind, FaultCounts faults, StringBuilder log)
    {
        if (child.HasExited)
        {
            Assert.Fail($"{kind}: the process had already exited ({child.ExitCode})\n{child.Output}");
        }

        await child.KillAsync();
        faults.Add(kind);
        log.Append(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.f}: {kind} (pid {child.Id})\n");
    }

    private static Task KillAsync(ServeProcess serve, string kind, FaultCounts faults, StringBuilder log) => KillAsync(serve.Child, kind, faults, log);

    // The three corpora of the reduced spec, as files (the same bytes for both runs).
    private static List<(string Corpus, IReadOnlyList<CorpusFile> Files)> Corpora() =>
    [
        ("recola", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Recola, Seed, 3, 0.5, 1))),
        ("semaine", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Semaine, Seed, 3, 0.5, 1))),
        ("usoms", SyntheticCorpusGenerator.Generate(new SyntheticCorpusSpec(SyntheticCorpusKind.Usoms, Seed, 8, 0, 3, 9, 10))),
    ];

    // Uploads each corpus under corpora/NAME/, manifest last, as a user's upload tool would.
    private static async Task UploadAsync(string connection, List<(string Corpus, IReadOnlyList<CorpusFile> Files)> corpora)
    {
        var container = new BlobServiceClient(connection).GetBlobContainerClient("corpora");
        await container.CreateIfNotExistsAsync();
        foreach (var (corpus, files) in corpora)
        {
            foreach (var file in files.OrderBy(f => f.RelativePath == CorpusManifest.FileName ? 1 : 0))
            {
                await container.GetBlobClient($"{corpus}/{file.RelativePath}").UploadAsync(BinaryData.FromBytes(file.Content), overwrite: true);
            }
        }
    }

    // Every committed output of the store: artifacts (their integrity records included), models and the run's published
    // files; claims, queue markers and waiter entries are coordination state, not outputs.
    private static async Task<Dictionary<string, byte[]>> CommittedAsync(string connection)
    {
        var service = new BlobServiceClient(connection);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string name in new[] { "artifacts", "models", "runs" })
        {
            var container = service.GetBlobContainerClient(name);
            await foreach (var blob in container.GetBlobsAsync())
            {
                string file = blob.Name[(blob.Name.LastIndexOf('/') + 1)..];
                if (file is "claim.json" or "queued.json" or "enqueued.json" || blob.Name.Contains("/waiters/", StringComparison.Ordinal)
                    || (name == "runs" && file is not ("results.json" or "report.html")))
                {
                    continue;
                }

                byte[] bytes = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                if (name == "runs" && file == "report.html")
                {
                    // The published report carries this run's per-stage wall times (timings.json); everything else in it is
                    // the memoized report artifact and must match byte for byte.
                    bytes = Encoding.UTF8.GetBytes(Regex.Replace(Encoding.UTF8.GetString(bytes), "<h2 id=\"timings\">.*?</figure>\n", ReportHtml.TimingsPlaceholder, RegexOptions.Singleline));
                }

                result[$"{name}/{blob.Name}"] = bytes;
            }
        }

        return result;
    }

    private static void WriteReport(FaultCounts faults, int compared, int undetected)
    {
        var sb = new StringBuilder();
        sb.Append("## Chaos\n\n");
        sb.Append("Generated by `tests/Affect.Cli.Tests/Reliability/ChaosSuiteTests.cs` (seed ").Append(Seed.ToString(CultureInfo.InvariantCulture))
          .Append("), part of the test command: one reduced demo-sized run (recola and semaine 3 × 30 s, usoms 8 × 3 utterances, BoAW 16 words, kelm and svm, ")
          .Append("1 LSTM epoch: 4 trainings) on Azurite, driven over `affect serve`'s HTTP API with `affect worker` beside it, both real processes. ")
          .Append("Each fault is injected at a point of the run's progress (a stage reached, a worker line seen); the killed process is restarted at once. ")
          .Append("The run must complete, and results.json and every committed artifact, integrity record, model and published run file must equal those ")
          .Append("of the same spec run undisturbed on a fresh Azurite, byte for byte.\n\n");
        sb.Append("| fault | where | injected |\n|---|---|---:|\n");
        foreach (var (kind, where) in FaultKinds)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {kind} | {where} | {faults.Of(kind)} |\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nTotal: {faults.Total} faults injected, 1 disturbed run completed (of 1), results.json byte-identical, {compared} committed blobs compared, {undetected} artifacts lost or corrupted and not detected.\n");
        ReliabilityDoc.WriteSection("chaos", sb.ToString());
    }

    private static readonly (string Kind, string Where)[] FaultKinds =
    [
        ("worker-after-start", "SIGKILL of `affect worker` once it waits for jobs"),
        ("serve-after-start", "SIGKILL of `affect serve` within 0.5 s of accepting the run (ingest)"),
        ("serve-mid-stage", "SIGKILL of `affect serve` once an LLD batch is done (mid fan-out)"),
        ("azurite-restart", "Azurite stopped under serve and worker (functionals stage), restarted after 1 s over its data"),
        ("worker-mid-job", "SIGKILL of `affect worker` as its first LSTM training ends"),
        ("serve-during-lstm", "SIGKILL of `affect serve` while the restarted worker trains"),
        ("serve-late-stage", "SIGKILL of `affect serve` once cross-task prediction started"),
    ];

    /// <summary>Faults injected, by kind.</summary>
    private sealed class FaultCounts
    {
        private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

        public int Total => counts.Values.Sum();

        public void Add(string kind) => counts[kind] = Of(kind) + 1;

        public int Of(string kind) => counts.GetValueOrDefault(kind);
    }

    /// <summary>Starts the run over HTTP and follows its status through whichever serve is current.</summary>
    private sealed class RunWatch(ServeProcess serve)
    {
        private readonly HttpClient http = ServeProcess.Client(Key);
        private string? id;

        public ServeProcess Serve { get; set; } = serve;

        public async Task<string> StartAsync()
        {
            var response = await http.PostAsync(new Uri(Serve.Address, "api/runs"), new StringContent(Spec, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/runs: {(int)response.StatusCode} {text}");
            id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
            return id;
        }

        /// <summary>Waits until the run's progress is at <paramref name="stage"/> (with at least <paramref name="done"/> done) or later; fails on a failed run.</summary>
        public async Task WaitForStageAsync(string stage, int done = 0)
        {
            int wanted = Array.IndexOf(Stages, stage);
            Assert.True(wanted >= 0, stage);
            var deadline = DateTime.UtcNow + StageLimit;
            string last = "(no answer)";
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    var response = await http.GetAsync(new Uri(Serve.Address, $"api/runs/{id}"));
                    last = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        var body = JsonDocument.Parse(last).RootElement;
                        string status = body.GetProperty("status").GetString()!;
                        Assert.True(status is not ("Failed" or "Terminated"), $"run {status}: {last}\n{Serve.Output}");
                        if (status == "Completed")
                        {
                            Assert.True(stage == "done" || wanted >= 0, stage);
                            return;
                        }

                        if (body.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p)
                        {
                            int at = Array.IndexOf(Stages, p.GetProperty("stage").GetString());
                            if (at > wanted || (at == wanted && p.GetProperty("done").GetInt32() >= done))
                            {
                                return;
                            }
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // serve restarting: ask again.
                }

                await Task.Delay(100);
            }

            Assert.Fail($"the run did not reach {stage} within {StageLimit.TotalMinutes} min; last status {last}\n{Serve.Output}");
        }
    }
}
