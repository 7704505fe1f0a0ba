using System.Globalization;
using System.Text.Json;
using Affect.Audio;
using Affect.Pipeline.Orchestration;
using Spectre.Console;

namespace Affect.Cli;

/// <summary>
/// How a long command talks to its user. Progress (one <see cref="StageProgress"/> model, from a <see cref="StageClock"/>)
/// and log lines go to stderr: a live Spectre.Console display with a bar and ETA per stage when stderr is a terminal,
/// plain lines without ANSI codes when it is redirected, nothing with <c>--quiet</c>. The end goes to stdout: a
/// one-screen summary (where the results are, how long it took), only the result path with <c>--quiet</c>, or one JSON
/// object with <c>--json</c>; so stdout stays clean for a script either way.
/// </summary>
internal sealed class CommandOutput : IDisposable
{
    /// <summary>The flags every long command declares (add them to its <see cref="CliCommand.Flags"/>).</summary>
    public static readonly string[] Flags = ["quiet", "json"];

    private readonly object gate = new();
    private readonly string command;
    private readonly Dictionary<string, (int Percent, TimeSpan At)> printed = new(StringComparer.Ordinal);
    private readonly LiveProgress? live;

    private CommandOutput(string command, bool quiet, bool json, bool interactive)
    {
        this.command = command;
        Quiet = quiet;
        Json = json;
        if (interactive && !quiet)
        {
            live = new LiveProgress();
        }
    }

    /// <summary><c>--quiet</c>: nothing but errors and the final result path.</summary>
    public bool Quiet { get; }

    /// <summary><c>--json</c>: one JSON object on stdout at the end.</summary>
    public bool Json { get; }

    /// <summary>The clock the command's stages are timed on.</summary>
    public StageClock Clock { get; } = new();

    /// <summary>True when stderr is a terminal (not redirected, and <c>TERM</c> is not <c>dumb</c>): progress is drawn live.</summary>
    public static bool ErrorIsTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    /// <summary>The output of <paramref name="command"/> as its <c>--quiet</c>/<c>--json</c> flags ask.</summary>
    /// <exception cref="UsageException">Both flags given.</exception>
    public static CommandOutput For(Arguments args, string command)
    {
        bool quiet = args.Flag("quiet"), json = args.Flag("json");
        if (quiet && json)
        {
            throw new UsageException($"affect {command}: --quiet and --json exclude each other");
        }

        return new CommandOutput(command, quiet, json, ErrorIsTerminal);
    }

    /// <summary>A log line (what is being done) on stderr; dropped with <c>--quiet</c>.</summary>
    public void Line(string text)
    {
        if (Quiet)
        {
            return;
        }

        lock (gate)
        {
            if (live is not null)
            {
                live.Line(DisplayText.Escape(text));
            }
            else
            {
                Console.Error.WriteLine(text);
            }
        }
    }

    /// <summary>A detail line (one activity, one file, one epoch): a plain line when redirected; left out of the live display and with <c>--quiet</c>.</summary>
    public void Detail(string text)
    {
        if (live is null)
        {
            Line(text);
        }
    }

    /// <summary>
    /// A trainer's log line: a detail line, and when it is the trainer's per-epoch line (<c>epoch N: ...</c>, as
    /// LstmTrainer and SpectrogramAutoencoderTrainer write it) also epoch N of <paramref name="epochs"/> of <paramref name="stage"/>.
    /// </summary>
    public void EpochLine(string stage, string line, int epochs)
    {
        ArgumentNullException.ThrowIfNull(line);
        Detail(line);
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (line.StartsWith("epoch ", StringComparison.Ordinal) && colon > 6
            && int.TryParse(line.AsSpan(6, colon - 6), NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch))
        {
            Progress(stage, epoch, epochs);
        }
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> items of <paramref name="stage"/>.</summary>
    public void Progress(string stage, int done, int total) => Progress(Clock.Report(stage, done, total));

    /// <summary>Shows <paramref name="p"/>: a live bar with ETA, or a plain line at the stage's start, every 10 % or 10 s, and its end.</summary>
    public void Progress(StageProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (Quiet)
        {
            return;
        }

        lock (gate)
        {
            if (live is not null)
            {
                live.Show(p);
                return;
            }

            var now = Clock.Elapsed;
            (int Percent, TimeSpan At)? last = printed.TryGetValue(p.Stage, out var seen) ? seen : null;
            if (PlainOutput.ProgressLineDue(last, p.Done, p.Total, now))
            {
                printed[p.Stage] = (PlainOutput.Percent(p.Done, p.Total), now);
                Console.Error.WriteLine(PlainLine(p));
            }
        }
    }

    /// <summary>The plain progress line of <paramref name="p"/>: <c>  [lld] 12/40 30 % 4.1 s, eta 9.6 s</c>.</summary>
    public static string PlainLine(StageProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return PlainOutput.ProgressLine(p.Stage, p.Done, p.Total, p.Elapsed, p.Remaining);
    }

    /// <summary>
    /// Ends the command's output: stops the live display, then writes the summary to stdout — the one-screen summary,
    /// only <paramref name="summary"/>'s main path with <c>--quiet</c>, or one JSON object with <c>--json</c>.
    /// </summary>
    public void Finish(CommandSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        StopLive();
        var took = Clock.Elapsed;
        if (Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(summary.ToJson(command, took)));
        }
        else if (Quiet)
        {
            if (summary.Outputs.Count > 0)
            {
                Console.Out.WriteLine(summary.Outputs[0].Path);
            }
        }
        else
        {
            Console.Out.Write(summary.ToText(command, took, Clock.Finished));
        }
    }

    /// <summary>Stops the live display (if any) so errors print below it.</summary>
    public void Dispose() => StopLive();

    private void StopLive()
    {
        lock (gate)
        {
            live?.Stop();
        }
    }
}

/// <summary>
/// The live Spectre.Console display on a terminal's stderr: one row per stage with its count, ETA, bar, percentage and
/// elapsed time; log lines print above it. Made only for a terminal, so a redirected run never loads Spectre.Console.
/// </summary>
internal sealed class LiveProgress
{
    private readonly IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
    private readonly Dictionary<string, ProgressTask> tasks = new(StringComparer.Ordinal);
    private ProgressContext? context;
    private TaskCompletionSource? stopLive;
    private Task? liveDisplay;

    /// <summary>A log line above the display.</summary>
    public void Line(string text) => console.WriteLine(text, Style.Plain);

    /// <summary>Shows <paramref name="p"/> in its stage's row (starting the display on the first call).</summary>
    public void Show(StageProgress p)
    {
        if (context is null)
        {
            var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
            stopLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stop = stopLive.Task;
            liveDisplay = console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    ready.TrySetResult(ctx);
                    await stop;
                    ctx.Refresh();
                });
            context = ready.Task.GetAwaiter().GetResult();
        }

        if (!tasks.TryGetValue(p.Stage, out var task))
        {
            tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
        }

        task.MaxValue = Math.Max(1, p.Total);
        task.Value = p.Total <= 0 ? 1 : p.Done;
        task.Description = Markup.Escape($"{p.Stage} {p.Done}/{p.Total} {PlainOutput.Eta(p.Done, p.Total, p.Remaining)}");
    }

    /// <summary>Ends the display, leaving its last state on the screen.</summary>
    public void Stop()
    {
        stopLive?.TrySetResult();
        liveDisplay?.GetAwaiter().GetResult();
        liveDisplay = null;
        context = null;
        tasks.Clear();
    }
}

/// <summary>What a long command produced, for its closing summary.</summary>
/// <param name="Status">One word: <c>completed</c>, <c>stopped</c>.</param>
/// <param name="Outputs">What was written and where (label, path); the first is the main result (what <c>--quiet</c> prints).</param>
/// <param name="Facts">Further named facts (run id, counts), in order.</param>
internal sealed record CommandSummary(string Status, IReadOnlyList<(string Label, string Path)> Outputs, IReadOnlyList<(string Name, object Value)> Facts)
{
    /// <summary>The summary as one JSON object: command, status, seconds, outputs, facts and per-stage seconds.</summary>
    public Dictionary<string, object> ToJson(string command, TimeSpan took)
    {
        var json = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["command"] = command,
            ["status"] = Status,
            ["seconds"] = Math.Round(took.TotalSeconds, 3),
            ["outputs"] = Outputs.ToDictionary(o => o.Label, o => o.Path, StringComparer.Ordinal),
        };
        foreach (var (name, value) in Facts)
        {
            json[name] = value;
        }

        return json;
    }

    /// <summary>The one-screen summary: what ran, how long it took, where each result is, and the slowest stages.</summary>
    public string ToText(string command, TimeSpan took, IReadOnlyList<(string Stage, TimeSpan Took)> stages) =>
        PlainOutput.Summary(command, Status, took, Facts, Outputs, stages);
}
