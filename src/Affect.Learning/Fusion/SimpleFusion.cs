using System.Numerics;

namespace Affect.Learning.Fusion;

/// <summary>The chosen weight of simple fusion (Eq. 2) and the development UAR it reached.</summary>
/// <param name="GammaIndex">k with γ = k / 100.</param>
/// <param name="Gamma">γ, the weight of system A.</param>
/// <param name="DevelUar">Development-set UAR of the fused scores.</param>
public sealed record SimpleFusionFit(int GammaIndex, double Gamma, double DevelUar);

/// <summary>
/// Simple weighted fusion (SF, paper Eq. 2): S_fusion = γ·S_A + (1 − γ)·S_B with γ on the grid k/100, k = 0 … 100,
/// chosen by development UAR (ties to the lowest k, i.e. towards system B); the predicted class is the argmax (ties to
/// the lowest class index, <see cref="TargetCoding.ArgMax"/>).
/// </summary>
public static class SimpleFusion
{
    /// <summary>Number of grid intervals: γ = k / <see cref="GridIntervals"/>, k = 0 … 100 (101 points).</summary>
    public const int GridIntervals = 100;

    /// <summary>γ of grid point <paramref name="index"/>: index / 100 as one division (no accumulated steps).</summary>
    public static double GammaAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, GridIntervals);
        return index / (double)GridIntervals;
    }

    /// <summary>The γ with the best development UAR for two systems' (normalised) development scores.</summary>
    public static SimpleFusionFit Fit(RealMatrix develA, RealMatrix develB, ReadOnlySpan<int> develTruth)
    {
        ArgumentNullException.ThrowIfNull(develA);
        ArgumentNullException.ThrowIfNull(develB);
        var evaluator = new FusionEvaluator([develA, develB], develTruth);
        int l = evaluator.Classes;
        var weights = new double[2 * l];
        var broadcast = new Vector<double>[2 * l];
        int bestK = -1;
        double bestScore = double.NegativeInfinity;
        for (int k = 0; k <= GridIntervals; k++)
        {
            double gamma = GammaAt(k);
            weights.AsSpan(0, l).Fill(gamma);
            weights.AsSpan(l, l).Fill(1.0 - gamma);
            double score = evaluator.Score(weights, broadcast);
            if (score > bestScore)
            {
                bestScore = score;
                bestK = k;
            }
        }

        return new SimpleFusionFit(bestK, GammaAt(bestK), evaluator.ToUar(bestScore));
    }

    /// <summary>γ·A + (1 − γ)·B for every entry (products, then the sum, as in the search).</summary>
    public static RealMatrix Fuse(RealMatrix a, RealMatrix b, double gamma)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rows != b.Rows || a.Cols != b.Cols)
        {
            throw new ArgumentException($"systems differ in shape: {a.Rows} × {a.Cols} and {b.Rows} × {b.Cols}", nameof(b));
        }

        double rest = 1.0 - gamma;
        var f = new RealMatrix(a.Rows, a.Cols);
        for (int i = 0; i < f.Data.Length; i++)
        {
            double pa = gamma * a.Data[i];
            double pb = rest * b.Data[i];
            f.Data[i] = pa + pb;
        }

        return f;
    }
}
