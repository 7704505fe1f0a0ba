using Affect.Audio;

namespace Affect.Sequence.Features;

/// <summary>
/// A frame-level acoustic front-end: turns a mono clip into a frames × features matrix. The paper's front-end is the
/// ComParE 2016 LLD set (65 LLDs + 65 deltas at 100 Hz, Affect.Features); any other extractor plugs in the same way.
/// </summary>
public interface IFrameFeatureExtractor
{
    /// <summary>Short name recorded with models and metrics, e.g. <c>compare2016-lld</c>.</summary>
    string Name { get; }

    /// <summary>Features per frame.</summary>
    int FeatureCount { get; }

    /// <summary>Extracts the features of <paramref name="clip"/> (16 kHz mono).</summary>
    FeatureMatrix Extract(AudioClip clip);
}
