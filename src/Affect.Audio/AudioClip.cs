namespace Affect.Audio;

/// <summary>Decoded mono audio with the facts about its source that later stages report.</summary>
/// <param name="Samples">Mono samples in [-1, 1] (multi-channel sources are averaged over channels).</param>
/// <param name="SampleRate">Samples per second of <paramref name="Samples"/>.</param>
/// <param name="SourceChannels">Channels in the source file before downmixing.</param>
/// <param name="SourceBitsPerSample">Bits per sample of the source file.</param>
/// <param name="SourceName">Name of the source (usually the file name), used in messages.</param>
public sealed record AudioClip(float[] Samples, int SampleRate, int SourceChannels, int SourceBitsPerSample, string SourceName)
{
    /// <summary>Duration in seconds = Samples.Length / SampleRate.</summary>
    public double DurationSeconds => SampleRate > 0 ? (double)Samples.Length / SampleRate : 0.0;
}
