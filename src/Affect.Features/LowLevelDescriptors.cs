using Affect.Features.Lld;

namespace Affect.Features;

/// <summary>
/// The 65 ComParE 2016 low-level descriptors (Schuller et al., Interspeech 2016; Eyben 2016) and their deltas, with
/// openSMILE 3's frame grid and semantics: 10 ms step; 20 ms Hamming frames (512-point FFT) for energy, auditory and
/// RASTA spectra, spectral descriptors and MFCC; 60 ms frames for ZCR and the voicing group; 3-frame smoothing
/// (<c>_sma</c>) and W = 2 delta regression (<c>_sma_de</c>). No pre-emphasis (the configuration applies none).
/// </summary>
/// <remarks>
/// Rows: ⌊(N − 960)/160⌋ + 2 for N ≥ 960 samples (the complete 60 ms frames plus openSMILE's flushed last row), 0 otherwise.
/// Instances are immutable and thread-safe (one instance may serve many threads; tables are shared, every call owns its
/// scratch). <see cref="Extract"/> runs an <see cref="LldStream"/> over the whole signal; use <see cref="CreateStream"/>
/// directly for audio of any length in bounded memory.
/// </remarks>
public sealed class LowLevelDescriptors
{
    private const int Step = 160;
    private const int LongFrame = 960;

    private static readonly ShortFrameAnalyzer.Tables SharedTables = new();

    /// <summary>Creates the extractor; the tables (window, FFT, filter bank, DCT) are built once per process.</summary>
    /// <param name="options">Options; null for the defaults (130 columns).</param>
    public LowLevelDescriptors(LowLevelDescriptorOptions? options = null)
    {
        Options = options ?? new LowLevelDescriptorOptions();
        Options.Validate();
        ColumnNames = Options.IncludeDeltas ? LldColumns.All : LldColumns.Lld;
    }

    /// <summary>Whether the six voicing columns come from a real implementation (<c>Affect.Features.Voicing</c>) rather than zeros.</summary>
    public static bool VoicingImplemented => VoicingColumns.Available;

    /// <summary>The options in use.</summary>
    public LowLevelDescriptorOptions Options { get; }

    /// <summary>Names of the output columns (130 or 65).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of LLD rows openSMILE produces for <paramref name="sampleCount"/> samples: ⌊(N − 960)/160⌋ + 2, or 0.</summary>
    /// <param name="sampleCount">Number of 16 kHz samples.</param>
    public static int RowCount(long sampleCount) => sampleCount < LongFrame ? 0 : (int)(((sampleCount - LongFrame) / Step) + 2);

    /// <summary>Starts a streaming extraction (bounded memory, bit-identical to <see cref="Extract"/>); one stream per signal.</summary>
    public LldStream CreateStream() => new(Options, ColumnNames, SharedTables);

    /// <summary>
    /// Extracts the descriptor matrix of a 16 kHz mono signal in [-1, 1]. The matrix also carries
    /// <see cref="LldMatrix.TrailingSpectralRow"/>, the 20 ms-level frame past the last row that openSMILE's
    /// functionals of the spectral contours include.
    /// </summary>
    /// <param name="samples">Audio samples.</param>
    public LldMatrix Extract(ReadOnlySpan<float> samples)
    {
        if (RowCount(samples.Length) >= ParallelMinRows)
        {
            return ExtractInParallel(samples);
        }

        LldStream stream = CreateStream();
        stream.Write(samples);
        stream.Complete();
        int rows = stream.AvailableRows;
        var values = new float[rows * ColumnNames.Count];
        var times = new double[rows];
        stream.ReadRows(values, times);
        float[]? trailing = stream.TrailingSpectralRow is { } t ? [.. t] : null;
        return new LldMatrix(values, rows, ColumnNames, times, trailing) { PitchFramesDecidedAtEnd = stream.PitchFramesDecidedAtEnd };
    }

    /// <summary>
    /// <see cref="Extract"/> for a signal the caller no longer needs: on the parallel path (3 s and more) the input gain
    /// is applied to <paramref name="samples"/> in place instead of to a copy, which saves allocating and touching a
    /// second signal-sized array. Same bits as <see cref="Extract"/>.
    /// </summary>
    /// <param name="samples">Audio samples; their contents are unspecified afterwards.</param>
    public LldMatrix ExtractInPlace(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (RowCount(samples.Length) < ParallelMinRows)
        {
            return Extract(samples);
        }

        if (Options.InputGain != 1.0)
        {
            LowLevelDescriptorOptions.ApplyInputGain(samples, (float)Options.InputGain, samples);
        }

        return ExtractScaled(samples);
    }

    // Signals of 3 s and more are split over threads; shorter ones are not worth the hand-off.
    private const int ParallelMinRows = 300;

    // Samples written to the 20 ms chain between two reads of its final rows (1 s at 16 kHz).
    private const int DrainBlock = 16_000;

    // The same bits as the sequential stream: the voicing group (its SHS frames in parallel blocks) runs beside the 20 ms
    // and ZCR chain, which leaves the voicing columns empty, and is copied into them at the end.
    private LldMatrix ExtractInParallel(ReadOnlySpan<float> samples)
    {
        var scaled = new float[samples.Length];
        LowLevelDescriptorOptions.ApplyInputGain(samples, (float)Options.InputGain, scaled);
        return ExtractScaled(scaled);
    }

    // ExtractInParallel over samples the input gain has already been applied to.
    private LldMatrix ExtractScaled(float[] scaled)
    {
        int rows = RowCount(scaled.Length);
        int width = ColumnNames.Count;
        var values = new float[rows * width];
        var times = new double[rows];
        float[]? trailing = null;
        float[] voicing = [];
        int decided = 0;
        Parallel.Invoke(
            () => voicing = Voicing.VoicingDescriptors.ComputeParallel(scaled, rows, out decided),
            () =>
            {
                // The samples are already scaled: gain 1 copies them unchanged.
                // Rows are moved out as they become final, straight into the matrix, so the stream's queue stays a few
                // blocks long instead of growing (and being copied) to the whole matrix.
                var stream = new LldStream(Options with { InputGain = 1.0 }, ColumnNames, SharedTables, withVoicing: false);
                int read = 0;
                for (int start = 0; start < scaled.Length; start += DrainBlock)
                {
                    stream.Write(scaled.AsSpan(start, Math.Min(DrainBlock, scaled.Length - start)));
                    read += stream.ReadRows(values.AsSpan(read * width), times.AsSpan(read));
                }

                stream.Complete();
                stream.ReadRows(values.AsSpan(read * width), times.AsSpan(read));
                trailing = stream.TrailingSpectralRow is { } t ? [.. t] : null;
            });
        const int v = LldColumns.VoicingCount;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> source = voicing.AsSpan(r * Voicing.VoicingDescriptors.ColumnCount, 2 * v);
            Span<float> row = values.AsSpan(r * width, width);
            source[..v].CopyTo(row[LldColumns.VoicingStart..]);
            if (Options.IncludeDeltas)
            {
                source[v..].CopyTo(row[(LldColumns.LldCount + LldColumns.VoicingStart)..]);
            }
        }

        return new LldMatrix(values, rows, ColumnNames, times, trailing) { PitchFramesDecidedAtEnd = decided };
    }
}
