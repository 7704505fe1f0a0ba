using System.Globalization;
using Affect.Audio;
using Affect.Corpora.Synthetic;
using Affect.Pipeline.Activities;
using Affect.Pipeline.Orchestration;
using Affect.Pipeline.Tests.Orchestration;
using Affect.Sequence;
using Affect.Sequence.Features;
using Affect.Sequence.Windows;
using Affect.Storage;

namespace Affect.Pipeline.Tests.Activities;

/// <summary>Stage 8 on a tiny store: a real ONNX LSTM over the stored LLD artifacts of a small categorical corpus.</summary>
public sealed class CrossTaskPredictActivityTests : IDisposable
{
    private readonly string root = TestCorpora.TempDir();

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task Every_utterance_gets_a_track_and_its_mean_as_LstmSequencePredictor_gives_them()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        // 3 speakers × 3 utterances of 3–6 s: every utterance is shorter than one 8 s context window.
        var spec = new SyntheticCorpusSpec(SyntheticCorpusKind.Usoms, 5, 3, 0, 3, 3, 6);
        await TestCorpora.UploadAsync(store, "tiny", SyntheticCorpusGenerator.Generate(spec));
        var ingested = await new IngestCorpusActivity(store, log).RunAsync(new IngestRequest("tiny"));
        var lld = new ExtractLldActivity(store, log);
        var llds = new List<ArtifactRef>
        {
            await lld.RunAsync(new LldBatch("tiny", ingested.Record.Key, ingested.Record.Blob, 0, 5)),
            await lld.RunAsync(new LldBatch("tiny", ingested.Record.Key, ingested.Record.Blob, 5, ingested.FileCount - 5)),
        };
        var onnx = TestModels.Onnx("valence", 11);
        await TestModels.PutAsync(store, "m1", onnx);

        var activity = new CrossTaskPredictActivity(store, log);
        var request = new CrossTaskRequest("tiny", ingested.Record.Key, ingested.Record.Blob, llds, "m1", "m1/model.onnx");
        var first = await activity.RunAsync(request);
        Assert.False(first.Reused);
        Assert.StartsWith("crosstask/", first.Blob, StringComparison.Ordinal);
        var artifact = await store.GetJsonAsync<CrossTaskArtifact>(Containers.Artifacts, first.Blob, MemoizedArtifacts.Json);
        Assert.Equal(9, artifact.Utterances.Count);
        Assert.Equal("valence", artifact.Target);
        Assert.Equal(["devel", "test", "train"], artifact.Utterances.Select(u => u.Partition).Distinct().Order());
        Assert.All(artifact.Utterances, u => Assert.NotNull(u.Label));

        // The same predictions straight from LstmSequencePredictor on the speaker-normalised LLD matrices.
        var raw = new List<(string Id, string Speaker, FeatureMatrix Raw)>();
        foreach (var l in llds)
        {
            var index = await store.GetJsonAsync<LldIndex>(Containers.Artifacts, l.Blob, MemoizedArtifacts.Json);
            string folder = l.Blob[..(l.Blob.LastIndexOf('/') + 1)];
            foreach (var e in index.Files)
            {
                var (values, rows, cols) = NpyFormat.Read(new MemoryStream(await store.GetBytesAsync(Containers.Artifacts, folder + e.Npy)), e.Npy);
                raw.Add((e.Id, e.Speaker, new FeatureMatrix(values, rows, cols, 100)));
            }
        }

        Assert.All(raw, r => Assert.True(r.Raw.DurationSeconds < 7.5, $"{r.Id}: {r.Raw.DurationSeconds} s is not shorter than one window"));
        var normalised = SpeakerNormalization.Apply([.. raw.Select(r => (r.Speaker, r.Raw))]);
        using var predictor = LstmSequencePredictor.Load(onnx, "m1");
        var expected = predictor.Predict([.. raw.Select((r, i) => new SequenceRecording(r.Id, r.Speaker, normalised[i], null))]);

        var frames = (await store.GetBytesAsync(Containers.Artifacts, first.Blob.Replace("crosstask.json", "frames.csv", StringComparison.Ordinal)))
            .AsSpan().ToArray();
        var frameLines = System.Text.Encoding.UTF8.GetString(frames).TrimEnd('\n').Split('\n')[1..].Select(l => l.Split(',')).ToList();
        var scoreLines = System.Text.Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Artifacts, first.Blob.Replace("crosstask.json", "scores.csv", StringComparison.Ordinal)))
            .TrimEnd('\n').Split('\n');
        Assert.Equal("name,partition,score", scoreLines[0]);
        for (int i = 0; i < raw.Count; i++)
        {
            var u = artifact.Utterances[i];
            Assert.Equal(raw[i].Id, u.Name);
            Assert.Equal((int)Math.Floor(raw[i].Raw.DurationSeconds * 25 + 1e-9), u.Frames);
            Assert.Equal(expected[i].Length, u.Frames);
            var track = frameLines.Where(f => f[0] == u.Name).Select(f => double.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(u.Frames, track.Length);
            for (int t = 0; t < track.Length; t++)
            {
                Assert.Equal(expected[i][t], track[t], 1e-6);
            }

            Assert.Equal(track.Average(), u.Score, 1e-12);
            Assert.Equal(expected[i].Average(), u.Score, 1e-6);
            Assert.Equal($"{u.Name},{u.Partition},{u.Score.ToString("R", CultureInfo.InvariantCulture)}", scoreLines[i + 1]);
            Assert.True(double.IsFinite(u.Score));
        }

        Assert.True(artifact.Utterances.Select(u => u.Score).Distinct().Count() > 1, "the scores vary between utterances");

        // Memoized: same request reused; another model gives another artifact.
        Assert.True((await activity.RunAsync(request)).Reused);
        await TestModels.PutAsync(store, "m2", TestModels.Onnx("arousal", 12));
        var other = await activity.RunAsync(request with { ModelKey = "m2", ModelBlob = "m2/model.onnx" });
        Assert.NotEqual(first.Key, other.Key);
    }

    private const int ThresholdSurfaceSteps = Affect.Learning.Discretization.ThresholdSurface.DefaultSteps;

    [Fact]
    public async Task Discretize_fits_the_threshold_search_per_fit_set_and_writes_the_Eq1_code_matrix()
    {
        var store = new FolderBlobStore(root);
        var log = new ActivityLog();
        await TestCorpora.UploadAsync(store, "usoms", SyntheticCorpusGenerator.Generate(TestCorpora.SmallUsoms(3)));
        var ingested = await new IngestCorpusActivity(store, log).RunAsync(new IngestRequest("usoms"));
        var llds = new List<ArtifactRef> { await new ExtractLldActivity(store, log).RunAsync(new LldBatch("usoms", ingested.Record.Key, ingested.Record.Blob, 0, ingested.FileCount)) };
        await TestModels.PutAsync(store, "a", TestModels.Onnx("arousal", 31));
        await TestModels.PutAsync(store, "v", TestModels.Onnx("valence", 32));
        var predict = new CrossTaskPredictActivity(store, log);
        var arousal = await predict.RunAsync(new CrossTaskRequest("usoms", ingested.Record.Key, ingested.Record.Blob, llds, "a", "a/model.onnx"));
        var valence = await predict.RunAsync(new CrossTaskRequest("usoms", ingested.Record.Key, ingested.Record.Blob, llds, "v", "v/model.onnx"));

        var request = new DiscretizeRequest("usoms", ingested.Record.Key, [new DiscretizeSystem("v", [valence]), new DiscretizeSystem("a+v", [arousal, valence])], DiscretizeActivity.FitSets);
        var result = await new DiscretizeActivity(store, log).RunAsync(request);
        var artifact = await store.GetJsonAsync<DiscretizeArtifact>(Containers.Artifacts, result.Blob, MemoizedArtifacts.Json);
        Assert.Equal(["L", "M", "H"], artifact.Classes); // the manifest's natural order
        var scores = await store.GetJsonAsync<CrossTaskArtifact>(Containers.Artifacts, valence.Blob, MemoizedArtifacts.Json);
        var truth = scores.Utterances.Select(u => artifact.Classes.ToList().IndexOf(u.Label!)).ToArray();
        var all = scores.Utterances.Select(u => u.Score).ToArray();
        string folder = result.Blob[..(result.Blob.LastIndexOf('/') + 1)];
        foreach (var fit in artifact.Systems[0].Fits)
        {
            var rows = Enumerable.Range(0, all.Length).Where(i => fit.FitOn.Split('+').Contains(scores.Utterances[i].Partition)).ToArray();
            var rule = Affect.Learning.Discretization.ThresholdSearch.Fit([.. rows.Select(i => all[i])], [.. rows.Select(i => truth[i])], 3);
            Assert.Equal(rule.Thresholds, fit.Thresholds);
            Assert.Null(fit.ArousalWeight);

            // The report's heat map: fit UAR over the (low, high) grid, stored beside the thresholds of the exact search
            // (which it never beats).
            var surface = Affect.Learning.Discretization.ThresholdSurface.Of([.. rows.Select(i => all[i])], [.. rows.Select(i => truth[i])], rule.Direction);
            Assert.NotNull(fit.UarSurface);
            Assert.Equal(surface.Axis, fit.UarSurface.Axis);
            Assert.Equal(surface.Uar.SelectMany(r => r), fit.UarSurface.Uar.SelectMany(r => r));
            Assert.True(fit.UarSurface.Uar.SelectMany(r => r).OfType<double>().Max() <= fit.FitUar + 1e-6);
            var predicted = rule.Classify(all);
            foreach (string partition in new[] { "train", "devel", "test" })
            {
                var idx = Enumerable.Range(0, all.Length).Where(i => scores.Utterances[i].Partition == partition).ToArray();
                double uar = Affect.Learning.Metrics.Uar([.. idx.Select(i => truth[i])], [.. idx.Select(i => predicted[i])], 3);
                Assert.Equal(Math.Round(uar, 6), fit.Partitions[partition].Uar);
            }

            // Eq. 1: one 1 per devel row, in the predicted class's column.
            var lines = System.Text.Encoding.UTF8.GetString(await store.GetBytesAsync(Containers.Artifacts, folder + fit.DevelScores)).TrimEnd('\n').Split('\n');
            Assert.Equal("name,L,M,H,predicted", lines[0]);
            var devel = Enumerable.Range(0, all.Length).Where(i => scores.Utterances[i].Partition == "devel").ToArray();
            Assert.Equal(devel.Length, lines.Length - 1);
            for (int r = 0; r < devel.Length; r++)
            {
                var cells = lines[r + 1].Split(',');
                Assert.Equal(scores.Utterances[devel[r]].Name, cells[0]);
                Assert.Equal([.. Enumerable.Range(0, 3).Select(c => c == predicted[devel[r]] ? "1" : "0")], cells[1..4]);
                Assert.Equal(artifact.Classes[predicted[devel[r]]], cells[4]);
            }
        }

        Assert.Equal(DiscretizeActivity.ScoresFile(0, "train", "devel"), artifact.Systems[0].Fits[0].DevelScores);
        Assert.All(artifact.Systems[1].Fits, f => Assert.InRange(f.ArousalWeight!.Value, 0, 1));
        Assert.All(artifact.Systems[1].Fits, f => Assert.Equal(ThresholdSurfaceSteps, f.UarSurface!.Axis.Count));
        Assert.Equal(["arousal", "valence"], artifact.Systems[1].Targets);
        Assert.True((await new DiscretizeActivity(store, log).RunAsync(request)).Reused);
    }

    [Fact]
    public void An_utterance_shorter_than_one_step_is_padded_without_touching_its_real_frames()
    {
        using var predictor = LstmSequencePredictor.Load(TestModels.Onnx("valence", 3), "m");
        var random = new Random(4);
        FeatureMatrix Matrix(int frames) => new([.. Enumerable.Range(0, frames * 130).Select(_ => (float)random.NextDouble())], frames, 130, 100);

        // 0.3 s (7 label frames, one real window step) and 2.2 s of one speaker.
        var utterances = new List<(string, string, FeatureMatrix)> { ("short", "s1", Matrix(30)), ("longer", "s1", Matrix(220)) };
        var tracks = CrossTaskPredictActivity.Predict(predictor, utterances);
        Assert.Equal(7, tracks[0].Length);
        Assert.Equal(55, tracks[1].Length);
        Assert.All(tracks.SelectMany(t => t), v => Assert.True(double.IsFinite(v)));

        // The one real step of the short utterance is its first normalised frame; the model is causal, so its prediction
        // equals that of a one-step sequence made of that frame alone: the padded steps do not leak into the track.
        var normalised = SpeakerNormalization.Apply([("s1", utterances[0].Item3), ("s1", utterances[1].Item3)]);
        var single = new ContextWindowSet(normalised[0].Frame(0).ToArray(), new float[1], [new WindowOrigin(0, 0)], 1, 130, new ContextWindowOptions());
        float alone = predictor.PredictWindows(single)[0];
        Assert.All(tracks[0], v => Assert.Equal(alone, v, 1e-6));
    }
}
