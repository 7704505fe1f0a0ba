namespace Affect.Features;

/// <summary>Frame-level descriptor matrix: <see cref="Rows"/> frames × <see cref="Columns"/> values, row-major.</summary>
public sealed class LldMatrix
{
    /// <summary>Wraps a row-major matrix.</summary>
    /// <param name="values">Row-major values, <paramref name="rows"/> × names.Count.</param>
    /// <param name="rows">Number of frames.</param>
    /// <param name="columnNames">Column names (openSMILE's).</param>
    /// <param name="frameTimes">Start time of each frame in seconds.</param>
    public LldMatrix(float[] values, int rows, IReadOnlyList<string> columnNames, double[] frameTimes)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(frameTimes);
        if (values.Length != rows * columnNames.Count)
        {
            throw new ArgumentException($"values has {values.Length} entries, expected {rows} × {columnNames.Count}", nameof(values));
        }

        if (frameTimes.Length != rows)
        {
            throw new ArgumentException($"frameTimes has {frameTimes.Length} entries, expected {rows}", nameof(frameTimes));
        }

        Values = values;
        Rows = rows;
        ColumnNames = columnNames;
        FrameTimes = frameTimes;
    }

    /// <summary>Row-major values.</summary>
    public float[] Values { get; }

    /// <summary>Number of frames.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (130 with deltas, 65 without).</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>Column names exactly as openSMILE writes them.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Start time of each frame in seconds (openSMILE's frameTime; the flushed last row repeats the previous time).</summary>
    public double[] FrameTimes { get; }

    /// <summary>Value at frame <paramref name="row"/>, column <paramref name="column"/>.</summary>
    /// <param name="row">Frame index.</param>
    /// <param name="column">Column index.</param>
    public float this[int row, int column] => Values[(row * Columns) + column];

    /// <summary>One frame's values.</summary>
    /// <param name="row">Frame index.</param>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>Copies one column into a new array.</summary>
    /// <param name="column">Column index.</param>
    public float[] Column(int column)
    {
        var c = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            c[r] = Values[(r * Columns) + column];
        }

        return c;
    }
}
