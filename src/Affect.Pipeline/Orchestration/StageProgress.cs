namespace Affect.Pipeline.Orchestration;

/// <summary>
/// Where one stage of a long job stands, with its timing: what a progress display shows. Built by
/// <see cref="StageClock"/> from the counts a job reports (the orchestration's <see cref="RunProgress"/> custom status,
/// or a command's own per-file loop), so every display reads one model.
/// </summary>
/// <param name="Stage">The stage (e.g. <c>lld</c>, <c>classify</c>, <c>epoch</c>).</param>
/// <param name="Done">Work items of the stage finished.</param>
/// <param name="Total">Work items of the stage in all.</param>
/// <param name="Elapsed">Time since the stage was first seen.</param>
/// <param name="Remaining">Estimated time left (elapsed / done × (total − done)); null until one item is done.</param>
public sealed record StageProgress(string Stage, int Done, int Total, TimeSpan Elapsed, TimeSpan? Remaining)
{
    /// <summary>True when every item of the stage is done.</summary>
    public bool Finished => Total > 0 && Done >= Total;

    /// <summary>The stage's fraction done in [0, 1] (1 for a stage of no items).</summary>
    public double Fraction => Total <= 0 ? 1 : Math.Clamp((double)Done / Total, 0, 1);
}

/// <summary>
/// Turns counts (stage, done, total) into <see cref="StageProgress"/> with elapsed time and a linear ETA per stage:
/// remaining = elapsed · (total − done) / done, measured from when the stage was first reported. Thread-safe; the
/// clock is a <see cref="TimeProvider"/> so tests can drive it.
/// </summary>
/// <param name="time">The clock (<see cref="TimeProvider.System"/> in a process).</param>
public sealed class StageClock(TimeProvider time)
{
    private readonly Dictionary<string, long> started = new(StringComparer.Ordinal);
    private readonly List<(string Stage, TimeSpan Took)> finished = [];
    private readonly object gate = new();
    private readonly long origin = time.GetTimestamp();
    private RunProgress? current;

    /// <summary>The stage name of the orchestration's final status (<c>RunProgress("done", 1, 1)</c>).</summary>
    public const string DoneStage = "done";

    /// <summary>A clock on the system time.</summary>
    public StageClock()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Time since this clock was created.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(origin);

    /// <summary>How long each finished stage took, in the order they finished.</summary>
    public IReadOnlyList<(string Stage, TimeSpan Took)> Finished
    {
        get
        {
            lock (gate)
            {
                return [.. finished];
            }
        }
    }

    /// <summary>Whether <paramref name="stage"/> has been reported (a poller can miss a stage that passed between two polls).</summary>
    public bool Seen(string stage)
    {
        lock (gate)
        {
            return started.ContainsKey(stage);
        }
    }

    /// <summary>
    /// Records <paramref name="stage"/> as finished after <paramref name="took"/>, from a record of the run (its timings)
    /// rather than from a report: for a stage no poll saw. Returns its progress (every item done).
    /// </summary>
    public StageProgress Record(string stage, int items, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(stage);
        lock (gate)
        {
            started.TryAdd(stage, time.GetTimestamp());
            if (!finished.Exists(f => f.Stage == stage))
            {
                finished.Add((stage, took));
            }
        }

        return new StageProgress(stage, items, items, took, TimeSpan.Zero);
    }

    /// <summary>The progress of <paramref name="stage"/> after <paramref name="done"/> of <paramref name="total"/> items.</summary>
    public StageProgress Report(string stage, int done, int total)
    {
        ArgumentNullException.ThrowIfNull(stage);
        long now = time.GetTimestamp();
        lock (gate)
        {
            if (!started.TryGetValue(stage, out long since))
            {
                started[stage] = since = now;
            }

            var elapsed = time.GetElapsedTime(since, now);
            TimeSpan? remaining = done <= 0 || total <= 0
                ? null
                : done >= total ? TimeSpan.Zero : elapsed * ((double)(total - done) / done);
            if (total > 0 && done >= total && !finished.Exists(f => f.Stage == stage))
            {
                finished.Add((stage, elapsed));
            }

            return new StageProgress(stage, done, total, elapsed, remaining);
        }
    }

    /// <summary>The progress of the orchestration stage in <paramref name="progress"/> (its custom status).</summary>
    public StageProgress Report(RunProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Report(progress.Stage, progress.Done, progress.Total);
    }

    /// <summary>
    /// What a newly seen orchestration status means for the display: the previous stage closed when the run moved on (the
    /// orchestration starts a stage only after the last one completed, and a poller may miss its final count), then the
    /// new stage, unless it is the final <c>done</c> status.
    /// </summary>
    public IReadOnlyList<StageProgress> Follow(RunProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var shown = new List<StageProgress>(2);
        RunProgress? previous;
        lock (gate)
        {
            previous = current;
            current = progress;
        }

        if (previous is not null && previous.Stage != progress.Stage && previous.Done < previous.Total)
        {
            shown.Add(Report(previous.Stage, previous.Total, previous.Total));
        }

        if (progress.Stage != DoneStage)
        {
            shown.Add(Report(progress));
        }

        return shown;
    }
}
