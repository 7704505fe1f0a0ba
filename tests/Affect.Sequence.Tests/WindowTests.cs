using Affect.Sequence.Features;
using Affect.Sequence.Windows;

namespace Affect.Sequence.Tests;

public sealed class WindowTests
{
    /// <summary>A recording whose single feature at frame i is i (so a step's input names its frame) and label j is 0.01 j.</summary>
    private static SequenceRecording Ramp(string id, double seconds, bool labelled = true)
    {
        var frames = (int)(seconds * 100);
        var features = new FeatureMatrix(Enumerable.Range(0, frames).Select(i => (float)i).ToArray(), frames, 1, 100);
        var labels = labelled ? Enumerable.Range(0, (int)(seconds * 25) + 1).Select(j => 0.01 * j).ToArray() : null;
        return new SequenceRecording(id, "s1", features, labels);
    }

    [Fact]
    public void StepsAreHalfASecondApartAndLabelsAreInterpolated()
    {
        var recording = Ramp("r", 20);

        var windows = ContextWindows.Build([recording], new ContextWindowOptions(HopSeconds: 0.2));

        // Label grid: 500 frames (0..19.96 s); last step of a window at start + 7.5 ≤ 19.96 → starts 0..12.4 by 0.2 → 63.
        Assert.Equal(63, windows.Count);
        Assert.Equal(16, windows.Steps);
        var w = 5;   // starts at 1.0 s
        for (var k = 0; k < 16; k++)
        {
            var t = 1.0 + (0.5 * k);
            Assert.Equal((float)Math.Round(t * 100), windows.Inputs[(w * 16) + k]);
            var expected = 0.01 * t * 25;   // half-frame positions interpolate the neighbours
            Assert.True(Math.Abs(windows.Targets[(w * 16) + k] - expected) < 1e-6, $"step {k}: {windows.Targets[(w * 16) + k]} vs {expected}");
        }
    }

    [Fact]
    public void AveragingTheLabelsBackRecoversTheGrid()
    {
        var recordings = new[] { Ramp("a", 12), Ramp("b", 9.3) };
        var windows = ContextWindows.Build(recordings, new ContextWindowOptions().ForPrediction());

        var grid = ContextWindows.ToLabelGrid(recordings, windows, windows.Targets);

        for (var r = 0; r < recordings.Length; r++)
        {
            Assert.Equal(recordings[r].LabelFrames, grid[r].Length);
            for (var j = 0; j < grid[r].Length; j++)
            {
                // Steps hit whole and half label frames; the tent weights are symmetric except where a window edge cuts
                // them, so a linear trace is recovered within half of one frame's change (0.005).
                var tolerance = 0.005 + 1e-6;
                Assert.True(Math.Abs(grid[r][j] - recordings[r].Labels![j]) <= tolerance, $"recording {r} frame {j}: {grid[r][j]} vs {recordings[r].Labels![j]}");
            }
        }
    }

    [Fact]
    public void AShortRecordingGetsOnePaddedWindowAndFullCoverage()
    {
        var recording = Ramp("short", 3.0, labelled: false);

        var windows = ContextWindows.Build([recording], new ContextWindowOptions().ForPrediction());
        var predictions = Enumerable.Range(0, 16).Select(k => (float)k).ToArray();
        var grid = ContextWindows.ToLabelGrid([recording], windows, predictions);

        Assert.Equal(1, windows.Count);
        Assert.Equal(296f, windows.Inputs[15]);   // steps past the end repeat the frame of the last label (2.96 s)
        Assert.Equal(75, grid[0].Length);
        Assert.Equal(0.0, grid[0][0], 9);
        Assert.Equal(2.0, grid[0][25], 9);   // step 2 at 1.0 s
        Assert.Equal(1.0, grid[0][12], 9);   // only step 1 (frame 12.5) reaches frame 12
        Assert.Equal(0.5, grid[0][6], 9);    // frames no step reaches are interpolated
    }

    [Fact]
    public void SpeakerNormalisationGivesZeroMeanUnitVariancePerSpeaker()
    {
        var a = new FeatureMatrix([1, 10, 3, 10, 5, 10], 3, 2, 100);
        var b = new FeatureMatrix([100, -1, 300, 1], 2, 2, 100);

        var normalised = SpeakerNormalization.Apply([("s1", a), ("s2", b)]);

        Assert.Equal([-1.2247449f, 0f, 0f, 0f, 1.2247449f, 0f], normalised[0].Values);
        Assert.Equal([-1f, -1f, 1f, 1f], normalised[1].Values);
    }

    [Fact]
    public void InvalidOptionsListEveryField()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContextWindowOptions(0, 0, -1, 0).Validate());
        Assert.Contains("ContextSeconds", error.Message);
        Assert.Contains("Steps", error.Message);
        Assert.Contains("HopSeconds", error.Message);
        Assert.Contains("StepFrames", error.Message);
    }
}
