namespace Affect.Features.Lld;

/// <summary>
/// cContourSmoother's 3-frame moving average (smaWin = 3, noZeroSma = 0) in openSMILE's float32 order:
/// y[n] = ((x[n] + x[n−1]) + x[n+1]) / 3.
/// </summary>
internal static class ContourSmoother
{
    /// <summary>Smoothed value of <paramref name="current"/> given its neighbours (edge frames pass themselves).</summary>
    /// <param name="previous">x[n−1].</param>
    /// <param name="current">x[n].</param>
    /// <param name="next">x[n+1].</param>
    public static float Mean3(float previous, float current, float next) => (current + previous + next) / 3f;
}
