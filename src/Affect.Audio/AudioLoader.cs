namespace Affect.Audio;

/// <summary>Loads any supported WAV file as mono audio at the pipeline's analysis rate (16 kHz by default).</summary>
public static class AudioLoader
{
    /// <summary>The sample rate the ComParE 2016 feature extraction expects.</summary>
    public const int DefaultSampleRate = 16000;

    /// <summary>
    /// Reads a WAV file, downmixes it to mono (channel mean) and resamples it band-limited to <paramref name="targetRate"/>
    /// (see <see cref="Resampler"/>). Filter overshoot is clipped so samples stay in [-1, 1].
    /// </summary>
    /// <param name="stream">The WAV file positioned at its first byte; left open.</param>
    /// <param name="sourceName">Name used in error messages and in the clip.</param>
    /// <param name="targetRate">Output sample rate in Hz.</param>
    /// <exception cref="WavFormatException">The file cannot be decoded.</exception>
    public static AudioClip LoadMono(Stream stream, string sourceName, int targetRate = DefaultSampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        AudioClip clip = WavReader.Read(stream, sourceName);
        if (clip.SampleRate == targetRate)
        {
            return clip;
        }

        float[] resampled = Resampler.Resample(clip.Samples, clip.SampleRate, targetRate);
        for (int i = 0; i < resampled.Length; i++)
        {
            resampled[i] = Math.Clamp(resampled[i], -1f, 1f);
        }

        return clip with { Samples = resampled, SampleRate = targetRate };
    }

    /// <summary>Loads the WAV file at <paramref name="path"/> (see <see cref="LoadMono(Stream, string, int)"/>); the source name is the file name.</summary>
    /// <param name="path">Path of the WAV file.</param>
    /// <param name="targetRate">Output sample rate in Hz.</param>
    public static AudioClip LoadMono(string path, int targetRate = DefaultSampleRate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = RegularFile.OpenRead(path, Path.GetFileName(path)); // FIFOs and devices are refused, not read
        return LoadMono(stream, Path.GetFileName(path), targetRate);
    }
}
