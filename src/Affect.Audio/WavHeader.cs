namespace Affect.Audio;

/// <summary>
/// The validated header of a RIFF/WAVE file: the sample encoding from the <c>fmt </c> chunk and where the <c>data</c> chunk lies.
/// </summary>
/// <param name="FormatTag">Resolved sample encoding: <see cref="WavHeader.PcmFormat"/> (1, integer PCM) or <see cref="WavHeader.FloatFormat"/> (3, IEEE float); WAVE_FORMAT_EXTENSIBLE is resolved through its sub-format GUID.</param>
/// <param name="Channels">Interleaved channels per frame (at least 1).</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="BitsPerSample">Container bits per sample: 8, 16, 24 or 32 for PCM; 32 or 64 for float.</param>
/// <param name="BlockAlign">Bytes per frame = Channels × BitsPerSample / 8.</param>
/// <param name="DataOffset">Offset of the first sample byte, counted from where the WAV file starts in its stream.</param>
/// <param name="DataLength">Bytes of sample data in the <c>data</c> chunk (a whole number of frames).</param>
/// <param name="FrameCount">Frames in the file = DataLength / BlockAlign.</param>
public sealed record WavHeader(
    int FormatTag,
    int Channels,
    int SampleRate,
    int BitsPerSample,
    int BlockAlign,
    long DataOffset,
    long DataLength,
    long FrameCount)
{
    /// <summary>WAVE_FORMAT_PCM: signed integer samples (unsigned for 8 bits).</summary>
    public const int PcmFormat = 1;

    /// <summary>WAVE_FORMAT_IEEE_FLOAT: 32- or 64-bit IEEE 754 samples.</summary>
    public const int FloatFormat = 3;

    /// <summary>WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.</summary>
    public const int ExtensibleFormat = 0xFFFE;

    /// <summary>Duration of the audio in seconds = FrameCount / SampleRate.</summary>
    public double DurationSeconds => (double)FrameCount / SampleRate;
}
