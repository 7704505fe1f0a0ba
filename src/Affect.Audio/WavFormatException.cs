namespace Affect.Audio;

/// <summary>
/// A WAV file that cannot be decoded faithfully. The message reads <c>FILE: FIELD: what is wrong (what was expected)</c>,
/// e.g. <c>speech1.wav: fmt.bitsPerSample: 12 is not supported for PCM (expected 8, 16, 24 or 32)</c>; control characters in
/// any part are escaped (<see cref="DisplayText.Escape"/>) so the message stays one line.
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; catch it, or IOException
/// to handle unreadable and missing files together.
/// </summary>
public sealed class WavFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="file"/>, naming the offending header <paramref name="field"/>.</summary>
    /// <param name="file">The source name of the WAV file (usually its file name).</param>
    /// <param name="field">The header field or chunk at fault, e.g. <c>fmt.blockAlign</c> or <c>data.size</c>.</param>
    /// <param name="problem">What is wrong, followed by what was expected in parentheses.</param>
    public WavFormatException(string file, string field, string problem)
        : base($"{DisplayText.Escape(file)}: {DisplayText.Escape(field)}: {DisplayText.Escape(problem)}")
    {
        File = file;
        Field = field;
        Problem = problem;
    }

    /// <summary>The source name of the file at fault.</summary>
    public string File { get; }

    /// <summary>The header field or chunk at fault, e.g. <c>riff.id</c>, <c>fmt.formatTag</c>, <c>data.size</c>.</summary>
    public string Field { get; }

    /// <summary>The description of the problem without the file and field prefix.</summary>
    public string Problem { get; }
}
