namespace Affect.Features.Voicing;

/// <summary>
/// openSMILE's cPitchSmootherViterbi (after Luengo et al., ICASSP 2007) with the ComParE 2016 weights, run as the same
/// incremental trellis: seven states (six SHS candidates + unvoiced), a 30-frame path buffer with forced decisions when
/// paths have not merged, and a final flush. Costs: local (−ln p_v + w_thr·[p_v &lt; 0.7])·w_local + w_range·g(f),
/// voiced→voiced w_tvv·|ln(f1/f0)| + w_tvvd·|r − r_prev| (w_tvvd is set equal to w_tvv, as openSMILE's setWeights does),
/// voiced↔unvoiced w_tvuv, unvoiced→unvoiced 1.
/// </summary>
internal sealed class ViterbiPitchSmoother
{
    private const int Candidates = ShsPitchAnalyzer.CandidateCount;
    private const int States = Candidates + 1;
    private const float VoiceThreshold = 0.7f;
    private const double WLocal = 2.0;
    private const double WTvv = 10.0;
    private const double WTvvd = 10.0;
    private const double WTvuv = 10.0;
    private const double WThr = 4.0;
    private const double WRange = 1.0;
    private const double WTuu = 1.0; // the u→u branch is unreachable in openSMILE; its fallback cost 1.0 applies

    /// <summary>Frames of candidates kept: the undecided span is at most <see cref="BufferLength"/> + 1 frames.</summary>
    private const int RingFrames = 64;

    private readonly float[] f0 = new float[RingFrames * Candidates];      // ring of frames × 6
    private readonly float[] voicing = new float[RingFrames * Candidates]; // ring of frames × 6
    private int BufferLength { get; }
    private readonly int[][] paths;
    private double[] pathCosts = new double[States];
    private double[] pathCostsNew = new double[States];
    private double lastChange = 1.0;
    private int pathBuf;
    private long pathIdx;
    private long convIdx = -1;
    private readonly Queue<(float F0, float Voicing)> decisions = new();

    /// <summary>Creates a smoother with a path buffer of <paramref name="bufferLength"/> frames (30 in ComParE 2016, 40 in eGeMAPS).</summary>
    public ViterbiPitchSmoother(int bufferLength = 30)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bufferLength, RingFrames - 2);
        BufferLength = bufferLength;
        paths = [new int[States * bufferLength], new int[States * bufferLength]];
    }

    /// <summary>Number of frames pushed.</summary>
    public long FramesPushed => pathIdx;

    /// <summary>Number of decided frames not yet taken with <see cref="TryTakeDecision"/>.</summary>
    public int PendingDecisions => decisions.Count;

    /// <summary>Runs the smoother over all frames; writes F0final and voicingFinalUnclipped per frame.</summary>
    /// <returns>The number of frames decided before the end-of-input flush (openSMILE's pitch level length when EOI is first signalled).</returns>
    public static int Run(float[] f0, float[] voicing, int frameCount, Span<float> f0Final, Span<float> voicingFinal, int bufferLength = 30)
    {
        var v = new ViterbiPitchSmoother(bufferLength);
        int taken = 0;
        for (int k = 0; k < frameCount; k++)
        {
            v.Push(f0.AsSpan(k * Candidates, Candidates), voicing.AsSpan(k * Candidates, Candidates));
            while (v.TryTakeDecision(out float f, out float vf))
            {
                f0Final[taken] = f;
                voicingFinal[taken++] = vf;
            }
        }

        int decidedBeforeFlush = taken;
        v.Flush();
        while (v.TryTakeDecision(out float f, out float vf))
        {
            f0Final[taken] = f;
            voicingFinal[taken++] = vf;
        }

        return decidedBeforeFlush;
    }

    /// <summary>Takes the oldest decided frame's F0final and voicingFinalUnclipped, in frame order.</summary>
    public bool TryTakeDecision(out float f0Final, out float voicingFinal)
    {
        if (decisions.TryDequeue(out var d))
        {
            (f0Final, voicingFinal) = d;
            return true;
        }

        f0Final = voicingFinal = 0f;
        return false;
    }

    /// <summary>Adds the next frame's six candidates; decides every frame whose best path is now fixed.</summary>
    public void Push(ReadOnlySpan<float> candidateF0, ReadOnlySpan<float> candidateVoicing)
    {
        long k = pathIdx;
        candidateF0[..Candidates].CopyTo(f0.AsSpan(Slot(k), Candidates));
        candidateVoicing[..Candidates].CopyTo(voicing.AsSpan(Slot(k), Candidates));
        if (pathIdx == 0)
        {
            convIdx = -1;
            for (int i = 0; i < States; i++)
            {
                pathCosts[i] = LocalCost(i, k);
                paths[pathBuf][i * BufferLength] = i;
            }
        }
        else
        {
            int next = (pathBuf + 1) % 2;
            for (int i = 0; i < States; i++)
            {
                int minState = 0;
                double minCost = TransitionCost(i, 0, k - 1, k) + pathCosts[0];
                for (int j = 1; j < States; j++)
                {
                    double c = TransitionCost(i, j, k - 1, k) + pathCosts[j];
                    if (c < minCost)
                    {
                        minState = j;
                        minCost = c;
                    }
                }

                pathCostsNew[i] = minCost + LocalCost(i, k);
                Array.Copy(paths[pathBuf], minState * BufferLength, paths[next], i * BufferLength, BufferLength);
                paths[next][(i * BufferLength) + (int)(pathIdx % BufferLength)] = i;
            }

            (pathCosts, pathCostsNew) = (pathCostsNew, pathCosts);
            pathBuf = next;
        }

        pathIdx++;
        if (pathIdx - convIdx > BufferLength)
        {
            int best = BestState();
            convIdx++;
            Decide(convIdx, paths[pathBuf][(best * BufferLength) + (int)(convIdx % BufferLength)]);
        }
        else
        {
            for (long n = convIdx + 1; n < pathIdx; n++)
            {
                int x = paths[pathBuf][(int)(n % BufferLength)];
                bool match = true;
                for (int i = 1; i < States; i++)
                {
                    if (x != paths[pathBuf][(i * BufferLength) + (int)(n % BufferLength)])
                    {
                        match = false;
                        break;
                    }
                }

                if (!match)
                {
                    break;
                }

                convIdx++;
                Decide(convIdx, x);
            }
        }
    }

    /// <summary>End of input: decides the remaining frames along the best path.</summary>
    public void Flush()
    {
        if (pathIdx > 0)
        {
            int best = BestState();
            for (long n = convIdx + 1; n < pathIdx; n++)
            {
                Decide(n, paths[pathBuf][(best * BufferLength) + (int)(n % BufferLength)]);
            }

            convIdx = pathIdx - 1;
        }
    }

    private static int Slot(long frame) => (int)(frame % RingFrames) * Candidates;

    private void Decide(long frame, int s)
    {
        int b = Slot(frame);
        decisions.Enqueue(s < Candidates ? (f0[b + s], voicing[b + s]) : (0f, voicing[b]));
    }

    private int BestState()
    {
        int minState = 0;
        for (int i = 1; i < States; i++)
        {
            if (pathCosts[i] < pathCosts[minState])
            {
                minState = i;
            }
        }

        return minState;
    }

    private double LocalCost(int i, long k)
    {
        int b = Slot(k);
        if (i < Candidates)
        {
            double pv = voicing[b + i];
            double thr = 0.0;
            if (pv < 0.01)
            {
                pv = 0.01;
            }

            if (pv > 1.0)
            {
                pv = 1.0;
            }

            if (pv < VoiceThreshold)
            {
                thr = WThr;
            }

            return ((-Math.Log(pv) + thr) * WLocal) + (FrequencyWeight(f0[b + i]) * WRange);
        }

        for (int j = 0; j < Candidates; j++)
        {
            if (voicing[b + j] >= VoiceThreshold)
            {
                return WLocal * WThr;
            }
        }

        return 0.0;
    }

    // i: state in the current frame, j: state in the previous frame.
    private double TransitionCost(int i, int j, long prev, long cur)
    {
        if (i < Candidates && j < Candidates)
        {
            float fPrev = f0[Slot(prev) + j];
            float fCur = f0[Slot(cur) + i];
            if (fPrev == 0f || fCur == 0f)
            {
                return 999.0;
            }

            double r = Math.Log(fCur / fPrev);
            double x = (WTvv * Math.Abs(r)) + (WTvvd * Math.Abs(r - lastChange));
            lastChange = r;
            return x;
        }

        if (i < Candidates || j < Candidates)
        {
            lastChange = 0.0;
            return WTvuv;
        }

        return WTuu;
    }

    private static double FrequencyWeight(float f)
    {
        if (f > 0.0 && f < 100.0)
        {
            return (-(1.0 / 100.0) * f) + 1.0;
        }

        if (f >= 100.0 && f < 350.0)
        {
            return 0.0;
        }

        if (f >= 350.0 && f < 600.0)
        {
            return (f - 350.0) / 250.0;
        }

        return f >= 600.0 ? 1.2 : 2.0;
    }
}
