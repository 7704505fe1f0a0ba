namespace Affect.Features.Lld;

/// <summary>
/// Fixed-width rows addressed by absolute frame index in a power-of-two ring: the last <see cref="Capacity"/> frames of
/// a stream stay addressable, so per-frame state of a streaming front-end costs O(capacity), not O(length).
/// </summary>
internal sealed class FrameRing
{
    private readonly float[] data;
    private readonly int width;
    private readonly int mask;

    /// <param name="width">Values per frame.</param>
    /// <param name="capacity">Frames kept; a power of two.</param>
    public FrameRing(int width, int capacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be a power of two");
        }

        this.width = width;
        mask = capacity - 1;
        data = new float[width * capacity];
    }

    /// <summary>Number of frames kept.</summary>
    public int Capacity => mask + 1;

    /// <summary>The row of frame <paramref name="frame"/> (the caller keeps within the last <see cref="Capacity"/> frames).</summary>
    public Span<float> this[long frame] => data.AsSpan((int)(frame & mask) * width, width);
}

/// <summary>
/// Growable window of a sample stream addressed by absolute sample index: samples before a caller-given index are
/// dropped when space is needed, so memory stays bounded by the largest look-back of the analyses.
/// </summary>
internal sealed class SampleWindow
{
    private float[] data = new float[8192];
    private long origin;
    private int count;

    /// <summary>Absolute index of the first sample held.</summary>
    public long Origin => origin;

    /// <summary>Absolute index one past the last sample received.</summary>
    public long End => origin + count;

    /// <summary>Number of samples held (the retained window).</summary>
    public int Count => count;

    /// <summary>Appends samples scaled by <paramref name="gain"/>, first dropping everything before <paramref name="keepFrom"/>.</summary>
    public void Append(ReadOnlySpan<float> samples, float gain, long keepFrom)
    {
        int drop = (int)Math.Clamp(keepFrom - origin, 0, count);
        if (count + samples.Length > data.Length && drop > 0)
        {
            Array.Copy(data, drop, data, 0, count - drop);
            origin += drop;
            count -= drop;
        }

        if (count + samples.Length > data.Length)
        {
            Array.Resize(ref data, Math.Max(data.Length * 2, count + samples.Length));
        }

        LowLevelDescriptorOptions.ApplyInputGain(samples, gain, data.AsSpan(count, samples.Length));
        count += samples.Length;
    }

    /// <summary>Samples [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) (absolute indices, held).</summary>
    public ReadOnlySpan<float> Slice(long start, int length) => data.AsSpan((int)(start - origin), length);

    /// <summary>All held samples from absolute index <paramref name="start"/>.</summary>
    public ReadOnlySpan<float> From(long start) => data.AsSpan((int)(start - origin), (int)(End - start));
}
