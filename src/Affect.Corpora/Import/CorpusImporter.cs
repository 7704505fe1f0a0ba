using System.Globalization;
using System.Text;
using Affect.Audio;

namespace Affect.Corpora.Import;

/// <summary>What an import wrote.</summary>
/// <param name="Directory">The corpus folder.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Copied">WAVs copied unchanged (already 16 kHz mono 16-bit PCM).</param>
/// <param name="Converted">WAVs converted (downmixed, resampled, requantised).</param>
/// <param name="Notes">What the layout left out, and why.</param>
public sealed record ImportResult(string Directory, CorpusManifest Manifest, int Copied, int Converted, IReadOnlyList<string> Notes);

/// <summary>
/// Writes an import plan as a self-contained corpus folder: <c>audio/{id}.wav</c> (copied when the source already is
/// 16 kHz mono 16-bit PCM, else downmixed, band-limited resampled and written as 16-bit PCM), <c>labels/{id}.csv</c>
/// for traces, and <c>manifest.json</c>, then validates it with <see cref="CorpusValidator"/>. Everything is built in a
/// hidden sibling folder and renamed into place at the end, so the output folder never holds a half-written corpus.
/// </summary>
public static class CorpusImporter
{
    /// <summary>The sample rate of imported audio (the pipeline's analysis rate).</summary>
    public const int SampleRate = AudioLoader.DefaultSampleRate;

    /// <summary>Plans the import of <paramref name="source"/> with <paramref name="layout"/> and writes it to <paramref name="outDir"/>.</summary>
    /// <param name="layout">How the source is organised.</param>
    /// <param name="source">The source folder.</param>
    /// <param name="options">Layout options.</param>
    /// <param name="name">Corpus name (manifest <c>name</c>, storage path <c>corpora/{name}/</c>).</param>
    /// <param name="outDir">The corpus folder to create; must not exist or be empty, and must lie outside the source.</param>
    /// <param name="progress">Called once per file written, or null.</param>
    /// <exception cref="CorpusImportException">Bad input, naming the file and field.</exception>
    /// <exception cref="WavFormatException">A source WAV that cannot be decoded, naming it and the header field.</exception>
    public static ImportResult Import(ICorpusLayout layout, FolderImportSource source, ImportOptions options, string name, string outDir, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        if (!LayoutRules.IsToken(name) || name.Length > 64)
        {
            throw new CorpusImportException(outDir, "name", $"'{DisplayText.Excerpt(name)}' is not a valid corpus name (expected 1-64 letters, digits, '.', '_' or '-'; give --name)");
        }

        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir));
        string realTarget = RegularFile.RealPath(target);
        string realSource = RegularFile.RealPath(source.Root);
        if (realTarget == realSource || realTarget.StartsWith(realSource + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new CorpusImportException(outDir, "--out", "lies inside the source folder (expected a folder outside it)");
        }

        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new CorpusImportException(outDir, "--out", "already exists and is not empty (expected a new folder; an import never overwrites)");
        }

        var plan = layout.Plan(source, options);
        var manifest = plan.ToManifest(name);
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.import-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.Combine(temporary, "audio"));
            int copied = 0;
            int converted = 0;
            foreach (var item in plan.Items)
            {
                if (WriteAudio(source.FullPath(item.Source), item.Source, Path.Combine(temporary, "audio", item.Id + ".wav")))
                {
                    converted++;
                }
                else
                {
                    copied++;
                }

                if (item.Traces is { } traces)
                {
                    Directory.CreateDirectory(Path.Combine(temporary, "labels"));
                    File.WriteAllText(Path.Combine(temporary, "labels", item.Id + ".csv"), LabelCsv(traces), new UTF8Encoding(false));
                }

                progress?.Invoke(item.Source);
            }

            File.WriteAllText(Path.Combine(temporary, CorpusManifest.FileName), manifest.ToJson(), new UTF8Encoding(false));
            var problems = CorpusValidator.ValidateFolder(temporary);
            if (problems.Count > 0)
            {
                var p = problems[0];
                var item = plan.Items.FirstOrDefault(i => p.File == ImportPlan.AudioPath(i.Id) || p.File == ImportPlan.LabelPath(i.Id));
                string more = problems.Count > 1 ? $" (and {problems.Count - 1} more problem{(problems.Count > 2 ? "s" : string.Empty)})" : string.Empty;
                throw new CorpusImportException(item?.Source ?? p.File, p.Field, $"the imported corpus would be invalid: {p.Message}{(item is null ? string.Empty : $" (in {p.File})")}{more}");
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target); // empty, checked above
            }

            Directory.Move(temporary, target);
            return new ImportResult(target, manifest, copied, converted, plan.Notes);
        }
        catch
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            throw;
        }
    }

    /// <summary>The label CSV of one recording: <c>time</c> (row / rate) and one column per rater trace, invariant-culture round-trip numbers.</summary>
    public static string LabelCsv(ImportTraces traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var sb = new StringBuilder();
        sb.Append("time");
        foreach (string c in traces.Columns)
        {
            sb.Append(',').Append(c);
        }

        sb.Append('\n');
        for (int i = 0; i < traces.Rows; i++)
        {
            sb.Append((i / traces.Rate).ToString("R", CultureInfo.InvariantCulture));
            foreach (double[] column in traces.Values)
            {
                sb.Append(',').Append(column[i].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Copies or converts one WAV; returns true when it was converted.</summary>
    private static bool WriteAudio(string path, string sourceName, string destination)
    {
        using var stream = RegularFile.OpenRead(path, sourceName);
        var header = WavReader.ReadHeader(stream, sourceName);
        if (header.FormatTag == WavHeader.PcmFormat && header.Channels == 1 && header.BitsPerSample == 16 && header.SampleRate == SampleRate)
        {
            stream.Position = 0;
            using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            stream.CopyTo(output);
            return false;
        }

        stream.Position = 0;
        var clip = AudioLoader.LoadMono(stream, sourceName, SampleRate);
        using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write))
        {
            WavWriter.WritePcm16(output, clip.Samples, SampleRate);
        }

        return true;
    }
}
