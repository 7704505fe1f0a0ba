using System.Runtime.Intrinsics;

namespace Affect.Learning;

/// <summary>
/// A dense row-major matrix of doubles: row <c>i</c> occupies <c>Data[i·Cols .. (i+1)·Cols)</c>, so a row is one
/// contiguous span and the kernels (Gram matrix, Householder updates) run vectorised over rows.
/// </summary>
public sealed class RealMatrix
{
    /// <summary>Creates a zero matrix.</summary>
    public RealMatrix(int rows, int cols)
        : this(rows, cols, MatrixMemory.Zeroed(checked(rows * cols)))
    {
    }

    /// <summary>Wraps <paramref name="data"/> (row-major, length rows·cols) without copying.</summary>
    public RealMatrix(int rows, int cols, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (data.Length != (long)rows * cols)
        {
            throw new ArgumentException($"data has {data.Length} values, expected {rows}×{cols}", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>The row-major values.</summary>
    public double[] Data { get; }

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j]
    {
        get => Data[(i * Cols) + j];
        set => Data[(i * Cols) + j] = value;
    }

    /// <summary>Row <paramref name="i"/> as a span.</summary>
    public Span<double> Row(int i) => Data.AsSpan(i * Cols, Cols);

    /// <summary>A deep copy.</summary>
    public RealMatrix Clone()
    {
        var data = MatrixMemory.Uninitialized(Data.Length);
        Data.CopyTo(data, 0);
        return new(Rows, Cols, data);
    }

    /// <summary>A matrix whose values are undefined until the caller writes every one of them.</summary>
    internal static RealMatrix Uninitialized(int rows, int cols) => new(rows, cols, MatrixMemory.Uninitialized(checked(rows * cols)));

    /// <summary>Builds a matrix from a jagged array of equal-length rows.</summary>
    public static RealMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int cols = rows.Count == 0 ? 0 : rows[0].Length;
        var m = new RealMatrix(rows.Count, cols);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != cols)
            {
                throw new ArgumentException($"row {i} has {rows[i].Length} values, expected {cols}", nameof(rows));
            }

            rows[i].CopyTo(m.Row(i));
        }

        return m;
    }

    /// <summary>The rows selected by <paramref name="indices"/>, in that order.</summary>
    public RealMatrix SelectRows(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var m = new RealMatrix(indices.Count, Cols);
        for (int i = 0; i < indices.Count; i++)
        {
            Row(indices[i]).CopyTo(m.Row(i));
        }

        return m;
    }

    /// <summary>Stacks <paramref name="top"/> over <paramref name="bottom"/> (same column count).</summary>
    public static RealMatrix StackRows(RealMatrix top, RealMatrix bottom)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(bottom);
        if (top.Cols != bottom.Cols)
        {
            throw new ArgumentException($"cannot stack {top.Cols} columns over {bottom.Cols}", nameof(bottom));
        }

        var data = new double[top.Data.Length + bottom.Data.Length];
        top.Data.CopyTo(data, 0);
        bottom.Data.CopyTo(data, top.Data.Length);
        return new RealMatrix(top.Rows + bottom.Rows, top.Cols, data);
    }

    /// <summary>The product this · <paramref name="other"/> (small right-hand sides: targets, coefficients).</summary>
    public RealMatrix Multiply(RealMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Cols != other.Rows)
        {
            throw new ArgumentException($"cannot multiply {Rows}×{Cols} by {other.Rows}×{other.Cols}", nameof(other));
        }

        var result = new RealMatrix(Rows, other.Cols);
        int n = other.Cols;
        Parallel.For(0, Rows, i =>
        {
            var a = Row(i);
            var r = result.Row(i);
            for (int k = 0; k < a.Length; k++)
            {
                double aik = a[k];
                if (aik == 0)
                {
                    continue;
                }

                // Columns four at a time in vector lanes: the same multiply and add per element as one by one.
                var b = other.Data.AsSpan(k * n, n);
                var va = Vector256.Create(aik);
                int j = 0;
                for (; j + 4 <= n; j += 4)
                {
                    (Vector256.Create((ReadOnlySpan<double>)r.Slice(j, 4)) + (va * Vector256.Create((ReadOnlySpan<double>)b.Slice(j, 4)))).CopyTo(r.Slice(j, 4));
                }

                for (; j < n; j++)
                {
                    r[j] += aik * b[j];
                }
            }
        });
        return result;
    }

    /// <summary>Copies the upper triangle onto the lower one, making a square matrix exactly symmetric.</summary>
    public void CopyUpperToLower()
    {
        if (Rows != Cols)
        {
            throw new InvalidOperationException($"a {Rows} × {Cols} matrix is not square");
        }

        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Data[(i * Cols) + j] = Data[(j * Cols) + i];
            }
        }
    }
}
