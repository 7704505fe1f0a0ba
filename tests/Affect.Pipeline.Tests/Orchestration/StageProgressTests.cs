using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

/// <summary>The per-stage clock behind every progress display: elapsed time and the linear ETA, on a driven clock.</summary>
public sealed class StageProgressTests
{
    [Fact]
    public void Eta_is_elapsed_times_the_remaining_share_per_stage_from_when_the_stage_was_first_seen()
    {
        var time = new DrivenTime();
        var clock = new StageClock(time);

        var start = clock.Report(new RunProgress("lld", 0, 40));
        Assert.Equal(TimeSpan.Zero, start.Elapsed);
        Assert.Null(start.Remaining); // nothing done: no rate yet
        Assert.False(start.Finished);

        time.Advance(TimeSpan.FromSeconds(10));
        var quarter = clock.Report("lld", 10, 40);
        Assert.Equal(TimeSpan.FromSeconds(10), quarter.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(30), quarter.Remaining); // 10 s for 10 items, 30 left
        Assert.Equal(0.25, quarter.Fraction);

        // A second stage has its own start; the first keeps its own.
        var other = clock.Report("boaw", 0, 4);
        time.Advance(TimeSpan.FromSeconds(2));
        var otherHalf = clock.Report("boaw", 2, 4);
        Assert.Equal(TimeSpan.FromSeconds(2), otherHalf.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(2), otherHalf.Remaining);
        Assert.Equal(TimeSpan.Zero, other.Elapsed);

        time.Advance(TimeSpan.FromSeconds(28));
        var done = clock.Report("lld", 40, 40);
        Assert.True(done.Finished);
        Assert.Equal(TimeSpan.Zero, done.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(40), done.Elapsed);
        Assert.Equal([("lld", TimeSpan.FromSeconds(40))], clock.Finished);
        Assert.Equal(TimeSpan.FromSeconds(40), clock.Elapsed);
    }

    [Fact]
    public void A_stage_no_poll_saw_is_recorded_from_the_run_timings_once_with_its_own_duration()
    {
        var time = new DrivenTime();
        var clock = new StageClock(time);
        clock.Follow(new RunProgress("lld", 0, 8));
        time.Advance(TimeSpan.FromSeconds(3));
        clock.Follow(new RunProgress("report", 0, 1)); // end2you-train passed between two polls
        Assert.True(clock.Seen("lld"));
        Assert.False(clock.Seen("end2you-train"));

        var recorded = clock.Record("end2you-train", 1, TimeSpan.FromSeconds(12.5));
        Assert.Equal(new StageProgress("end2you-train", 1, 1, TimeSpan.FromSeconds(12.5), TimeSpan.Zero), recorded);
        Assert.True(recorded.Finished);
        Assert.True(clock.Seen("end2you-train"));
        clock.Record("end2you-train", 1, TimeSpan.FromSeconds(99)); // recorded once
        Assert.Equal([("lld", TimeSpan.FromSeconds(3)), ("end2you-train", TimeSpan.FromSeconds(12.5))], clock.Finished);
    }

    [Fact]
    public void A_stage_of_no_items_is_complete_and_counts_beyond_the_total_are_clamped()
    {
        var clock = new StageClock(new DrivenTime());
        var empty = clock.Report("report", 0, 0);
        Assert.Equal(1, empty.Fraction);
        Assert.Null(empty.Remaining);
        Assert.Equal(1, clock.Report("x", 5, 4).Fraction);
    }

    [Fact]
    public void Following_the_orchestration_closes_a_stage_when_the_run_moves_on_and_hides_the_final_status()
    {
        var clock = new StageClock(new DrivenTime());
        Assert.Equal([("lld", 0, 8)], Shown(clock.Follow(new RunProgress("lld", 0, 8))));
        Assert.Equal([("lld", 5, 8)], Shown(clock.Follow(new RunProgress("lld", 5, 8))));

        // The poller missed lld 8/8: moving on to the next stage closes lld first.
        Assert.Equal([("lld", 8, 8), ("functionals", 0, 8)], Shown(clock.Follow(new RunProgress("functionals", 0, 8))));
        Assert.Equal([("functionals", 8, 8)], Shown(clock.Follow(new RunProgress("functionals", 8, 8))));
        Assert.Equal([("report", 0, 1)], Shown(clock.Follow(new RunProgress("report", 0, 1))));
        Assert.Equal([("report", 1, 1)], Shown(clock.Follow(new RunProgress(StageClock.DoneStage, 1, 1))));
        Assert.Equal(["lld", "functionals", "report"], clock.Finished.Select(f => f.Stage));

        static List<(string, int, int)> Shown(IReadOnlyList<StageProgress> shown) => [.. shown.Select(p => (p.Stage, p.Done, p.Total))];
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class DrivenTime : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
