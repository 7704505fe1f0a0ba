using Affect.Audio;


namespace Affect.Learning;

/// <summary>
/// <see cref="RealMatrix"/> adapter over <see cref="NpyFormat"/> (NumPy <c>.npy</c> 1.0, 2-D little-endian float32
/// C order, the feature artifact format): the matrices are held in double, stored in float32.
/// </summary>
public static class NpyMatrix
{
    /// <summary>Writes <paramref name="m"/> as a float32 .npy (values rounded to the nearest float32).</summary>
    public static byte[] WriteFloat32(RealMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var values = new float[m.Data.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)m.Data[i];
        }

        using var ms = new MemoryStream();
        NpyFormat.Write(ms, values, m.Rows, m.Cols);
        return ms.ToArray();
    }

    /// <summary>
    /// Reads a 2-D float32 C-order .npy whose data fill the rest of <paramref name="bytes"/> exactly;
    /// <paramref name="source"/> names it in errors (<see cref="InvalidDataException"/>).
    /// </summary>
    public static RealMatrix Read(ReadOnlySpan<byte> bytes, string source)
    {
        using var ms = new MemoryStream(bytes.ToArray(), writable: false);
        float[] values;
        int rows;
        int cols;
        try
        {
            (values, rows, cols) = NpyFormat.Read(ms, source);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{source}: data: the file ends early ({bytes.Length} bytes)");
        }

        if (ms.Position != ms.Length)
        {
            throw new InvalidDataException($"{source}: data: {ms.Length - ms.Position} bytes after the ({rows}, {cols}) float32 matrix");
        }

        var m = new RealMatrix(rows, cols);
        for (int i = 0; i < values.Length; i++)
        {
            m.Data[i] = values[i];
        }

        return m;
    }
}
