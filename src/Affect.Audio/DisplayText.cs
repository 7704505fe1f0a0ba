using System.Globalization;
using System.Text;

namespace Affect.Audio;

/// <summary>
/// Makes user-supplied text safe for a one-line error message: control characters (newline, ESC, ...) and lone UTF-16
/// surrogates become visible escapes such as <c>\n</c> or <c>\u001B</c>, so a file name or manifest value can neither
/// split an error into several lines nor send terminal escape sequences.
/// </summary>
public static class DisplayText
{
    /// <summary>Default longest excerpt, in characters, that <see cref="Excerpt"/> keeps.</summary>
    public const int DefaultExcerptLength = 40;

    /// <summary>Returns <paramref name="text"/> with every control character and lone surrogate escaped (null gives an empty string).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        int i = 0;
        while (i < text.Length && !NeedsEscape(text, i))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(text, i))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }

        return sb.ToString();
    }

    /// <summary>
    /// Escapes <paramref name="text"/> (see <see cref="Escape"/>) and clips it to <paramref name="maxLength"/> characters
    /// plus "...", for quoting a short excerpt of file content in an error.
    /// </summary>
    public static string Excerpt(string? text, int maxLength = DefaultExcerptLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        string s = text is null ? string.Empty : (text.Length > maxLength ? text[..maxLength] : text);
        string escaped = Escape(s);
        return text is not null && text.Length > maxLength ? escaped + "..." : escaped;
    }

    private static bool NeedsEscape(string text, int i)
    {
        char c = text[i];
        if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
        {
            return true;
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }
}
