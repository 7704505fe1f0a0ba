using Affect.Features.Lld;
using Affect.Features.Voicing;

namespace Affect.Features;

/// <summary>
/// Streaming ComParE 2016 LLD extraction in bounded memory: feed 16 kHz samples in blocks of any size with
/// <see cref="Write"/>, take the rows that have become final with <see cref="ReadRows"/>, and call
/// <see cref="Complete"/> at the end of input to release the last rows (openSMILE's end-of-input rules: the flushed last
/// row, edge-clamped deltas). The output is bit-identical to <see cref="LowLevelDescriptors.Extract"/> of the whole signal
/// whatever the block sizes.
/// </summary>
/// <remarks>
/// Memory is O(1) in the input length: the analyses hold the last ≈ 0.2 s of samples and rings of 128 frames; the
/// look-ahead is 3 frames for the 20 ms level (smoother + delta window), 4 for the 60 ms ZCR contour and at most about
/// 36 for the voicing group (30-frame Viterbi path buffer, smoothing, deltas). Rows not yet read are queued, so a caller
/// that never reads accumulates the output matrix itself (O(rows)). Not thread-safe; use one stream per signal.
/// </remarks>
public sealed class LldStream
{
    private const int Step = 160;
    private const int LongFrame = 960;
    private const int ShortFrame = ShortFrameAnalyzer.FrameSize;
    private const int Raw = ShortFrameAnalyzer.Width;
    private const int Capacity = 128;
    private const int Chunk = 4096;

    private static readonly int[] Target = RawTargets();
    private static readonly float[] NoVoicing = new float[2 * LldColumns.VoicingCount];

    private readonly SampleWindow samples = new();
    private readonly ShortFrameAnalyzer shortFrames;
    private readonly VoicingStream? voicing;
    private readonly FrameRing shortRaw = new(Raw, Capacity);
    private readonly FrameRing shortSmoothed = new(Raw, Capacity);
    private readonly FrameRing zcr = new(1, Capacity);
    private readonly float gain;
    private readonly bool deltas;
    private float[] queue;
    private double[] queueTimes;
    private int queueStart;
    private int queueCount;
    private long shortNext;
    private long smoothNext;
    private long zcrNext;
    private long emitted;
    private float[]? trailing;

    // withVoicing false: the six voicing columns (and their deltas) stay 0 for the caller to fill in (LowLevelDescriptors
    // computes them beside this stream on another thread).
    internal LldStream(LowLevelDescriptorOptions options, IReadOnlyList<string> columnNames, ShortFrameAnalyzer.Tables tables, bool withVoicing = true)
    {
        shortFrames = new ShortFrameAnalyzer(tables);
        voicing = withVoicing ? new VoicingStream() : null;
        gain = (float)options.InputGain;
        deltas = options.IncludeDeltas;
        ColumnNames = columnNames;
        queue = new float[64 * columnNames.Count];
        queueTimes = new double[64];
    }

    /// <summary>Names of the output columns (130 with deltas, 65 without).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Values per row.</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>Samples written so far.</summary>
    public long SamplesWritten => samples.End;

    /// <summary>Rows that are final and not yet read.</summary>
    public int AvailableRows => queueCount;

    /// <summary>Rows made final so far (read or not).</summary>
    public long RowsEmitted => emitted;

    /// <summary>Whether <see cref="Complete"/> has been called.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Samples currently held for look-back (bounded: at most a few thousand plus one written block).</summary>
    public int HeldSamples => samples.Count;

    /// <summary>
    /// After <see cref="Complete"/>: the 20 ms-level values one frame past the last row (row index = row count), which
    /// openSMILE's functionals of the spectral contours include: RASTA bands, spectral descriptors and MFCC with their
    /// deltas hold genuine values; every other column is NaN. Null before completion or without rows.
    /// </summary>
    public IReadOnlyList<float>? TrailingSpectralRow => trailing;

    /// <summary>After <see cref="Complete"/>: pitch frames decided before the end of input (see <see cref="LldMatrix.PitchFramesDecidedAtEnd"/>).</summary>
    public int? PitchFramesDecidedAtEnd => IsCompleted ? voicing?.DecidedAtEnd : null;

    /// <summary>Feeds the next block of 16 kHz mono samples in [-1, 1] (the options' input gain is applied).</summary>
    /// <param name="block">Samples; any length, including 0.</param>
    /// <exception cref="InvalidOperationException">The stream is already completed.</exception>
    public void Write(ReadOnlySpan<float> block)
    {
        if (IsCompleted)
        {
            throw new InvalidOperationException("LldStream: Write after Complete");
        }

        while (block.Length > 0)
        {
            int n = Math.Min(Chunk, block.Length);
            samples.Append(block[..n], gain, FirstSampleNeeded());
            block = block[n..];
            Pump();
        }
    }

    /// <summary>Marks the end of input and makes the remaining rows final. Idempotent.</summary>
    public void Complete()
    {
        if (IsCompleted)
        {
            return;
        }

        IsCompleted = true;
        Pump();
    }

    /// <summary>
    /// Moves up to destination.Length / <see cref="Columns"/> final rows into <paramref name="destination"/> (row-major)
    /// and their frame times (seconds) into <paramref name="frameTimes"/> when it is not empty; returns the row count.
    /// </summary>
    /// <param name="destination">Row-major destination.</param>
    /// <param name="frameTimes">Optional destination of the rows' frame times (at least as many entries as rows read).</param>
    public int ReadRows(Span<float> destination, Span<double> frameTimes = default)
    {
        int width = Columns;
        int n = Math.Min(queueCount, destination.Length / width);
        if (!frameTimes.IsEmpty)
        {
            n = Math.Min(n, frameTimes.Length);
            queueTimes.AsSpan(queueStart, n).CopyTo(frameTimes);
        }

        queue.AsSpan(queueStart * width, n * width).CopyTo(destination);
        queueStart += n;
        queueCount -= n;
        if (queueCount == 0)
        {
            queueStart = 0;
        }

        return n;
    }

    private long FirstSampleNeeded() => Math.Min(voicing?.FirstSampleNeeded ?? long.MaxValue, Math.Min(shortNext, zcrNext) * Step);

    private void Pump()
    {
        long end = samples.End;
        while ((shortNext * Step) + ShortFrame <= end)
        {
            shortFrames.Analyze(samples.Slice(shortNext * Step, ShortFrame), shortRaw[shortNext]);
            shortNext++;
        }

        while ((zcrNext * Step) + LongFrame <= end)
        {
            zcr[zcrNext][0] = TimeDomain.ZeroCrossingRate(samples.Slice(zcrNext * Step, LongFrame));
            zcrNext++;
        }

        if (IsCompleted)
        {
            voicing?.Complete(samples);
        }
        else
        {
            voicing?.Advance(samples);
        }

        long rows = IsCompleted ? LowLevelDescriptors.RowCount(end) : long.MaxValue;
        long shortCount = IsCompleted ? shortNext : long.MaxValue;
        while (IsCompleted ? smoothNext < shortNext : smoothNext + 1 < shortNext)
        {
            Span<float> o = shortSmoothed[smoothNext];
            Span<float> prev = shortRaw[Math.Max(smoothNext - 1, 0)];
            Span<float> cur = shortRaw[smoothNext];
            Span<float> next = shortRaw[Math.Min(smoothNext + 1, shortCount - 1)];
            for (int c = 0; c < Raw; c++)
            {
                o[c] = ContourSmoother.Mean3(prev[c], cur[c], next[c]);
            }

            smoothNext++;
        }

        long rowLowerBound = LowLevelDescriptors.RowCount(end);
        long voicingReady = voicing?.RowsReady ?? long.MaxValue;
        while (emitted < voicingReady && (IsCompleted ? emitted < rows : emitted + 5 <= rowLowerBound))
        {
            Emit(emitted, rows, shortCount);
            emitted++;
        }

        if (shortNext - emitted >= Capacity - 8 || (voicing?.Backlog ?? 0) >= Capacity - 8)
        {
            throw new InvalidOperationException("LldStream: internal look-ahead exceeded the frame rings");
        }

        if (IsCompleted && trailing is null && rows > 0)
        {
            trailing = Trailing(rows, shortCount);
        }
    }

    // ZCR contour after smoothing: 3-frame mean over the F = rows − 1 complete 60 ms frames; the flushed row is the mean of
    // the last raw value padded three times (openSMILE pads past the level's end with its last frame), which can differ from it in the last bit.
    private float ZcrSmoothed(long j, long rows)
    {
        long frames = rows == long.MaxValue ? long.MaxValue : rows - 1;
        if (j == rows - 1)
        {
            float last = zcr[frames - 1][0];
            return ContourSmoother.Mean3(last, last, last);
        }

        return ContourSmoother.Mean3(zcr[Math.Max(j - 1, 0)][0], zcr[j][0], zcr[Math.Min(j + 1, frames - 1)][0]);
    }

    private void Emit(long r, long rows, long shortCount)
    {
        int width = Columns;
        if (queueStart + queueCount == queueTimes.Length)
        {
            if (queueStart > 0)
            {
                Array.Copy(queue, queueStart * width, queue, 0, queueCount * width);
                Array.Copy(queueTimes, queueStart, queueTimes, 0, queueCount);
                queueStart = 0;
            }
            else
            {
                Array.Resize(ref queue, queue.Length * 2);
                Array.Resize(ref queueTimes, queueTimes.Length * 2);
            }
        }

        int slot = queueStart + queueCount;
        Span<float> row = queue.AsSpan(slot * width, width);
        queueTimes[slot] = Math.Min(r, rows - 2) * (Step / 16000.0);
        ReadOnlySpan<float> sm = shortSmoothed[r];
        for (int c = 0; c < Raw; c++)
        {
            row[Target[c]] = sm[c];
        }

        row[LldColumns.ZeroCrossingRate] = ZcrSmoothed(r, rows);
        ReadOnlySpan<float> v = voicing is null ? NoVoicing : voicing.Row(r);
        v[..LldColumns.VoicingCount].CopyTo(row[LldColumns.VoicingStart..]);
        if (deltas)
        {
            // Level A (auditory L1 norms, RMS) is read jointly with the 60 ms ZCR, so its delta clamps at the last output
            // row; level B (RASTA bands, spectral, MFCC) is 20 ms only and its delta sees the genuine following frames.
            for (int c = 0; c < Raw; c++)
            {
                long limit = c < 3 ? rows - 1 : shortCount - 1;
                float acc = 0f;
                for (int i = 1; i <= 2; i++)
                {
                    float ahead = shortSmoothed[Math.Min(r + i, limit)][c];
                    float behind = shortSmoothed[Math.Max(r - i, 0)][c];
                    acc += i * (ahead - behind);
                }

                row[LldColumns.LldCount + Target[c]] = acc / 10f;
            }

            float z = 0f;
            for (int i = 1; i <= 2; i++)
            {
                z += i * (ZcrSmoothed(Math.Min(r + i, rows - 1), rows) - ZcrSmoothed(Math.Max(r - i, 0), rows));
            }

            row[LldColumns.LldCount + LldColumns.ZeroCrossingRate] = z / 10f;
            v.Slice(LldColumns.VoicingCount, LldColumns.VoicingCount).CopyTo(row[(LldColumns.LldCount + LldColumns.VoicingStart)..]);
        }

        queueCount++;
    }

    // The 20 ms level one frame past the last row (index rows): RASTA bands, spectral and MFCC, with their deltas.
    private float[] Trailing(long rows, long shortCount)
    {
        var row = new float[Columns];
        Array.Fill(row, float.NaN);
        ReadOnlySpan<float> sm = shortSmoothed[rows];
        for (int c = 3; c < Raw; c++)
        {
            row[Target[c]] = sm[c];
            if (deltas)
            {
                float acc = 0f;
                for (int i = 1; i <= 2; i++)
                {
                    acc += i * (shortSmoothed[Math.Min(rows + i, shortCount - 1)][c] - shortSmoothed[rows - i][c]);
                }

                row[LldColumns.LldCount + Target[c]] = acc / 10f;
            }
        }

        return row;
    }

    // Output LLD column of each raw 20 ms column.
    private static int[] RawTargets()
    {
        var t = new int[Raw];
        t[0] = LldColumns.AudspecL1;
        t[1] = LldColumns.AudspecRastaL1;
        t[2] = LldColumns.RmsEnergy;
        for (int b = 0; b < 26; b++)
        {
            t[3 + b] = LldColumns.RastaBands + b;
        }

        for (int s = 0; s < SpectralDescriptors.Count; s++)
        {
            t[3 + 26 + s] = LldColumns.Spectral + s;
        }

        for (int m = 0; m < 14; m++)
        {
            t[3 + 26 + SpectralDescriptors.Count + m] = LldColumns.Mfcc + m;
        }

        return t;
    }
}
