using System.Buffers;

namespace Affect.Features.Voicing;

/// <summary>
/// The six voicing-related ComParE 2016 low-level descriptors (F0final, voicingFinalUnclipped, jitterLocal,
/// jitterDDP, shimmerLocal, logHNR) with openSMILE's smoothing and delta rules, computed as openSMILE 3.0 does:
/// SHS pitch candidates (<see cref="ShsPitchAnalyzer"/>), Viterbi smoothing, an RMS gate (0.001 on the Gaussian-windowed
/// frame), waveform period matching for jitter/shimmer/HNR, a 3-frame noZeroSma moving average and deltaWin-2 deltas.
/// </summary>
public static class VoicingDescriptors
{
    /// <summary>Number of columns returned per row: six smoothed LLDs followed by their six deltas.</summary>
    public const int ColumnCount = 12;

    /// <summary>Number of voicing LLDs (before deltas).</summary>
    public const int LldCount = 6;

    /// <summary>Frame length of the pitch branch in samples (60 ms at 16 kHz).</summary>
    public const int FrameSize = ShsPitchAnalyzer.FrameSize;

    /// <summary>Frame step in samples (10 ms at 16 kHz).</summary>
    public const int FrameStep = 160;

    /// <summary>Energy gate of openSMILE's cValbasedSelector: frames whose windowed RMS is below it get F0 = voicing = 0.</summary>
    private const float EnergyThreshold = 0.001f;

    /// <summary>Column names in output order (openSMILE naming).</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
    [
        "F0final_sma", "voicingFinalUnclipped_sma", "jitterLocal_sma", "jitterDDP_sma", "shimmerLocal_sma", "logHNR_sma",
        "F0final_sma_de", "voicingFinalUnclipped_sma_de", "jitterLocal_sma_de", "jitterDDP_sma_de", "shimmerLocal_sma_de", "logHNR_sma_de",
    ];

    /// <summary>
    /// Columns whose parity with openSMILE is below r = 0.99, with the reason (for the parity report).
    /// Empty: all twelve columns reach r ≥ 0.9998 against openSMILE 3.0 on the set-1 and set-2 speech references.
    /// </summary>
    public static IReadOnlyDictionary<string, string> KnownDeviations { get; } = new Dictionary<string, string>();

    /// <summary>LLD row count of the ComParE frame grid for <paramref name="sampleCount"/> samples: ⌊(N − 960)/160⌋ + 2, or 0 when N &lt; 960.</summary>
    /// <param name="sampleCount">Signal length N in samples at 16 kHz.</param>
    public static int RowCount(long sampleCount) =>
        sampleCount < FrameSize ? 0 : (int)((sampleCount - FrameSize) / FrameStep) + 2;

    /// <summary>
    /// Computes the voicing LLDs. <paramref name="samples"/>: 16 kHz mono in [-1, 1]; <paramref name="rows"/>: the
    /// LLD row count of the ComParE frame grid, ⌊(N − 960)/160⌋ + 2 for N ≥ 960 (<see cref="RowCount"/>). Returns
    /// row-major rows × 12. Rows past the last complete 60 ms frame repeat its raw values (openSMILE's end-of-input
    /// flush); when N &lt; 960 there is no frame and every requested row is the silence value (0, and logHNR −100).
    /// </summary>
    /// <param name="samples">Mono samples at 16 kHz, full scale ±1.</param>
    /// <param name="rows">Number of output rows (≥ 0).</param>
    public static float[] Compute(ReadOnlySpan<float> samples, int rows) => Compute(samples, rows, null, out _);

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{float}, int)"/> with the SHS candidate analysis of the frames spread over the
    /// thread pool (each frame's candidates depend on that frame alone, so the bits are the same); the Viterbi smoother,
    /// the period analysis and the contour steps stay sequential. <paramref name="decided"/>: the frames the pitch
    /// smoother had decided when the input ended (<see cref="EndOfInputHorizon"/>).
    /// </summary>
    internal static float[] ComputeParallel(float[] samples, int rows, out int decided) => Compute(samples, rows, samples, out decided);

    private static float[] Compute(ReadOnlySpan<float> samples, int rows, float[]? parallelSource, out int decided)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        decided = 0;
        var output = new float[rows * ColumnCount];
        if (rows == 0)
        {
            return output;
        }

        int frames = samples.Length < FrameSize ? 0 : ((samples.Length - FrameSize) / FrameStep) + 1;
        frames = Math.Min(frames, rows);
        float[] raw = ArrayPool<float>.Shared.Rent(Math.Max(1, frames) * LldCount);
        float[] cand = ArrayPool<float>.Shared.Rent(Math.Max(1, frames) * ShsPitchAnalyzer.CandidateCount * 3);
        float[] energy = ArrayPool<float>.Shared.Rent(Math.Max(1, frames));
        try
        {
            decided = ComputeRaw(samples, frames, raw, cand, energy, parallelSource);
            Smooth(raw, frames, rows, output, decided);
            ApplyDeltas(output, rows, decided);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(raw);
            ArrayPool<float>.Shared.Return(cand);
            ArrayPool<float>.Shared.Return(energy);
        }

        return output;
    }

    /// <summary>Unsmoothed per-frame values (frames × 6): F0final, voicingFinalUnclipped, jitterLocal, jitterDDP, shimmerLocal, logHNR.</summary>
    internal static float[] ComputeRaw(ReadOnlySpan<float> samples)
    {
        int frames = samples.Length < FrameSize ? 0 : ((samples.Length - FrameSize) / FrameStep) + 1;
        var raw = new float[frames * LldCount];
        var cand = new float[Math.Max(1, frames) * ShsPitchAnalyzer.CandidateCount * 3];
        var energy = new float[Math.Max(1, frames)];
        ComputeRaw(samples, frames, raw, cand, energy, null);
        return raw;
    }

    // parallelSource: the same samples as an array, to analyse the SHS frames in parallel blocks; null for one thread.
    private static int ComputeRaw(ReadOnlySpan<float> samples, int frames, float[] raw, float[] cand, float[] energy, float[]? parallelSource)
    {
        const int c = ShsPitchAnalyzer.CandidateCount;
        int block = frames * c;
        float[] f0 = ArrayPool<float>.Shared.Rent(Math.Max(1, block));
        float[] voicing = ArrayPool<float>.Shared.Rent(Math.Max(1, block));
        try
        {
            var tail = new FrameFinisher(f0, voicing, energy, raw);
            if (parallelSource is not null && frames >= 2 * ParallelBlock)
            {
                AnalyzeFramesInParallel(parallelSource, frames, tail);
            }
            else
            {
                var shs = new ShsPitchAnalyzer();
                Span<float> score = stackalloc float[c];
                for (int k = 0; k < frames; k++)
                {
                    energy[k] = (float)shs.Analyze(samples.Slice(k * FrameStep, FrameSize), f0.AsSpan(k * c, c), voicing.AsSpan(k * c, c), score);
                }

                tail.Advance(samples, frames);
            }

            return tail.Finish(samples);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(f0);
            ArrayPool<float>.Shared.Return(voicing);
        }
    }

    private const int ParallelBlock = 128;

    // SHS candidates and frame energies in blocks of ParallelBlock frames taken in frame order by every worker (one
    // analyser per worker). Whichever worker finds the next blocks in order complete smooths and period-analyses them
    // (FrameFinisher, sequential by nature), so that work overlaps the remaining SHS blocks instead of following them.
    private static void AnalyzeFramesInParallel(float[] samples, int frames, FrameFinisher tail)
    {
        const int c = ShsPitchAnalyzer.CandidateCount;
        int blocks = (frames + ParallelBlock - 1) / ParallelBlock;
        var complete = new int[blocks];
        int taken = -1;
        int finished = 0; // blocks handed to the finisher; read and written under `tail`'s lock
        Parallel.For(0, Math.Min(blocks, Environment.ProcessorCount), _ =>
        {
            var shs = new ShsPitchAnalyzer();
            Span<float> score = stackalloc float[c];
            int b;
            while ((b = Interlocked.Increment(ref taken)) < blocks)
            {
                int end = Math.Min(frames, (b + 1) * ParallelBlock);
                for (int k = b * ParallelBlock; k < end; k++)
                {
                    tail.Energy[k] = (float)shs.Analyze(samples.AsSpan(k * FrameStep, FrameSize), tail.F0.AsSpan(k * c, c), tail.Voicing.AsSpan(k * c, c), score);
                }

                Volatile.Write(ref complete[b], 1);
                FinishReadyBlocks();
            }
        });

        // Every block is complete now; a hand-over that raced with the last worker's check is picked up here.
        FinishReadyBlocks();

        void FinishReadyBlocks()
        {
            while (Monitor.TryEnter(tail))
            {
                try
                {
                    int start = finished;
                    while (finished < blocks && Volatile.Read(ref complete[finished]) == 1)
                    {
                        finished++;
                    }

                    if (finished == start)
                    {
                        return;
                    }

                    tail.Advance(samples, Math.Min(frames, finished * ParallelBlock));
                }
                finally
                {
                    Monitor.Exit(tail);
                }
            }
        }
    }

    /// <summary>
    /// The sequential part of the voicing branch, fed frames in order as their SHS candidates are known: the Viterbi
    /// smoother, the RMS gate and the period analysis (jitter, shimmer, HNR), written to the raw frames × 6 matrix.
    /// </summary>
    private sealed class FrameFinisher(float[] f0, float[] voicing, float[] energy, float[] raw)
    {
        private readonly ViterbiPitchSmoother smoother = new();
        private readonly PeriodPerturbationAnalyzer perturbation = new(FrameSize);
        private int pushed;
        private int taken;

        public float[] F0 => f0;

        public float[] Voicing => voicing;

        public float[] Energy => energy;

        // Pushes frames up to `frames` (exclusive) and analyses every frame the smoother has decided.
        public void Advance(ReadOnlySpan<float> samples, int frames)
        {
            const int c = ShsPitchAnalyzer.CandidateCount;
            for (; pushed < frames; pushed++)
            {
                smoother.Push(f0.AsSpan(pushed * c, c), voicing.AsSpan(pushed * c, c));
                TakeDecisions(samples);
            }
        }

        // Flushes the smoother, analyses the remaining frames and returns the frames decided before the flush.
        public int Finish(ReadOnlySpan<float> samples)
        {
            int decidedBeforeFlush = taken;
            smoother.Flush();
            TakeDecisions(samples);
            return decidedBeforeFlush;
        }

        private void TakeDecisions(ReadOnlySpan<float> samples)
        {
            Span<float> pert = stackalloc float[4];
            while (smoother.TryTakeDecision(out float f, out float v))
            {
                int k = taken++;
                if (!(energy[k] >= EnergyThreshold))
                {
                    f = 0f;
                    v = 0f;
                }

                perturbation.Process(samples, k, f, pert);
                int o = k * LldCount;
                raw[o] = f;
                raw[o + 1] = v;
                raw[o + 2] = pert[0];
                raw[o + 3] = pert[1];
                raw[o + 4] = pert[2];
                raw[o + 5] = pert[3];
            }
        }
    }

    /// <summary>
    /// cContourSmoother (smaWin 3, noZeroSma 1): zero values stay zero and are left out of their neighbours' means;
    /// the first frame replicates itself as left neighbour; rows past the last frame are the mean of its raw value
    /// padded three times (openSMILE's data memory pads reads past a level's end with its last frame).
    /// </summary>
    internal static void Smooth(ReadOnlySpan<float> raw, int frames, int rows, Span<float> output) => Smooth(raw, frames, rows, output, frames);

    /// <summary>
    /// <see cref="Smooth(ReadOnlySpan{float}, int, int, Span{float})"/> with openSMILE's first end-of-input pass: with
    /// <paramref name="decided"/> = J &lt; frames, rows J − 1 and J of jitter, shimmer and HNR see frame J − 1 in place of
    /// frames J and J + 1 (<see cref="EndOfInputHorizon"/>).
    /// </summary>
    internal static void Smooth(ReadOnlySpan<float> raw, int frames, int rows, Span<float> output, int decided)
    {
        for (int f = 0; f < LldCount; f++)
        {
            for (int r = 0; r < rows; r++)
            {
                float value;
                if (frames == 0)
                {
                    value = f == LldCount - 1 ? -100f : 0f;
                }
                else if (r >= frames)
                {
                    float edge = raw[((frames - 1) * LldCount) + f];
                    value = NoZeroSmooth(edge, edge, edge);
                }
                else
                {
                    float x = raw[(r * LldCount) + f];
                    float prev = r > 0 ? raw[((r - 1) * LldCount) + f] : x;
                    float next = r + 1 < frames ? raw[((r + 1) * LldCount) + f] : x;
                    if (f >= 2 && decided > 0 && decided < frames && r >= decided - 1 && r <= decided)
                    {
                        float edge = raw[((decided - 1) * LldCount) + f];
                        if (r == decided)
                        {
                            prev = edge;
                            x = edge;
                        }

                        next = edge;
                    }

                    value = NoZeroSmooth(prev, x, next);
                }

                output[(r * ColumnCount) + f] = value;
            }
        }
    }

    /// <summary>
    /// cDeltaRegression with deltaWin 2, onlyInSegments 1: d[n] = Σ i·(x[n+i] − x[n−i]) / norm over pairs whose ends are
    /// both non-zero; norm is openSMILE's member that starts at 10 and grows by i² for every valid pair, never reset,
    /// carried across rows and across the six fields (field order within a row). Without the pitch smoother's state the
    /// end of input is taken as J = rows − 3 in <see cref="EndOfInputHorizon"/> (exact for recordings that end unvoiced):
    /// neighbour indices are clamped to [0, rows − 3], so the extra flushed last row gets delta 0. Reads columns 0–5 of the
    /// row-major rows × 12 buffer, writes 6–11.
    /// </summary>
    /// <param name="output">Row-major rows × 12 buffer holding the smoothed LLDs in columns 0–5.</param>
    /// <param name="rows">Number of rows.</param>
    public static void ApplyDeltas(Span<float> output, int rows) => ApplyDeltas(output, rows, rows - 3);

    /// <summary>
    /// <see cref="ApplyDeltas(Span{float}, int)"/> for a recording whose pitch smoother had decided
    /// <paramref name="decided"/> frames when the input ended; the rows near the end read the smoothed rows that
    /// openSMILE's delta regression could see (<see cref="EndOfInputHorizon"/>).
    /// </summary>
    internal static void ApplyDeltas(Span<float> output, int rows, int decided)
    {
        float norm = 10f;
        int[] horizon = EndOfInputHorizon(rows, decided, out int first);
        for (int r = 0; r < rows; r++)
        {
            int last = r < first ? rows - 1 : horizon[r - first];
            for (int f = 0; f < LldCount; f++)
            {
                float num = 0f;
                for (int i = 1; i <= 2; i++)
                {
                    float later = output[(Math.Min(last, r + i) * ColumnCount) + f];
                    float prior = output[(Math.Min(last, Math.Max(0, r - i)) * ColumnCount) + f];
                    if (later != 0f && prior != 0f && !float.IsNaN(later) && !float.IsNaN(prior))
                    {
                        num += i * (later - prior);
                        norm += i * i;
                    }
                }

                output[(r * ColumnCount) + LldCount + f] = norm != 0f ? num / norm : 0f;
            }
        }
    }

    /// <summary>
    /// openSMILE's end of input for the voicing chain (componentManager tick loop, dataMemory padding): when the input
    /// ends, the pitch smoother has decided <paramref name="decided"/> = J of the K frames and the period analysis
    /// (cPitchJitter, inactive while the EOI flag is set) has processed exactly those. In the first EOI pass the contour
    /// smoother pads the jitter/shimmer/HNR level with its last frame (smoothed rows J−1 and J) and the delta regression,
    /// one row per tick behind the smoother, pads the smoothed level with its last row; the flag is then cleared, the period
    /// analysis processes frames J..K−1, and the second EOI pass finishes rows up to K the same way. Returns, for every row
    /// r ≥ <paramref name="first"/>, the last smoothed row its delta may read (later rows are replaced by it); rows before
    /// <paramref name="first"/> read genuine rows only.
    /// </summary>
    /// <param name="rows">LLD rows (K + 1).</param>
    /// <param name="decided">Frames decided before the end-of-input flush (J ≤ K − 1).</param>
    /// <param name="first">First row the returned array describes.</param>
    internal static int[] EndOfInputHorizon(int rows, int decided, out int first)
    {
        int frames = rows - 1;
        int smoothed = Math.Max(0, decided - 1);
        int delta = Math.Max(0, smoothed - 2);
        int start = delta;
        first = start;
        var horizon = new int[Math.Max(0, rows - start)];
        Array.Fill(horizon, rows - 1);
        if (rows <= 0)
        {
            return horizon;
        }

        void Pass(int smoothedEnd)
        {
            bool progressed = true;
            while (progressed)
            {
                progressed = false;
                if (smoothed < smoothedEnd)
                {
                    smoothed++;
                    progressed = true;
                }

                // dataMemory pads a read past the level's end with its last frame unless the whole window lies past it.
                if (delta < rows && smoothed > Math.Max(0, delta - 2))
                {
                    horizon[delta - start] = smoothed - 1;
                    delta++;
                    progressed = true;
                }
            }
        }

        Pass(decided >= 1 ? decided + 1 : 0);
        smoothed = Math.Max(smoothed, frames - 1);
        delta = Math.Max(delta, smoothed - 2);
        Pass(rows);
        return horizon;
    }

    /// <summary>
    /// openSMILE's 3-frame moving average with <c>noZeroSma=1</c>: a zero frame stays zero, and zero neighbours are left
    /// out of the mean (edge frames pass themselves as the missing neighbour).
    /// </summary>
    internal static float NoZeroSmooth(float previous, float current, float next)
    {
        if (current == 0f)
        {
            return 0f;
        }

        float sum = current;
        int n = 1;
        if (previous != 0f)
        {
            sum += previous;
            n++;
        }

        if (next != 0f)
        {
            sum += next;
            n++;
        }

        return sum / n;
    }
}
