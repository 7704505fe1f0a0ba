using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Affect.Audio;
using Affect.Cli;
using Affect.Features;
using Affect.Features.IO;

namespace Affect.Cli.Native;

/// <summary>
/// The native entry point of a published <c>affect</c> (Native AOT, <c>-p:AffectNativeEntry=true</c>): a short
/// <c>affect features lld</c> is dominated by runtime start-up and JIT, so this binary runs that command itself, with
/// the same output as the managed CLI (same CSV bytes, progress lines, summary, <c>--quiet</c>/<c>--json</c>, errors and
/// exit codes), and hands every other command line, and any <c>features lld</c> line outside the plain form it knows,
/// to the managed CLI unchanged (<see cref="ManagedCli.Forward"/>), so there is one implementation of everything else.
/// </summary>
internal static class NativeEntry
{
    private const string Command = "features lld";

    /// <summary>Runs <paramref name="args"/>: <c>features lld</c> here, everything else through the managed CLI.</summary>
    public static int Run(string[] args)
    {
        var lld = LldInvocation.Parse(args);
        if (lld is null || Environment.GetEnvironmentVariable("AFFECT_PROFILE") is { Length: > 0 } and not "0")
        {
            return ManagedCli.Forward(args);
        }

        // As in the managed CLI (AffectCommand.RunAsync): the first SIGINT/SIGTERM is reported and the command, which
        // is not cancellable, finishes (so no temporary CSV is left behind); a second one ends the process at once.
        bool signalled = false;
        void Stop(PosixSignalContext context)
        {
            if (signalled)
            {
                return;
            }

            signalled = true;
            context.Cancel = true;
            Console.Error.WriteLine($"affect: {(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT")} received, stopping (send it again to end at once)");
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return RunLld(lld);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException)
        {
            // The managed CLI's one line for bad input (AffectCommand.RunAsync); WavFormatException is an IOException.
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
    }

    // The body of the managed FeaturesCommand.RunLld, with CommandOutput's plain (redirected) output.
    private static int RunLld(LldInvocation lld)
    {
        var progress = new PlainProgress(lld.Quiet);
        foreach (string path in lld.Inputs)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file does not exist");
            }
        }

        var options = new LowLevelDescriptorOptions(IncludeDeltas: !lld.NoDeltas);
        var extracted = new List<(string Name, double Seconds, LldMatrix Lld)>();
        foreach (string path in lld.Inputs)
        {
            progress.Report(extracted.Count, lld.Inputs.Count);
            var clip = AudioLoader.LoadMono(path);
            var extractor = new LowLevelDescriptors(options with { InputGain = LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample) });
            var m = extractor.ExtractInPlace(clip.Samples); // the clip is not used again: no copy of the signal
            if (m.Rows == 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: duration: {clip.DurationSeconds:F3} s is shorter than one 60 ms LLD frame"));
            }

            extracted.Add((Path.GetFileNameWithoutExtension(path), clip.DurationSeconds, m));
        }

        AtomicFile.Write(lld.Csv, stream =>
        {
            OpenSmileCsv.WriteHeader(stream, options.IncludeDeltas ? LldColumns.All : LldColumns.Lld);
            foreach (var (name, seconds, m) in extracted)
            {
                OpenSmileCsv.WriteRows(stream, name, m);
                progress.Line(string.Create(CultureInfo.InvariantCulture, $"{name}: {seconds:F3} s, {m.Rows} frames"));
            }
        });
        progress.Report(extracted.Count, lld.Inputs.Count);

        string csv = Path.GetFullPath(lld.Csv);
        int frames = extracted.Sum(e => e.Lld.Rows);
        double took = progress.Elapsed.TotalSeconds;
        if (lld.Json)
        {
            Console.Out.WriteLine(Json(csv, lld.Inputs.Count, frames, took));
        }
        else if (lld.Quiet)
        {
            Console.Out.WriteLine(csv);
        }
        else
        {
            Console.Out.Write(PlainOutput.Summary(Command, "completed", progress.Elapsed, [("files", lld.Inputs.Count), ("frames", frames)], [("csv", csv)], []));
        }

        return 0;
    }

    // CommandSummary.ToJson as System.Text.Json's default serializer writes it (same encoder, same number format).
    private static string Json(string csv, int files, int frames, double seconds)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("command", Command);
            w.WriteString("status", "completed");
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteStartObject("outputs");
            w.WriteString("csv", csv);
            w.WriteEndObject();
            w.WriteNumber("files", files);
            w.WriteNumber("frames", frames);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>
/// The plain progress lines of the managed CLI's CommandOutput for one stage (<c>lld</c>) on stderr, from the same
/// <see cref="PlainOutput"/> code: <c>  [lld] 1/4 25 % 0.3 s, eta 0.9 s</c> at the start, every 10 % or 10 s, and at the
/// end; nothing with <c>--quiet</c>. The ETA is StageClock's: elapsed · (total − done) / done.
/// </summary>
internal sealed class PlainProgress(bool quiet)
{
    private readonly long origin = System.Diagnostics.Stopwatch.GetTimestamp();
    private long? stageStart;
    private (int Percent, TimeSpan At)? last;

    /// <summary>Time since the command started (the summary's "completed in").</summary>
    public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(origin);

    /// <summary>A log line on stderr, dropped with <c>--quiet</c>.</summary>
    public void Line(string text)
    {
        if (!quiet)
        {
            Console.Error.WriteLine(text);
        }
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> files; prints a line when one is due.</summary>
    public void Report(int done, int total)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        stageStart ??= now;
        var sinceStart = Elapsed;
        if (quiet || !PlainOutput.ProgressLineDue(last, done, total, sinceStart))
        {
            return;
        }

        last = (PlainOutput.Percent(done, total), sinceStart);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(stageStart.Value, now);
        TimeSpan? remaining = done > 0 ? elapsed * ((double)(total - done) / done) : null;
        Console.Error.WriteLine(PlainOutput.ProgressLine("lld", done, total, elapsed, remaining));
    }
}
