using Affect.Pipeline.Orchestration;
using Affect.Storage;
using Cronos;
using Microsoft.DurableTask.Client;

namespace Affect.Hosting;

/// <summary>
/// The nightly re-evaluation of <c>affect serve</c>: at every occurrence of a CRON expression (UTC; default
/// <see cref="DefaultCron"/>, the same <c>NightlySchedule</c> setting the Functions timer reads) it starts
/// <see cref="Experiments.OnNightAsync"/>. The clock is a <see cref="TimeProvider"/>, so tests move time.
/// </summary>
/// <param name="store">The store.</param>
/// <param name="client">Where runs are started.</param>
/// <param name="cron">The schedule, a five-field CRON expression.</param>
/// <param name="clock">The clock.</param>
/// <param name="log">One line per tick and start.</param>
public sealed class NightlySchedule(IBlobStore store, DurableTaskClient client, CronExpression cron, TimeProvider clock, TextWriter log)
{
    /// <summary>Every day at 02:00 UTC.</summary>
    public const string DefaultCron = "0 2 * * *";

    /// <summary>Parses a CRON expression: five fields, or six with seconds first (the Functions timer's NCRONTAB form).</summary>
    /// <exception cref="FormatException">Naming the expression.</exception>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            bool seconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
            return CronExpression.Parse(expression, seconds ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"nightly schedule: '{expression}' is not a five-field CRON expression: {e.Message}", e);
        }
    }

    /// <summary>The next tick strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now) =>
        cron.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? throw new InvalidOperationException("the nightly schedule has no next occurrence");

    /// <summary>Waits for each tick and starts that night's runs, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A shifted clock counts from its start instant, so a tick due during a slow start-up still fires.
        var next = NextAfter(clock is ShiftedClock shifted ? shifted.Start : clock.GetUtcNow());
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = next - clock.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (clock.GetUtcNow() < next)
            {
                continue; // woke early (timer granularity): wait the rest
            }

            try
            {
                var starts = await Experiments.OnNightAsync(client, store, next, clock, cancellationToken);
                Log($"affect serve: nightly tick {next:yyyy-MM-ddTHH:mmZ}: {(starts.Count == 0 ? "no experiment to run" : string.Join(", ", starts.Select(s => s.RunId + (s.Started ? " started" : " already started"))))}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log($"affect serve: nightly tick {next:yyyy-MM-ddTHH:mmZ}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }

            next = NextAfter(next);
        }
    }

    private void Log(string line)
    {
        lock (log)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }
}

/// <summary>A clock that starts at a chosen instant and runs at real speed (for <c>affect serve --clock</c> in tests and rehearsals).</summary>
/// <param name="start">The time the clock shows when created.</param>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan shift = start - TimeProvider.System.GetUtcNow();

    /// <summary>The instant the clock started at.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + shift;
}
