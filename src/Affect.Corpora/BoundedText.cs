using System.Text;

namespace Affect.Corpora;

/// <summary>Reads a whole text file with a size cap, so an endless or huge stream ends in a problem, not in out-of-memory.</summary>
internal static class BoundedText
{
    /// <summary>Largest manifest or label file read, in bytes (256 MiB): far above any real corpus file, far below memory.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// Reads <paramref name="stream"/> as strict UTF-8 (BOM skipped). Returns the text, or null with a problem message
    /// when the stream holds more than <paramref name="maxBytes"/> bytes or is not valid UTF-8.
    /// </summary>
    public static string? Read(Stream stream, long maxBytes, out string? problem)
    {
        problem = null;
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
        {
            problem = $"is {stream.Length - stream.Position} bytes (expected at most {maxBytes} bytes)";
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                problem = $"is more than {maxBytes} bytes (expected at most {maxBytes} bytes)";
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "is not valid UTF-8 text (expected UTF-8)";
            return null;
        }
    }
}
