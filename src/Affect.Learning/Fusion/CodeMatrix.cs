namespace Affect.Learning.Fusion;

/// <summary>
/// The one-vs-all code matrix of Eq. (1): S[t, l] = 1 if y_t = l, else 0. Turns a system that outputs classes (the
/// discretised cross-corpus LSTM predictions, stage 9) into class scores that score-level fusion can weigh.
/// </summary>
public static class CodeMatrix
{
    /// <summary>The n × <paramref name="classCount"/> 1/0 code matrix of the class indices <paramref name="classes"/>.</summary>
    public static RealMatrix OneVsAll(ReadOnlySpan<int> classes, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var s = new RealMatrix(classes.Length, classCount);
        for (int t = 0; t < classes.Length; t++)
        {
            if ((uint)classes[t] >= (uint)classCount)
            {
                throw new ArgumentException($"row {t}: class index {classes[t]} outside 0..{classCount - 1}", nameof(classes));
            }

            s[t, classes[t]] = 1.0;
        }

        return s;
    }
}
