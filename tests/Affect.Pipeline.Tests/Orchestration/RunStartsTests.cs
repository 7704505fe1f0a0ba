using System.Text.Json;
using Affect.Hosting;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>Run ids from spec and corpus versions, what uploads and nights start, the schedule and the nightly comparison.</summary>
public sealed class RunStartsTests
{
    [Fact]
    public async Task A_corpus_version_changes_with_any_file_and_not_with_an_identical_re_upload()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        await store.PutBytesAsync(Containers.Corpora, "a/manifest.json", "{}"u8.ToArray());
        await store.PutBytesAsync(Containers.Corpora, "a/audio/x.wav", new byte[] { 1, 2, 3 });
        string v1 = await RunStarts.CorpusVersionAsync(store, "a");
        await store.PutBytesAsync(Containers.Corpora, "a/manifest.json", "{}"u8.ToArray());
        Assert.Equal(v1, await RunStarts.CorpusVersionAsync(store, "a"));
        await store.PutBytesAsync(Containers.Corpora, "a/audio/x.wav", new byte[] { 1, 2, 4 });
        string v2 = await RunStarts.CorpusVersionAsync(store, "a");
        Assert.NotEqual(v1, v2);

        var spec = new ExperimentSpec(["a"]);
        Assert.NotEqual(RunStarts.RunIdFor(spec, new Dictionary<string, string> { ["a"] = v1 }), RunStarts.RunIdFor(spec, new Dictionary<string, string> { ["a"] = v2 }));
        Assert.NotEqual(RunStarts.RunIdFor(spec, new Dictionary<string, string> { ["a"] = v1 }), RunStarts.RunIdFor(spec with { Seed = 2 }, new Dictionary<string, string> { ["a"] = v1 }));
    }

    [Fact]
    public async Task An_upload_starts_the_registered_experiments_that_read_the_corpus_else_the_implicit_one()
    {
        var store = new FolderBlobStore(TestCorpora.TempDir());
        foreach (string c in new[] { "a", "b", "c" })
        {
            await store.PutBytesAsync(Containers.Corpora, $"{c}/manifest.json", "{}"u8.ToArray());
        }

        await store.PutBytesAsync(Experiments.Container, "ab.json", """{"corpora":["a","b"],"boaw":{"size":16}}"""u8.ToArray());
        await store.PutBytesAsync(Experiments.Container, "ad.json", """{"corpora":["a","d"]}"""u8.ToArray());

        var forA = await Experiments.ForUploadAsync(store, "a");
        Assert.Equal("ab", Assert.Single(forA).Name); // "ad" waits for corpus d
        Assert.Equal(16, forA[0].Spec.Boaw.Size);
        Assert.Equal(new ExperimentSpec(["x"]).Features.BatchSize, forA[0].Spec.Features.BatchSize); // absent fields: the spec's one default

        var forC = Assert.Single(await Experiments.ForUploadAsync(store, "c"));
        Assert.Equal(Experiments.ImplicitName, forC.Name);
        Assert.Equal(["a", "b", "c"], forC.Spec.Corpora);
        Assert.Empty(await Experiments.ForUploadAsync(store, "zzz"));
        Assert.Equal("ab", Assert.Single(await Experiments.ForNightAsync(store)).Name);

        await store.PutBytesAsync(Experiments.Container, "bad.json", """{"seed":"x"}"""u8.ToArray());
        Assert.StartsWith("experiments/bad.json: ", Assert.Throws<FormatException>(() => Experiments.ForNightAsync(store).GetAwaiter().GetResult()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schedule_takes_five_or_six_field_cron_and_ticks_at_0200_utc()
    {
        var at = new DateTimeOffset(2026, 3, 1, 1, 59, 0, TimeSpan.Zero);
        var five = new NightlySchedule(new FolderBlobStore(TestCorpora.TempDir()), null!, NightlySchedule.Parse(NightlySchedule.DefaultCron), TimeProvider.System, TextWriter.Null);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), five.NextAfter(at));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), five.NextAfter(at.AddMinutes(1)));
        var six = new NightlySchedule(new FolderBlobStore(TestCorpora.TempDir()), null!, NightlySchedule.Parse("0 0 2 * * *"), TimeProvider.System, TextWriter.Null);
        Assert.Equal(five.NextAfter(at), six.NextAfter(at));
        Assert.Contains("'0 2 * *'", Assert.Throws<FormatException>(() => NightlySchedule.Parse("0 2 * *")).Message, StringComparison.Ordinal);
        var shifted = new ShiftedClock(at);
        Assert.InRange(shifted.GetUtcNow() - at, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void The_comparison_lists_every_metric_delta_and_regressions_beyond_the_threshold_first()
    {
        static JsonElement Results(double kelm, double svm, double cc) => JsonDocument.Parse(string.Create(System.Globalization.CultureInfo.InvariantCulture, $$$"""
            {"table1":{"rows":[{"train":"recola","test":"semaine","target":"arousal","testCc":{{{cc}}},"paperCc":0.5}]},
             "table2":{"rows":[{"corpus":"usoms","featureSet":"OSFUN","learner":"kelm","develUar":{{{kelm}}},"testUar":{{{kelm}}}},
                               {"corpus":"usoms","featureSet":"OSFUN","learner":"svm","develUar":{{{svm}}},"testUar":null}]}}
            """)).RootElement.Clone();
        var before = new RunStartRecord("run-1", "tiny", RunTriggers.Upload, DateTimeOffset.UnixEpoch, new ExperimentSpec(["usoms"]), new Dictionary<string, string> { ["usoms"] = "v1" }, "1.0");
        var after = before with { RunId = "nightly-tiny-1", Trigger = RunTriggers.Nightly, CorpusVersions = new Dictionary<string, string> { ["usoms"] = "v2" }, CodeVersion = "1.1" };
        var run = new RunRecord("nightly-tiny-1", "completed", after.Spec, "1.1", 1, 2, [new ArtifactRef("lld", "k1", "b", false), new ArtifactRef("lld", "k2", "b", true), new ArtifactRef("ingest", "k3", "b", true)]);

        var c = RunComparison.Compare(before, Results(0.60, 0.50, 0.40), after, Results(0.55, 0.505, 0.39), run, threshold: 0.008);

        Assert.Equal(4, c.Metrics.Count); // testCc; kelm devel + test; svm devel (its null test UAR is no metric)
        Assert.DoesNotContain(c.Metrics, m => m.Metric == "paperCc");
        Assert.Equal(["develUar", "testUar", "testCc"], c.Regressions.Select(m => m.Metric).ToArray()); // largest drop first
        Assert.Equal(-0.05, c.Regressions[0].Delta);
        Assert.Equal(0.005, c.Metrics.Single(m => m.Row.Contains("svm", StringComparison.Ordinal) && m.Metric == "develUar").Delta);
        Assert.Equal([new StageWork("lld", 1, 1), new StageWork("ingest", 0, 1)], c.Stages);
        Assert.True(c.Code.Changed);
        Assert.True(Assert.Single(c.Corpora).Changed);
        string html = c.ToHtmlSection();
        Assert.True(html.IndexOf("Regressions", StringComparison.Ordinal) < html.IndexOf("Every metric", StringComparison.Ordinal));
        Assert.Contains("-0.0500", html, StringComparison.Ordinal);
    }
}
