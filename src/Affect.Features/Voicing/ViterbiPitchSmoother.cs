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
    private const int BufferLength = 30;
    private const float VoiceThreshold = 0.7f;
    private const double WLocal = 2.0;
    private const double WTvv = 10.0;
    private const double WTvvd = 10.0;
    private const double WTvuv = 10.0;
    private const double WThr = 4.0;
    private const double WRange = 1.0;
    private const double WTuu = 1.0; // the u→u branch is unreachable in openSMILE; its fallback cost 1.0 applies

    private readonly float[] f0;      // frames × 6
    private readonly float[] voicing; // frames × 6
    private readonly int frameCount;
    private readonly int[] decided;
    private readonly int[][] paths = [new int[States * BufferLength], new int[States * BufferLength]];
    private double[] pathCosts = new double[States];
    private double[] pathCostsNew = new double[States];
    private double lastChange = 1.0;

    private ViterbiPitchSmoother(float[] f0, float[] voicing, int frameCount)
    {
        this.f0 = f0;
        this.voicing = voicing;
        this.frameCount = frameCount;
        decided = new int[frameCount];
    }

    /// <summary>Runs the smoother over all frames; writes F0final and voicingFinalUnclipped per frame.</summary>
    public static void Run(float[] f0, float[] voicing, int frameCount, Span<float> f0Final, Span<float> voicingFinal)
    {
        var v = new ViterbiPitchSmoother(f0, voicing, frameCount);
        v.Decode();
        for (int k = 0; k < frameCount; k++)
        {
            int s = v.decided[k];
            if (s < Candidates)
            {
                f0Final[k] = f0[(k * Candidates) + s];
                voicingFinal[k] = voicing[(k * Candidates) + s];
            }
            else
            {
                f0Final[k] = 0f;
                voicingFinal[k] = voicing[k * Candidates];
            }
        }
    }

    private void Decode()
    {
        int pathBuf = 0;
        long pathIdx = 0;
        long convIdx = -1;
        for (int k = 0; k < frameCount; k++)
        {
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
                decided[convIdx] = paths[pathBuf][(best * BufferLength) + (int)(convIdx % BufferLength)];
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
                    decided[convIdx] = x;
                }
            }
        }

        if (frameCount > 0)
        {
            int best = BestState();
            for (long n = convIdx + 1; n < pathIdx; n++)
            {
                decided[n] = paths[pathBuf][(best * BufferLength) + (int)(n % BufferLength)];
            }
        }
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

    private double LocalCost(int i, int k)
    {
        int b = k * Candidates;
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
    private double TransitionCost(int i, int j, int prev, int cur)
    {
        if (i < Candidates && j < Candidates)
        {
            float fPrev = f0[(prev * Candidates) + j];
            float fCur = f0[(cur * Candidates) + i];
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
