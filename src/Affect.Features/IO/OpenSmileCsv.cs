using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Affect.Features.IO;

/// <summary>
/// openSMILE cCsvSink layout for frame-level descriptors: a header <c>name;frameTime;&lt;columns&gt;</c>, then one row
/// per frame with the instance name in single quotes, frameTime as <c>%f</c>, and each value as <c>%.0f</c> when it is
/// integral or <c>%e</c> otherwise — byte-comparable with SMILExtract's <c>-lldcsvoutput</c>.
/// </summary>
public static class OpenSmileCsv
{
    /// <summary>Writes the header line.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="columnNames">Descriptor column names.</param>
    public static void WriteHeader(TextWriter writer, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(columnNames);
        writer.Write("name;frameTime");
        foreach (string c in columnNames)
        {
            writer.Write(';');
            writer.Write(c);
        }

        writer.Write('\n');
    }

    /// <summary>
    /// Rejects an instance name or label that would break a semicolon-separated row: a ';' would shift the columns and
    /// a newline or other control character would split the row (the manifest rules already refuse such names).
    /// </summary>
    /// <exception cref="ArgumentException">The value holds ';' or a control character.</exception>
    public static void RequireCell(string value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (char c in value)
        {
            if (c == ';' || char.IsControl(c))
            {
                throw new ArgumentException($"{field} '{Affect.Audio.DisplayText.Excerpt(value, 80)}' holds ';' or a control character (expected a name that fits one CSV cell)", field);
            }
        }
    }

    /// <summary>Writes the rows of one instance (no header); several instances may be appended to one file.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="instanceName">Instance name (written in single quotes).</param>
    /// <param name="matrix">Descriptor matrix.</param>
    public static void WriteRows(TextWriter writer, string instanceName, LldMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        RequireCell(instanceName, nameof(instanceName));
        byte[] name = Encoding.UTF8.GetBytes(instanceName);
        var line = new byte[RowBound(name.Length, matrix.Columns)];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(line.Length)];
        for (int r = 0; r < matrix.Rows; r++)
        {
            int n = FormatRow(name, matrix.FrameTimes[r], matrix.Row(r), line);
            int c = Encoding.UTF8.GetChars(line.AsSpan(0, n), chars);
            writer.Write(chars.AsSpan(0, c));
        }
    }

    /// <summary>Writes the header line as UTF-8 bytes.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="columnNames">Descriptor column names.</param>
    public static void WriteHeader(Stream stream, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var text = new StringWriter();
        WriteHeader(text, columnNames);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Writes the rows of one instance as UTF-8 bytes, the same bytes as the <see cref="TextWriter"/> overload: blocks of
    /// rows are formatted in parallel (the text of a value does not depend on its neighbours) into pooled buffers and
    /// written in order as soon as every earlier block is out, so the file is never held whole in memory.
    /// </summary>
    /// <param name="stream">Destination.</param>
    /// <param name="instanceName">Instance name (written in single quotes).</param>
    /// <param name="matrix">Descriptor matrix.</param>
    public static void WriteRows(Stream stream, string instanceName, LldMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(matrix);
        RequireCell(instanceName, nameof(instanceName));
        byte[] name = Encoding.UTF8.GetBytes(instanceName);
        const int BlockRows = 64;
        int blocks = (matrix.Rows + BlockRows - 1) / BlockRows;
        int bound = RowBound(name.Length, matrix.Columns);
        var done = new (byte[]? Text, int Length)[blocks];
        int next = 0;
        bool failed = false;
        var gate = new object();
        try
        {
            Parallel.For(0, blocks, b =>
            {
                int first = b * BlockRows, end = Math.Min(matrix.Rows, first + BlockRows);
                byte[] buffer = ArrayPool<byte>.Shared.Rent((end - first) * bound);
                int n = 0;
                for (int r = first; r < end; r++)
                {
                    n += FormatRow(name, matrix.FrameTimes[r], matrix.Row(r), buffer.AsSpan(n));
                }

                lock (gate)
                {
                    done[b] = (buffer, n);
                    while (!failed && next < blocks && done[next].Text is { } text)
                    {
                        failed = true; // until the write returns: a failed write stops every later one
                        stream.Write(text, 0, done[next].Length);
                        failed = false;
                        ArrayPool<byte>.Shared.Return(text);
                        done[next] = default;
                        next++;
                    }
                }
            });
        }
        catch (AggregateException e)
        {
            // The stream's own failure (disk full: IOException), as a sequential writer would throw it.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        finally
        {
            foreach (var (text, _) in done)
            {
                if (text is not null)
                {
                    ArrayPool<byte>.Shared.Return(text);
                }
            }
        }
    }

    /// <summary>Writes a whole file: header then the rows of each instance in order.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="instances">Instance names and matrices (all with the same columns).</param>
    public static void Write(TextWriter writer, IEnumerable<(string Name, LldMatrix Matrix)> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        bool header = false;
        foreach (var (name, matrix) in instances)
        {
            if (!header)
            {
                WriteHeader(writer, matrix.ColumnNames);
                header = true;
            }

            WriteRows(writer, name, matrix);
        }
    }

    /// <summary>Formats one value as cCsvSink does: <c>%.0f</c> if it has no fractional part, <c>%e</c> otherwise.</summary>
    /// <param name="value">The value.</param>
    public static string FormatValue(float value)
    {
        Span<byte> text = stackalloc byte[MaxValueBytes];
        int n = FormatValue(value, text);
        return Encoding.ASCII.GetString(text[..n]);
    }

    /// <summary>
    /// <see cref="FormatValue(float)"/> as ASCII bytes into <paramref name="destination"/> (at least
    /// <see cref="MaxValueBytes"/> long); returns the byte count. The common cases (a 7-digit <c>%e</c> mantissa away
    /// from a rounding tie, an integer below 10¹⁵) are formatted from one scaled double; the rest by the runtime's
    /// formatter, so the text is the same as <c>ToString("0.000000e+00")</c> / <c>ToString("F0")</c> for every value.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="destination">Destination bytes.</param>
    public static int FormatValue(float value, Span<byte> destination)
    {
        double v = value;
        if (!double.IsFinite(v))
        {
            return Ascii(double.IsNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf"), destination);
        }

        double a = Math.Abs(v);
        int pos = 0;
        if (Math.Floor(v) == v)
        {
            if (a >= 1e15 || (v == 0 && double.IsNegative(v)))
            {
                return Fallback(v, "F0", destination);
            }

            if (v < 0)
            {
                destination[pos++] = (byte)'-';
            }

            ((long)a).TryFormat(destination[pos..], out int written, default, CultureInfo.InvariantCulture);
            return pos + written;
        }

        if (a < 1e-30 || a >= 1e30)
        {
            return Fallback(v, "0.000000e+00", destination);
        }

        // a = s · 10^(k − 6) with s in [10⁶, 10⁷): k from the binary exponent (k_true or one less), one correction step.
        // a is normal here, so its biased exponent field less 1023 is Math.ILogB(a).
        int k = DecimalExponentGuess[(int)(BitConverter.DoubleToUInt64Bits(a) >> 52) - 1023 - MinBinaryExponent];
        double s = a * PowersOfTen[6 - k + PowerOffset];
        if (s >= 1e7)
        {
            k++;
            s = a * PowersOfTen[6 - k + PowerOffset];
        }

        double floor = Math.Floor(s);
        double fraction = s - floor;

        // s carries a relative error of ~2⁻⁵², i.e. < 10⁻⁸ absolute: within 10⁻⁶ of a tie, or outside the range after the
        // correction, the runtime decides (it rounds the exact value to 15 digits, then half-up to 7).
        if (s < 1e6 || s >= 1e7 || Math.Abs(fraction - 0.5) < 1e-6)
        {
            return Fallback(v, "0.000000e+00", destination);
        }

        int m = (int)floor + (fraction > 0.5 ? 1 : 0);
        if (m == 10_000_000)
        {
            m = 1_000_000;
            k++;
        }

        if (v < 0)
        {
            destination[pos++] = (byte)'-';
        }

        // d.dddddde±XX: the lead digit, then three digit pairs, then the exponent (two digits, three from 100).
        int lead = m / 1_000_000;
        int rest = m - (lead * 1_000_000);
        Span<byte> text = destination.Slice(pos, 15);
        text[0] = (byte)('0' + lead);
        text[1] = (byte)'.';
        int high = rest / 10_000;
        int low = rest - (high * 10_000);
        WritePair(high, text[2..]);
        WritePair(low / 100, text[4..]);
        WritePair(low % 100, text[6..]);
        text[8] = (byte)'e';
        text[9] = (byte)(k < 0 ? '-' : '+');
        int e = Math.Abs(k);
        if (e >= 100)
        {
            text[10] = (byte)('0' + (e / 100));
            WritePair(e % 100, text[11..]);
            return pos + 13;
        }

        WritePair(e, text[10..]);
        return pos + 12;
    }

    // "00" … "99": two ASCII digits per pair.
    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePair(int pair, Span<byte> destination)
    {
        destination[1] = DigitPairs[(2 * pair) + 1];
        destination[0] = DigitPairs[2 * pair];
    }

    // ⌊e · log₁₀2⌋ for the binary exponents of 1e-30 ≤ a < 1e30, as the general formula Math.Floor(e · 0.30103…) gives it.
    private const int MinBinaryExponent = -100;

    private static readonly int[] DecimalExponentGuess = [.. Enumerable.Range(MinBinaryExponent, 201).Select(e => (int)Math.Floor(e * 0.30102999566398120))];

    /// <summary>Bytes <see cref="FormatValue(float, Span{byte})"/> may need for one value.</summary>
    public const int MaxValueBytes = 64;

    private const int PowerOffset = 40;

    // 10^(i − 40), correctly rounded (parsed, not multiplied).
    private static readonly double[] PowersOfTen = [.. Enumerable.Range(-PowerOffset, (2 * PowerOffset) + 1).Select(e => double.Parse("1e" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))];

    private static int RowBound(int nameBytes, int columns) => nameBytes + 3 + 32 + (columns * (MaxValueBytes + 1)) + 1;

    // 'name';frameTime;v1;...;vn\n
    private static int FormatRow(ReadOnlySpan<byte> name, double frameTime, ReadOnlySpan<float> row, Span<byte> destination)
    {
        int pos = 0;
        destination[pos++] = (byte)'\'';
        name.CopyTo(destination[pos..]);
        pos += name.Length;
        destination[pos++] = (byte)'\'';
        destination[pos++] = (byte)';';
        frameTime.TryFormat(destination[pos..], out int written, "F6", CultureInfo.InvariantCulture);
        pos += written;
        foreach (float v in row)
        {
            destination[pos++] = (byte)';';
            pos += FormatValue(v, destination[pos..]);
        }

        destination[pos++] = (byte)'\n';
        return pos;
    }

    private static int Fallback(double v, string format, Span<byte> destination)
    {
        v.TryFormat(destination, out int written, format, CultureInfo.InvariantCulture);
        return written;
    }

    private static int Ascii(string text, Span<byte> destination)
    {
        for (int i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }

        return text.Length;
    }

    /// <summary>Reads an LLD CSV file: every instance's rows, in file order.</summary>
    /// <param name="reader">Source.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="InvalidDataException">The file is not in the cCsvSink layout.</exception>
    public static IReadOnlyList<(string Name, LldMatrix Matrix)> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header is null)
        {
            throw new InvalidDataException($"{sourceName}: header: file is empty");
        }

        string[] head = header.Split(';');
        if (head.Length < 2 || head[0] != "name" || head[1] != "frameTime")
        {
            throw new InvalidDataException($"{sourceName}: header: expected 'name;frameTime;…', found '{(header.Length > 40 ? header[..40] + "…" : header)}'");
        }

        string[] columns = head[2..];
        var result = new List<(string, LldMatrix)>();
        string? current = null;
        var values = new List<float>();
        var times = new List<double>();
        int lineNo = 1;
        void Flush()
        {
            if (current is not null)
            {
                result.Add((current, new LldMatrix(values.ToArray(), times.Count, columns, times.ToArray())));
            }

            values.Clear();
            times.Clear();
        }

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(';');
            if (f.Length != head.Length)
            {
                throw new InvalidDataException($"{sourceName}: line {lineNo}: {f.Length} fields, header has {head.Length}");
            }

            string name = f[0].Trim('\'');
            if (name != current)
            {
                Flush();
                current = name;
            }

            times.Add(ParseNumber(f[1], sourceName, lineNo, "frameTime"));
            for (int c = 2; c < f.Length; c++)
            {
                values.Add((float)ParseNumber(f[c], sourceName, lineNo, head[c]));
            }
        }

        Flush();
        return result;
    }

    private static double ParseNumber(string text, string sourceName, int line, string field)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new InvalidDataException($"{sourceName}: line {line}: {field}: '{text}' is not a number");
        }

        return v;
    }
}
