using System.Globalization;
using Affect.Audio;

namespace Affect.Corpora;

/// <summary>
/// Checks a corpus end to end before any stage runs: the manifest rules, then every referenced file (audio exists and
/// has a valid WAV header at the manifest's sample rate; label CSVs exist, name every rater column, hold finite
/// numbers, follow the declared frame rate and cover the audio). Returns every problem instead of stopping at the first.
/// </summary>
public static class CorpusValidator
{
    /// <summary>Largest accepted difference, in seconds, between a label file's duration (rows / rate) and its audio's.</summary>
    public const double DurationToleranceSeconds = 1.0;

    /// <summary>Validates <paramref name="manifest"/> and the files it names in <paramref name="files"/>.</summary>
    /// <returns>Every problem found, manifest problems first; empty when the corpus is usable.</returns>
    public static IReadOnlyList<CorpusProblem> Validate(CorpusManifest manifest, ICorpusFileSource files)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(files);
        var problems = ManifestRules.Check(manifest, CorpusManifest.FileName);
        CheckFiles(manifest, files, problems);
        return problems;
    }

    /// <summary>
    /// Validates the corpus folder <paramref name="directory"/> (its <c>manifest.json</c> and the files it names);
    /// manifest parse errors are returned as problems too, and the file checks still run where the manifest allows.
    /// </summary>
    public static IReadOnlyList<CorpusProblem> ValidateFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            return [new CorpusProblem(directory, "folder", "does not exist (expected a corpus folder holding manifest.json)")];
        }

        var source = new FolderCorpusSource(directory);
        string? json;
        string? unreadable;
        try
        {
            if (!source.Exists(CorpusManifest.FileName))
            {
                return [new CorpusProblem(CorpusManifest.FileName, "file", $"does not exist in {source.Root} (expected the corpus manifest at the corpus root)")];
            }

            using var stream = source.Open(CorpusManifest.FileName);
            json = BoundedText.Read(stream, CorpusManifest.MaxFileBytes, out unreadable);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [new CorpusProblem(CorpusManifest.FileName, "file", Unreadable(ex))];
        }

        if (json is null)
        {
            return [new CorpusProblem(CorpusManifest.FileName, "file", unreadable!)];
        }

        var (manifest, problems) = ManifestJsonReader.Read(json, CorpusManifest.FileName);
        if (manifest is null)
        {
            return problems;
        }

        ManifestRules.AddUncovered(problems, ManifestRules.Check(manifest, CorpusManifest.FileName));
        if (problems.Any(p => p.Field == "kind"))
        {
            return problems;
        }

        CheckFiles(manifest, source, problems);
        return problems;
    }

    private static void CheckFiles(CorpusManifest m, ICorpusFileSource files, List<CorpusProblem> problems)
    {
        var entries = m.Files ?? [];
        for (int i = 0; i < entries.Count; i++)
        {
            var f = entries[i];
            if (f is null)
            {
                continue;
            }

            double? audioSeconds = null;
            if (f.Audio is not null && CorpusPath.Problem(f.Audio) is null)
            {
                audioSeconds = CheckAudio(m, files, f.Audio, $"files[{i}].audio", problems);
            }

            if (m.Kind == CorpusKind.Dimensional && f.Labels is { } labels && labels.Path is not null && CorpusPath.Problem(labels.Path) is null)
            {
                string at = $"files[{i}].labels";
                if (!Exists(files, labels.Path, at + ".path", problems))
                {
                    continue;
                }

                CheckLabelFile(labels, at, f.Audio!, audioSeconds, files, problems);
            }
        }
    }

    private static double? CheckAudio(CorpusManifest m, ICorpusFileSource files, string audio, string field, List<CorpusProblem> problems)
    {
        if (!Exists(files, audio, field, problems))
        {
            return null;
        }

        WavHeader header;
        try
        {
            using var stream = files.Open(audio);
            header = WavReader.ReadHeader(stream, audio);
        }
        catch (WavFormatException ex)
        {
            problems.Add(new CorpusProblem(audio, ex.Field, ex.Problem));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add(new CorpusProblem(audio, "file", Unreadable(ex)));
            return null;
        }

        if (header.SampleRate != m.SampleRate)
        {
            problems.Add(new CorpusProblem(audio, "fmt.sampleRate", $"{header.SampleRate} Hz differs from the manifest's sampleRate (expected {m.SampleRate} Hz; resample the file or fix sampleRate)"));
        }

        if (header.FrameCount == 0)
        {
            problems.Add(new CorpusProblem(audio, "data.size", "the file holds no audio frames (expected speech)"));
            return null;
        }

        return header.DurationSeconds;
    }

    private static void CheckLabelFile(CorpusLabels labels, string at, string audio, double? audioSeconds, ICorpusFileSource files, List<CorpusProblem> problems)
    {
        string path = labels.Path;
        LabelTable? table;
        try
        {
            using var stream = files.Open(path);
            (table, var found) = LabelTable.Read(stream, path);
            problems.AddRange(found);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add(new CorpusProblem(path, "file", Unreadable(ex)));
            return;
        }

        if (table is null)
        {
            return;
        }

        foreach (var (dim, columns) in (labels.Raters ?? new Dictionary<string, IReadOnlyList<string>>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (string column in columns ?? [])
            {
                if (!string.IsNullOrEmpty(column) && !table.Contains(column))
                {
                    problems.Add(new CorpusProblem(path, $"line 1, column {column}", $"the header has no column '{column}' listed in manifest.json {at}.raters.{dim} (header: {DisplayText.Excerpt(string.Join(",", table.Columns), 120)})"));
                }
            }
        }

        double rate = labels.Rate;
        if (!double.IsFinite(rate) || rate <= 0 || rate > ManifestRules.MaxLabelRate || table.RowCount == 0)
        {
            return;
        }

        var time = table.Column(LabelTable.TimeColumn); // cells already reported as malformed hold NaN and are skipped
        double tolerance = 0.5 / rate;
        int bad = 0;
        int firstBad = -1;
        for (int r = 0; r < time.Length; r++)
        {
            if (!double.IsNaN(time[r]) && Math.Abs(time[r] - (r / rate)) > tolerance)
            {
                bad++;
                if (firstBad < 0)
                {
                    firstBad = r;
                }
            }
        }

        if (bad > 0)
        {
            string others = bad > 1 ? $"; {bad - 1} later row(s) also disagree" : "";
            problems.Add(new CorpusProblem(path, $"line {firstBad + 2}, column {LabelTable.TimeColumn}",
                $"{F(time[firstBad])} s does not match row {firstBad} at {F(rate)} Hz (expected {F(firstBad / rate)} s ± {F(tolerance)} s; is labels.rate right?){others}"));
        }

        double labelSeconds = table.RowCount / rate;
        if (audioSeconds is double seconds && Math.Abs(labelSeconds - seconds) > DurationToleranceSeconds)
        {
            problems.Add(new CorpusProblem(path, "rows",
                $"{table.RowCount} rows at {F(rate)} Hz cover {F(labelSeconds)} s but '{audio}' lasts {F(seconds)} s (expected the labels to cover the audio within {F(DurationToleranceSeconds)} s)"));
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> names something in the corpus; a link leading outside the corpus folder is
    /// reported at the manifest field instead, and nothing of the file it leads to is read.
    /// </summary>
    private static bool Exists(ICorpusFileSource files, string path, string field, List<CorpusProblem> problems)
    {
        try
        {
            if (files.Exists(path))
            {
                return true;
            }

            problems.Add(new CorpusProblem(CorpusManifest.FileName, field, $"'{path}' does not exist in the corpus"));
        }
        catch (CorpusPathException ex)
        {
            problems.Add(new CorpusProblem(CorpusManifest.FileName, field, $"'{path}' {ex.Problem}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add(new CorpusProblem(CorpusManifest.FileName, field, $"'{path}' cannot be inspected: {ex.GetType().Name}"));
        }

        return false;
    }

    /// <summary>Why a file could not be read, without quoting anything but the problem (the messages name corpus paths only).</summary>
    private static string Unreadable(Exception ex) => ex switch
    {
        CorpusPathException p => p.Problem,
        FileNotFoundException => "does not exist",
        UnauthorizedAccessException => "cannot be read: permission denied",
        IOException io when io.Message.Contains(": file: ", StringComparison.Ordinal) => io.Message[(io.Message.IndexOf(": file: ", StringComparison.Ordinal) + 8)..],
        _ => $"cannot be read: {ex.Message}",
    };

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
