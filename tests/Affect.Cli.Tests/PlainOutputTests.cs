namespace Affect.Cli.Tests;

/// <summary>The plain-text output both the managed CLI and the Native AOT entry print (PlainOutput is compiled into both).</summary>
public sealed class PlainOutputTests
{
    [Theory]
    [InlineData(4.14, "4.1 s")]
    [InlineData(59.94, "59.9 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(3720, "1 h 02 min")]
    public void Durations_read_as_people_say_them(double seconds, string expected) =>
        Assert.Equal(expected, PlainOutput.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Progress_lines_show_count_percentage_elapsed_and_eta()
    {
        Assert.Equal("  [lld] 0/4 0 % 0.0 s, eta ?", PlainOutput.ProgressLine("lld", 0, 4, TimeSpan.Zero, null));
        Assert.Equal("  [lld] 1/4 25 % 0.3 s, eta 0.9 s", PlainOutput.ProgressLine("lld", 1, 4, TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.9)));
        Assert.Equal("  [lld] 4/4 100 % 1.2 s, done", PlainOutput.ProgressLine("lld", 4, 4, TimeSpan.FromSeconds(1.2), TimeSpan.Zero));
    }

    [Fact]
    public void A_line_is_due_at_the_start_each_tenth_every_10_s_and_the_end_but_never_after_100_percent()
    {
        var t = TimeSpan.FromSeconds(1);
        Assert.True(PlainOutput.ProgressLineDue(null, 0, 100, t));
        Assert.False(PlainOutput.ProgressLineDue((0, t), 9, 100, t));
        Assert.True(PlainOutput.ProgressLineDue((0, t), 10, 100, t));
        Assert.True(PlainOutput.ProgressLineDue((10, t), 11, 100, t + TimeSpan.FromSeconds(10)));
        Assert.True(PlainOutput.ProgressLineDue((99, t), 100, 100, t));
        Assert.False(PlainOutput.ProgressLineDue((100, t), 100, 100, t + TimeSpan.FromSeconds(60)));
        Assert.Equal(100, PlainOutput.Percent(100, 100));
        Assert.Equal(99, PlainOutput.Percent(999, 1000));
    }

    [Fact]
    public void Summary_aligns_facts_and_outputs_and_lists_the_slowest_stages_when_there_are_several()
    {
        string one = PlainOutput.Summary("features lld", "completed", TimeSpan.FromSeconds(0.16), [("files", 1), ("frames", 5996)], [("csv", "/tmp/out.csv")], [("lld", TimeSpan.FromSeconds(0.1))]);
        Assert.Equal("affect features lld: completed in 0.2 s\n  files   1\n  frames  5996\n  csv     /tmp/out.csv\n", one);
        string several = PlainOutput.Summary("demo", "completed", TimeSpan.FromSeconds(90), [], [("report", "r.html")], [("a", TimeSpan.FromSeconds(1)), ("b", TimeSpan.FromSeconds(70))]);
        Assert.EndsWith("  slowest stages: b 1 min 10 s, a 1.0 s\n", several, StringComparison.Ordinal);
    }
}
