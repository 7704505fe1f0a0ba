using Affect.Audio;

namespace Affect.Corpora;

/// <summary>
/// One thing wrong with a corpus: the file at fault, the field inside it (a JSON path such as
/// <c>files[3].labels.rate</c>, a CSV position such as <c>line 12, column A_r2</c>, or a WAV header field) and what is wrong.
/// </summary>
/// <param name="File">The corpus-relative file at fault, e.g. <c>manifest.json</c> or <c>labels/s01.csv</c>.</param>
/// <param name="Field">The field, path or position inside the file.</param>
/// <param name="Message">What is wrong and, where it helps, what was expected.</param>
public sealed record CorpusProblem(string File, string Field, string Message)
{
    /// <summary>Formats the problem as one line <c>FILE: FIELD: MESSAGE</c>, control characters escaped (<see cref="DisplayText.Escape"/>).</summary>
    public override string ToString() => $"{DisplayText.Escape(File)}: {DisplayText.Escape(Field)}: {DisplayText.Escape(Message)}";
}
