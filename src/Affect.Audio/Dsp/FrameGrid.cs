namespace Affect.Audio.Dsp;

/// <summary>
/// openSMILE's cFramer grid with <c>frameCenterSpecial = left</c>: frame k covers samples [k·step, k·step + size);
/// only complete frames are produced, so a signal of N samples has ⌊(N − size)/step⌋ + 1 frames (0 if N &lt; size).
/// </summary>
/// <param name="FrameSize">Frame length in samples.</param>
/// <param name="Step">Hop in samples.</param>
public readonly record struct FrameGrid(int FrameSize, int Step)
{
    /// <summary>Number of complete frames in a signal of <paramref name="sampleCount"/> samples.</summary>
    /// <param name="sampleCount">Signal length in samples.</param>
    public int FrameCount(long sampleCount) =>
        sampleCount < FrameSize ? 0 : (int)(((sampleCount - FrameSize) / Step) + 1);

    /// <summary>First sample of frame <paramref name="index"/>.</summary>
    /// <param name="index">Frame index.</param>
    public long Start(int index) => (long)index * Step;
}
