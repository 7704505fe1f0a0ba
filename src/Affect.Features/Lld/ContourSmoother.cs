namespace Affect.Features.Lld;

/// <summary>
/// Contour post-processing of ComParE 2016: cContourSmoother's 3-frame moving average (smaWin = 3) with edge
/// replication, y[n] = (x[n−1] + x[n] + x[n+1])/3, and cDeltaRegression's first-order regression (deltawin W = 2)
/// d[n] = Σ_{i=1..W} i·(y[n+i] − y[n−i]) / (2·Σ i²), edge replicated at both ends.
/// </summary>
internal static class ContourSmoother
{
    /// <summary>Smooths one column of a row-major matrix: reads <paramref name="count"/> values at stride.</summary>
    /// <param name="source">Row-major source.</param>
    /// <param name="count">Number of frames.</param>
    /// <param name="stride">Row stride of both matrices.</param>
    /// <param name="column">Column index.</param>
    /// <param name="target">Row-major destination (may be a different column of the same array only if distinct).</param>
    /// <param name="targetColumn">Destination column.</param>
    /// <param name="targetStride">Destination row stride.</param>
    public static void Smooth(ReadOnlySpan<float> source, int count, int stride, int column, Span<float> target, int targetStride, int targetColumn)
    {
        for (int n = 0; n < count; n++)
        {
            float prev = source[(Math.Max(n - 1, 0) * stride) + column];
            float cur = source[(n * stride) + column];
            float next = source[(Math.Min(n + 1, count - 1) * stride) + column];
            target[(n * targetStride) + targetColumn] = (prev + cur + next) / 3f;
        }
    }

    /// <summary>Delta regression of one column (W = 2, denominator 10), edge replicated.</summary>
    /// <param name="source">Row-major smoothed values.</param>
    /// <param name="count">Number of frames.</param>
    /// <param name="stride">Row stride of source.</param>
    /// <param name="column">Column index.</param>
    /// <param name="target">Row-major destination.</param>
    /// <param name="targetStride">Destination row stride.</param>
    /// <param name="targetColumn">Destination column.</param>
    /// <param name="rows">Number of output rows (≤ count).</param>
    public static void Delta(ReadOnlySpan<float> source, int count, int stride, int column, Span<float> target, int targetStride, int targetColumn, int rows)
    {
        for (int n = 0; n < rows; n++)
        {
            float acc = 0f;
            for (int i = 1; i <= 2; i++)
            {
                float ahead = source[(Math.Min(n + i, count - 1) * stride) + column];
                float behind = source[(Math.Max(n - i, 0) * stride) + column];
                acc += i * (ahead - behind);
            }

            target[(n * targetStride) + targetColumn] = acc / 10f;
        }
    }
}
