using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Affect.Audio;

namespace Affect.Sequence.Features;

/// <summary>
/// Remembers the feature matrices of audio it has seen (keyed by a hash of the samples and rate), so a worker that
/// trains the 12 models of Table 1 over the same three corpora extracts each recording's features once.
/// </summary>
/// <param name="inner">The extractor whose results are cached.</param>
/// <param name="maxCachedValues">Upper bound on cached floats; past it the cache is emptied (default 256 M floats, 1 GiB).</param>
public sealed class CachingFrameFeatureExtractor(IFrameFeatureExtractor inner, long maxCachedValues = 256L << 20) : IFrameFeatureExtractor
{
    private readonly Dictionary<string, FeatureMatrix> cache = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private long cachedValues;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public int FeatureCount => inner.FeatureCount;

    /// <inheritdoc />
    public FeatureMatrix Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(BitConverter.GetBytes(clip.SampleRate));
        sha.AppendData(MemoryMarshal.AsBytes(clip.Samples.AsSpan()));
        string key = Convert.ToHexString(sha.GetHashAndReset());
        lock (gate)
        {
            if (cache.TryGetValue(key, out var hit))
            {
                return hit;
            }
        }

        var matrix = inner.Extract(clip);
        lock (gate)
        {
            long size = (long)matrix.Frames * matrix.Features;
            if (cachedValues + size > maxCachedValues)
            {
                cache.Clear();
                cachedValues = 0;
            }

            if (cache.TryAdd(key, matrix))
            {
                cachedValues += size;
            }
        }

        return matrix;
    }
}
