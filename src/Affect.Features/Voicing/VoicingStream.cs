using Affect.Features.Lld;

namespace Affect.Features.Voicing;

/// <summary>
/// The voicing branch of <see cref="VoicingDescriptors"/> as an incremental process over a sample stream: SHS
/// candidates per 60 ms frame, the Viterbi trellis (decisions at most 31 frames late), the RMS gate, period
/// perturbation, noZeroSma smoothing and the accumulating-normaliser deltas. Rows become final as soon as no later
/// input can change them; <see cref="Complete"/> applies openSMILE's end-of-input rules. State is O(1) in the length.
/// </summary>
internal sealed class VoicingStream
{
    private const int Step = VoicingDescriptors.FrameStep;
    private const int FrameSize = VoicingDescriptors.FrameSize;
    private const int Lld = VoicingDescriptors.LldCount;
    private const float EnergyThreshold = 0.001f;
    private const int Capacity = 128;

    private readonly ShsPitchAnalyzer shs = new();
    private readonly ViterbiPitchSmoother viterbi = new();
    private readonly PeriodPerturbationAnalyzer perturbation = new(FrameSize);
    private readonly FrameRing energy = new(1, Capacity);
    private readonly FrameRing raw = new(Lld, Capacity);
    private readonly FrameRing smoothed = new(Lld, Capacity);
    private readonly FrameRing final = new(VoicingDescriptors.ColumnCount, Capacity);
    private readonly float[] candF0 = new float[ShsPitchAnalyzer.CandidateCount];
    private readonly float[] candVoicing = new float[ShsPitchAnalyzer.CandidateCount];
    private readonly float[] candScore = new float[ShsPitchAnalyzer.CandidateCount];
    private readonly float[] pert = new float[4];
    private long shsNext;
    private long pertNext;
    private long smoothNext;
    private long deltaNext;
    private float norm = 10f;
    private bool completed;
    private long decided;
    private int[] horizon = [];
    private long horizonFirst;

    /// <summary>After <see cref="Complete"/>: the frames the pitch smoother had decided when the input ended.</summary>
    public int DecidedAtEnd => checked((int)decided);

    /// <summary>Number of leading rows whose 12 values (6 smoothed LLDs + 6 deltas) are final.</summary>
    public long RowsReady => deltaNext;

    /// <summary>First absolute sample index any later step may still read.</summary>
    public long FirstSampleNeeded => Math.Min(shsNext * Step, Math.Min(perturbation.LastIndex, pertNext * Step));

    /// <summary>Frames computed ahead of the final rows (bounded; checked by the caller against ring capacities).</summary>
    public long Backlog => shsNext - deltaNext;

    /// <summary>The 12 values of final row <paramref name="row"/> (within the last ring capacity of rows).</summary>
    public ReadOnlySpan<float> Row(long row) => final[row];

    /// <summary>Runs every step the held samples allow.</summary>
    public void Advance(SampleWindow samples)
    {
        while ((shsNext * Step) + FrameSize <= samples.End)
        {
            energy[shsNext][0] = (float)shs.Analyze(samples.Slice(shsNext * Step, FrameSize), candF0, candVoicing, candScore);
            viterbi.Push(candF0, candVoicing);
            shsNext++;
        }

        Drain(samples, rowLowerBound: LowLevelDescriptors.RowCount(samples.End));
    }

    /// <summary>End of input: flushes the trellis and finalises every row (rows = frames + 1, or 0 without a frame).</summary>
    public void Complete(SampleWindow samples)
    {
        Advance(samples);
        if (!completed)
        {
            // Frames the pitch smoother decided before the end of input: openSMILE's period analysis had processed
            // exactly these when its EOI passes began (VoicingDescriptors.EndOfInputHorizon).
            decided = pertNext;
            completed = true;
            viterbi.Flush();
            long rowCount = shsNext == 0 ? 0 : shsNext + 1;
            horizon = VoicingDescriptors.EndOfInputHorizon(checked((int)rowCount), checked((int)decided), out int first);
            horizonFirst = first;
        }

        Drain(samples, LowLevelDescriptors.RowCount(samples.End));
    }

    private void Drain(SampleWindow samples, long rowLowerBound)
    {
        while (viterbi.TryTakeDecision(out float f, out float v))
        {
            if (!(energy[pertNext][0] >= EnergyThreshold))
            {
                f = 0f;
                v = 0f;
            }

            perturbation.Process(samples.From(samples.Origin), samples.Origin, samples.End, pertNext, f, pert);
            Span<float> o = raw[pertNext];
            o[0] = f;
            o[1] = v;
            o[2] = pert[0];
            o[3] = pert[1];
            o[4] = pert[2];
            o[5] = pert[3];
            pertNext++;
        }

        long frames = completed ? shsNext : long.MaxValue;
        long rows = completed ? (shsNext == 0 ? 0 : shsNext + 1) : long.MaxValue;
        while (completed ? smoothNext < rows : smoothNext + 1 < pertNext)
        {
            Smooth(smoothNext, frames);
            smoothNext++;
        }

        while (completed ? deltaNext < rows : (deltaNext + 2 < smoothNext && deltaNext + 5 <= rowLowerBound))
        {
            long last = !completed ? long.MaxValue : deltaNext < horizonFirst ? rows - 1 : horizon[deltaNext - horizonFirst];
            Delta(deltaNext, last);
            deltaNext++;
        }
    }

    // cContourSmoother (smaWin 3, noZeroSma 1), exactly as VoicingDescriptors.Smooth.
    private void Smooth(long r, long frames)
    {
        Span<float> output = smoothed[r];
        if (r >= frames)
        {
            for (int f = 0; f < Lld; f++)
            {
                float edge = raw[frames - 1][f];
                output[f] = VoicingDescriptors.NoZeroSmooth(edge, edge, edge);
            }

            return;
        }

        for (int f = 0; f < Lld; f++)
        {
            float x = raw[r][f];
            float prev = r > 0 ? raw[r - 1][f] : x;
            float next = r + 1 < frames ? raw[r + 1][f] : x;
            if (f >= 2 && completed && decided > 0 && decided < frames && r >= decided - 1 && r <= decided)
            {
                // First EOI pass: the jitter/shimmer/HNR level ends at frame J − 1 and is padded with it.
                float edge = raw[decided - 1][f];
                if (r == decided)
                {
                    prev = edge;
                    x = edge;
                }

                next = edge;
            }

            output[f] = VoicingDescriptors.NoZeroSmooth(prev, x, next);
        }
    }

    // cDeltaRegression (deltaWin 2, onlyInSegments, accumulating normaliser), exactly as VoicingDescriptors.ApplyDeltas.
    private void Delta(long r, long last)
    {
        Span<float> o = final[r];
        smoothed[r].CopyTo(o);
        for (int f = 0; f < Lld; f++)
        {
            float num = 0f;
            for (int i = 1; i <= 2; i++)
            {
                float later = smoothed[Math.Min(last, r + i)][f];
                float prior = smoothed[Math.Min(last, Math.Max(0, r - i))][f];
                if (later != 0f && prior != 0f && !float.IsNaN(later) && !float.IsNaN(prior))
                {
                    num += i * (later - prior);
                    norm += i * i;
                }
            }

            o[Lld + f] = norm != 0f ? num / norm : 0f;
        }
    }
}
