using System.Globalization;
using System.Text.Json;
using Affect.Audio;

namespace Affect.Features.Boaw;

/// <summary>The learned codebook of one <see cref="BoawStream"/>: z-score parameters and words (in standardized units).</summary>
/// <param name="Stream">The stream (name and input columns).</param>
/// <param name="Means">Per-column mean of the training frames.</param>
/// <param name="Stds">Per-column sample standard deviation (n − 1) of the training frames; 1 for a constant column.</param>
/// <param name="Words">Row-major words, Size × Columns.Count, in standardized units.</param>
/// <param name="Size">Number of words.</param>
/// <param name="TrainingFrames">Frames the words were clustered from (after subsampling).</param>
/// <param name="Iterations">Lloyd updates performed.</param>
/// <param name="Converged">Whether Lloyd's algorithm stopped because no label changed.</param>
/// <param name="Inertia">Σ squared distance of the clustered frames to their nearest word.</param>
public sealed record BoawStreamCodebook(
    BoawStream Stream,
    float[] Means,
    float[] Stds,
    float[] Words,
    int Size,
    int TrainingFrames,
    int Iterations,
    bool Converged,
    double Inertia);

/// <summary>
/// A bag-of-audio-words codebook in openXBOW's sense (Schmitt and Schuller, JMLR 18(96), 2017), learned on training
/// frames only and applied to any utterance: per stream, frames are standardized with the training means and
/// standard deviations, each frame adds one count to each of its <see cref="BoawOptions.Assignments"/> nearest words,
/// and the stream histograms (optionally log10(TF + 1) weighted) are concatenated.
/// </summary>
/// <remarks>
/// Reproducible by construction: the only randomness is <see cref="CodebookRandom"/> (one sub-stream per codebook),
/// statistics and centroid sums are accumulated in double in a fixed order, and distances use
/// <see cref="WordSearch"/>'s fixed-lane, FMA-free kernel; so the same training data, options and seed give
/// byte-identical <see cref="ToFiles"/> on any machine. Term weights are integer counts, or log10(count + 1) evaluated
/// in double and rounded to float (a last-bit difference between C libraries' log10 survives that rounding only at an
/// exact float rounding tie).
/// </remarks>
public sealed class BoawCodebook
{
    /// <summary>File name of the JSON part of a saved codebook.</summary>
    public const string JsonFile = "codebook.json";

    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n" };

    private BoawCodebook(BoawOptions options, IReadOnlyList<string> columnNames, IReadOnlyList<BoawStreamCodebook> streams)
    {
        Options = options;
        ColumnNames = columnNames;
        Streams = streams;
        WordNames = streams.SelectMany(s => Enumerable.Range(0, s.Size).Select(j => string.Create(CultureInfo.InvariantCulture, $"{s.Stream.Name}_{j}"))).ToArray();
    }

    /// <summary>The options the codebook was learned with.</summary>
    public BoawOptions Options { get; }

    /// <summary>Names of the input columns every utterance must have.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>One codebook per stream, in histogram order.</summary>
    public IReadOnlyList<BoawStreamCodebook> Streams { get; }

    /// <summary>Histogram column names: <c>{stream}_{word}</c>, streams concatenated.</summary>
    public IReadOnlyList<string> WordNames { get; }

    /// <summary>Length of a histogram: the sum of the stream codebook sizes.</summary>
    public int HistogramLength => WordNames.Count;

    /// <summary>
    /// Learns one codebook per stream from the training utterances: standardization fitted on all their frames, then
    /// (optionally subsampled) standardized frames clustered with <see cref="BoawOptions.Method"/>.
    /// </summary>
    /// <param name="training">Training-partition utterances (columns as <paramref name="columnNames"/>).</param>
    /// <param name="columnNames">Input column names.</param>
    /// <param name="options">Options (validated here).</param>
    /// <param name="streams">Column groups; null for <see cref="BoawStream.LldAndDelta"/>.</param>
    /// <exception cref="InvalidDataException">A frame holds NaN or ±∞ (message names the utterance, frame and column), or too few frames.</exception>
    public static BoawCodebook Learn(IReadOnlyList<BoawFrames> training, IReadOnlyList<string> columnNames, BoawOptions options, IReadOnlyList<BoawStream>? streams = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        streams ??= BoawStream.LldAndDelta(columnNames);
        CheckStreams(streams, columnNames.Count);
        foreach (var u in training)
        {
            CheckFrames(u, columnNames);
        }

        long total = training.Sum(u => (long)u.Rows);
        if (total > int.MaxValue / 128)
        {
            throw new ArgumentException($"training: {total} frames exceed the supported {int.MaxValue / 128}", nameof(training));
        }

        var learned = new List<BoawStreamCodebook>(streams.Count);
        for (int s = 0; s < streams.Count; s++)
        {
            var stream = streams[s];
            int dims = stream.Columns.Count;
            (float[] means, float[] stds) = FitStandardization(training, columnNames.Count, stream.Columns);
            var random = CodebookRandom.ForStream(options.Seed, s);
            int rows = (int)total;
            int[]? subset = null;
            if (options.MaxTrainingFrames > 0 && rows > options.MaxTrainingFrames)
            {
                subset = Subsample(rows, options.MaxTrainingFrames, random);
                rows = subset.Length;
            }

            float[] padded = GatherStandardized(training, columnNames.Count, stream.Columns, means, stds, subset, rows);
            string source = $"training frames of stream '{stream.Name}'";
            if (rows < options.CodebookSize)
            {
                throw new InvalidDataException($"{source}: codebook: {rows} training frames, fewer than the codebook size {options.CodebookSize}");
            }

            var fit = KMeansClustering.FitPadded(padded, rows, dims, options.CodebookSize, options.Method, options.MaxIterations, random, source);
            learned.Add(new BoawStreamCodebook(stream, means, stds, fit.Centroids, options.CodebookSize, rows, fit.Iterations, fit.Converged, fit.Inertia));
        }

        return new BoawCodebook(options, columnNames.ToArray(), learned);
    }

    /// <summary>
    /// The bag of one utterance: per stream, counts of each word among every frame's <see cref="BoawOptions.Assignments"/>
    /// nearest words (so each frame adds exactly <c>a</c>), log10(TF + 1) if <see cref="BoawOptions.LogWeighting"/>;
    /// streams concatenated. An utterance without frames gives zeros.
    /// </summary>
    /// <param name="utterance">Frames with the codebook's input columns.</param>
    /// <exception cref="InvalidDataException">A frame holds NaN or ±∞, or the value count does not match.</exception>
    public float[] Histogram(BoawFrames utterance)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        CheckFrames(utterance, ColumnNames);
        var histogram = new float[HistogramLength];
        int offset = 0;
        int a = Options.Assignments;
        foreach (var sc in Streams)
        {
            int dims = sc.Stream.Columns.Count;
            int stride = WordSearch.Stride(dims);
            if (utterance.Rows > 0)
            {
                float[] frames = GatherStandardized([utterance], ColumnNames.Count, sc.Stream.Columns, sc.Means, sc.Stds, null, utterance.Rows);
                var nearest = new int[utterance.Rows * a];
                WordSearch.NearestPadded(frames, utterance.Rows, WordSearch.Pad(sc.Words, sc.Size, dims), sc.Size, stride, a, nearest, null);
                var counts = new int[sc.Size];
                foreach (int w in nearest)
                {
                    counts[w]++;
                }

                for (int w = 0; w < sc.Size; w++)
                {
                    histogram[offset + w] = Options.LogWeighting ? (float)Math.Log10(counts[w] + 1.0) : counts[w];
                }
            }

            offset += sc.Size;
        }

        return histogram;
    }

    /// <summary>
    /// The saved form: <see cref="JsonFile"/> (options, columns, per-stream means, stds and statistics) and one float32
    /// <c>codebook-{stream}.npy</c> (Size × columns, standardized units) per stream. Bytes depend only on the content.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> ToFiles()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var streams = new List<StreamDocument>();
        foreach (var sc in Streams)
        {
            string npy = $"codebook-{sc.Stream.Name}.npy";
            using (var ms = new MemoryStream())
            {
                NpyFormat.Write(ms, sc.Words, sc.Size, sc.Stream.Columns.Count);
                files[npy] = ms.ToArray();
            }

            streams.Add(new StreamDocument(sc.Stream.Name, sc.Stream.Columns.ToArray(), sc.Means, sc.Stds, npy, sc.Size, sc.TrainingFrames, sc.Iterations, sc.Converged, sc.Inertia));
        }

        var doc = new CodebookDocument(FormatVersion, OptionsDocument.From(Options), ColumnNames.ToArray(), streams);
        files[JsonFile] = JsonSerializer.SerializeToUtf8Bytes(doc, JsonOptions);
        return files;
    }

    /// <summary>Reads a codebook saved by <see cref="ToFiles"/>.</summary>
    /// <param name="open">Opens a file of the saved codebook by name.</param>
    /// <param name="sourceName">Name of the codebook's location, used in error messages.</param>
    /// <exception cref="InvalidDataException">Missing or inconsistent fields.</exception>
    public static BoawCodebook FromFiles(Func<string, Stream> open, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(open);
        CodebookDocument doc;
        using (var json = open(JsonFile))
        {
            doc = JsonSerializer.Deserialize<CodebookDocument>(json, JsonOptions)
                ?? throw new InvalidDataException($"{sourceName}/{JsonFile}: empty document");
        }

        if (doc.Version != FormatVersion)
        {
            throw new InvalidDataException($"{sourceName}/{JsonFile}: version: {doc.Version} is not supported (expected {FormatVersion})");
        }

        if (doc.Options is null || doc.Columns is null || doc.Streams is null)
        {
            throw new InvalidDataException($"{sourceName}/{JsonFile}: options, columns and streams are required");
        }

        var options = doc.Options.ToOptions();
        var streams = new List<BoawStreamCodebook>();
        foreach (var s in doc.Streams)
        {
            string where = $"{sourceName}/{JsonFile}: streams['{s.Name}']";
            int dims = s.Columns?.Length ?? 0;
            if (dims == 0 || s.Means?.Length != dims || s.Stds?.Length != dims || s.Columns!.Any(c => c < 0 || c >= doc.Columns.Length))
            {
                throw new InvalidDataException($"{where}: columns, means and stds must have the same non-zero length and valid column indices");
            }

            (float[] words, int rows, int cols) = ReadNpy(open, s.Words, sourceName);
            if (rows != s.Size || cols != dims)
            {
                throw new InvalidDataException($"{sourceName}/{s.Words}: shape: ({rows}, {cols}), expected ({s.Size}, {dims})");
            }

            streams.Add(new BoawStreamCodebook(new BoawStream(s.Name, s.Columns!), s.Means!, s.Stds!, words, s.Size, s.TrainingFrames, s.Iterations, s.Converged, s.Inertia));
        }

        return new BoawCodebook(options, doc.Columns, streams);
    }

    /// <summary>Writes <see cref="ToFiles"/> into a folder (created if needed).</summary>
    /// <param name="directory">Destination folder.</param>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, bytes) in ToFiles())
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }

    /// <summary>Reads a codebook saved by <see cref="Save"/>.</summary>
    /// <param name="directory">The folder.</param>
    public static BoawCodebook Load(string directory) => FromFiles(name => File.OpenRead(Path.Combine(directory, name)), directory);

    /// <summary>Per-column mean and sample standard deviation (n − 1) over all frames, accumulated in double in frame order.</summary>
    private static (float[] Means, float[] Stds) FitStandardization(IReadOnlyList<BoawFrames> training, int width, IReadOnlyList<int> columns)
    {
        int dims = columns.Count;
        var sum = new double[dims];
        long n = 0;
        foreach (var u in training)
        {
            for (int r = 0; r < u.Rows; r++)
            {
                int b = r * width;
                for (int d = 0; d < dims; d++)
                {
                    sum[d] += u.Values[b + columns[d]];
                }
            }

            n += u.Rows;
        }

        var mean = new double[dims];
        for (int d = 0; d < dims; d++)
        {
            mean[d] = n > 0 ? sum[d] / n : 0;
        }

        var squares = new double[dims];
        foreach (var u in training)
        {
            for (int r = 0; r < u.Rows; r++)
            {
                int b = r * width;
                for (int d = 0; d < dims; d++)
                {
                    double diff = u.Values[b + columns[d]] - mean[d];
                    squares[d] += diff * diff;
                }
            }
        }

        var means = new float[dims];
        var stds = new float[dims];
        for (int d = 0; d < dims; d++)
        {
            means[d] = (float)mean[d];
            double sd = n > 1 ? Math.Sqrt(squares[d] / (n - 1)) : 0;
            stds[d] = sd > 0 && (float)sd > 0 ? (float)sd : 1f; // a constant column stays centred instead of dividing by 0
        }

        return (means, stds);
    }

    // Standardized, zero-padded rows of the selected frames (all frames in utterance order, or the sorted subset).
    private static float[] GatherStandardized(IReadOnlyList<BoawFrames> utterances, int width, IReadOnlyList<int> columns, float[] means, float[] stds, int[]? subset, int rows)
    {
        int dims = columns.Count;
        int stride = WordSearch.Stride(dims);
        var padded = new float[(long)rows * stride];
        int global = 0;
        int next = 0;
        int outRow = 0;
        foreach (var u in utterances)
        {
            for (int r = 0; r < u.Rows; r++, global++)
            {
                if (subset is not null)
                {
                    if (next >= subset.Length || subset[next] != global)
                    {
                        continue;
                    }

                    next++;
                }

                int b = r * width;
                int o = outRow * stride;
                for (int d = 0; d < dims; d++)
                {
                    padded[o + d] = (u.Values[b + columns[d]] - means[d]) / stds[d];
                }

                outRow++;
            }
        }

        return padded;
    }

    // count distinct indices of [0, rows) by a partial Fisher–Yates shuffle, returned in increasing order.
    private static int[] Subsample(int rows, int count, CodebookRandom random)
    {
        var order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        for (int n = 0; n < count; n++)
        {
            int j = n + random.NextInt(rows - n);
            (order[n], order[j]) = (order[j], order[n]);
        }

        var subset = order[..count];
        Array.Sort(subset);
        return subset;
    }

    private static void CheckFrames(BoawFrames u, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(u);
        int width = columnNames.Count;
        if (u.Rows < 0 || u.Values is null || u.Values.Length != (long)u.Rows * width)
        {
            throw new InvalidDataException($"{u.Source}: values: {u.Values?.Length ?? 0} values for {u.Rows} frames of {width} columns");
        }

        for (int i = 0; i < u.Values.Length; i++)
        {
            if (!float.IsFinite(u.Values[i]))
            {
                int r = i / width;
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{u.Source}: frame {r}, column {columnNames[i - (r * width)]}: value is {u.Values[i]} (LLD frames must be finite)"));
            }
        }
    }

    private static void CheckStreams(IReadOnlyList<BoawStream> streams, int width)
    {
        if (streams.Count == 0)
        {
            throw new ArgumentException("streams: at least one stream is required", nameof(streams));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in streams)
        {
            if (!names.Add(s.Name) || s.Columns.Count == 0 || s.Columns.Any(c => c < 0 || c >= width))
            {
                throw new ArgumentException($"streams: '{s.Name}' must have a unique name and 1+ column indices below {width}", nameof(streams));
            }
        }
    }

    private static (float[] Values, int Rows, int Cols) ReadNpy(Func<string, Stream> open, string name, string sourceName)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{sourceName}/{JsonFile}: words: '{name}' is not a file name");
        }

        using var stream = open(name);
        return NpyFormat.Read(stream, $"{sourceName}/{name}");
    }

    private sealed record CodebookDocument(int Version, OptionsDocument? Options, string[]? Columns, List<StreamDocument>? Streams);

    private sealed record StreamDocument(string Name, int[]? Columns, float[]? Means, float[]? Stds, string Words, int Size, int TrainingFrames, int Iterations, bool Converged, double Inertia);

    private sealed record OptionsDocument(int CodebookSize, int Assignments, string Seed, string Method, int MaxIterations, int MaxTrainingFrames, bool LogWeighting)
    {
        public static OptionsDocument From(BoawOptions o) =>
            new(o.CodebookSize, o.Assignments, o.Seed.ToString(CultureInfo.InvariantCulture), o.Method.ToString(), o.MaxIterations, o.MaxTrainingFrames, o.LogWeighting);

        public BoawOptions ToOptions()
        {
            if (!ulong.TryParse(Seed, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) || !Enum.TryParse<CodebookMethod>(Method, out var method))
            {
                throw new InvalidDataException($"{JsonFile}: options: seed '{Seed}' or method '{Method}' is invalid");
            }

            var o = new BoawOptions(CodebookSize, Assignments, seed, method, MaxIterations, MaxTrainingFrames, LogWeighting);
            o.Validate();
            return o;
        }
    }
}
