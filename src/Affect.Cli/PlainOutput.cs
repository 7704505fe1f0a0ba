using System.Globalization;

namespace Affect.Cli;

/// <summary>
/// The plain-text pieces of a command's output: durations, the redirected progress line and when one is due, and the
/// closing summary. No Spectre.Console and no pipeline types, so the Native AOT entry (src/Affect.Cli.Native, which
/// links this file) prints exactly what the managed CLI prints.
/// </summary>
internal static class PlainOutput
{
    /// <summary>A duration as people read it: <c>4.1 s</c>, <c>3 min 05 s</c>, <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s")
        : t.TotalHours < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min");

    /// <summary>One progress line: <c>  [lld] 12/40 30 % 4.1 s, eta 9.6 s</c> (<c>done</c> at the end, <c>eta ?</c> before the first item).</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="done">Items finished.</param>
    /// <param name="total">Items in all.</param>
    /// <param name="elapsed">Time since the stage started.</param>
    /// <param name="remaining">Estimated time left, or null when not known yet.</param>
    public static string ProgressLine(string stage, int done, int total, TimeSpan elapsed, TimeSpan? remaining)
    {
        return string.Create(CultureInfo.InvariantCulture, $"  [{stage}] {done}/{total} {Fraction(done, total) * 100:F0} % {Duration(elapsed)}, {Eta(done, total, remaining)}");
    }

    /// <summary>A stage's time left as shown: <c>eta 9.6 s</c>, <c>done</c> at the end, <c>eta ?</c> before the first item.</summary>
    public static string Eta(int done, int total, TimeSpan? remaining) =>
        Finished(done, total) ? "done" : remaining is { } r ? "eta " + Duration(r) : "eta ?";

    /// <summary>
    /// Whether a stage's progress line is due: its first report, its end, a new tenth, or 10 s since its last line; never
    /// after the line at 100 %. <paramref name="last"/>: the percentage and time of the stage's last line, null if none.
    /// </summary>
    public static bool ProgressLineDue((int Percent, TimeSpan At)? last, int done, int total, TimeSpan now)
    {
        if (last is not { } l)
        {
            return true;
        }

        return l.Percent < 100
            && (Finished(done, total) || Percent(done, total) / 10 > l.Percent / 10 || now - l.At >= TimeSpan.FromSeconds(10));
    }

    /// <summary>The percentage a printed line records for the stage (100 once it is finished).</summary>
    public static int Percent(int done, int total) => Finished(done, total) ? 100 : (int)(Fraction(done, total) * 100);

    /// <summary>
    /// The one-screen summary: <c>affect COMMAND: STATUS in 4.1 s</c>, then the facts and the outputs in aligned
    /// columns, then the slowest stages when there are two or more.
    /// </summary>
    public static string Summary(
        string command,
        string status,
        TimeSpan took,
        IReadOnlyList<(string Name, object Value)> facts,
        IReadOnlyList<(string Label, string Path)> outputs,
        IReadOnlyList<(string Stage, TimeSpan Took)> stages)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"affect {command}: {status} in {Duration(took)}\n");
        int width = outputs.Select(o => o.Label.Length).Concat(facts.Select(f => f.Name.Length)).DefaultIfEmpty(0).Max();
        foreach (var (name, value) in facts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}  {value}\n");
        }

        foreach (var (label, path) in outputs)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {label.PadRight(width)}  {path}\n");
        }

        var slowest = stages.OrderByDescending(s => s.Took).Take(5).ToList();
        if (slowest.Count > 1)
        {
            text.Append("  slowest stages: ").Append(string.Join(", ", slowest.Select(s => $"{s.Stage} {Duration(s.Took)}"))).Append('\n');
        }

        return text.ToString();
    }

    private static bool Finished(int done, int total) => total > 0 && done >= total;

    private static double Fraction(int done, int total) => total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
}
