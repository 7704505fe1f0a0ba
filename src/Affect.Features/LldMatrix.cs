using System.Text.Json;

namespace Affect.Features;

/// <summary>Frame-level descriptor matrix: <see cref="Rows"/> frames × <see cref="Columns"/> values, row-major.</summary>
/// <remarks>
/// This is openSMILE's LLD output as an LLD file holds it and as the functionals read it: openSMILE's column names,
/// openSMILE's frame times (the flushed last row repeats the previous time), and the end-of-input facts the functionals'
/// parity depends on (<see cref="TrailingSpectralRow"/>, <see cref="PitchFramesDecidedAtEnd"/>). It is deliberately not
/// the sequence models' <c>Affect.Sequence.Features.FeatureMatrix</c>, which is an unnamed, finite-only network input on
/// a uniform frame-rate grid built by any frame extractor; the two share only the row-major float layout.
/// </remarks>
public sealed class LldMatrix
{
    /// <summary>Wraps a row-major matrix.</summary>
    /// <param name="values">Row-major values, <paramref name="rows"/> × names.Count.</param>
    /// <param name="rows">Number of frames.</param>
    /// <param name="columnNames">Column names (openSMILE's).</param>
    /// <param name="frameTimes">Start time of each frame in seconds.</param>
    public LldMatrix(float[] values, int rows, IReadOnlyList<string> columnNames, double[] frameTimes)
        : this(values, rows, columnNames, frameTimes, null)
    {
    }

    /// <summary>Wraps a row-major matrix with the 20 ms-level frame that follows its last row.</summary>
    /// <param name="values">Row-major values, <paramref name="rows"/> × names.Count.</param>
    /// <param name="rows">Number of frames.</param>
    /// <param name="columnNames">Column names (openSMILE's).</param>
    /// <param name="frameTimes">Start time of each frame in seconds.</param>
    /// <param name="trailingSpectralRow">See <see cref="TrailingSpectralRow"/>; null when unknown (e.g. read from an LLD file).</param>
    public LldMatrix(float[] values, int rows, IReadOnlyList<string> columnNames, double[] frameTimes, float[]? trailingSpectralRow)
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

        if (trailingSpectralRow is not null && trailingSpectralRow.Length != columnNames.Count)
        {
            throw new ArgumentException($"trailingSpectralRow has {trailingSpectralRow.Length} entries, expected {columnNames.Count}", nameof(trailingSpectralRow));
        }

        Values = values;
        Rows = rows;
        TrailingSpectralRow = trailingSpectralRow;
        ColumnNames = columnNames;
        FrameTimes = frameTimes;
    }

    /// <summary>Row-major values.</summary>
    public float[] Values { get; }

    /// <summary>
    /// Pitch frames the Viterbi smoother had decided when the input ended (J ≤ frames − 1; see openSMILE's end-of-input
    /// passes in docs/parity.md), which fixes how many rows openSMILE's voicing functionals see; null when unknown
    /// (e.g. read from an LLD file), where it is estimated from the last rows.
    /// </summary>
    public int? PitchFramesDecidedAtEnd { get; init; }

    /// <summary>Number of frames.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (130 with deltas, 65 without).</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>Column names exactly as openSMILE writes them.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Start time of each frame in seconds (openSMILE's frameTime; the flushed last row repeats the previous time).</summary>
    public double[] FrameTimes { get; }

    /// <summary>
    /// The 20 ms-level frame one past the last row (row index = <see cref="Rows"/>), or null: the RASTA auditory bands,
    /// spectral descriptors and MFCC (and their deltas) hold genuine values, every other column NaN. openSMILE's
    /// functionals of those spectral contours include this frame; an LLD CSV does not contain it.
    /// </summary>
    public float[]? TrailingSpectralRow { get; }

    /// <summary>Value at frame <paramref name="row"/>, column <paramref name="column"/>.</summary>
    /// <param name="row">Frame index.</param>
    /// <param name="column">Column index.</param>
    public float this[int row, int column] => Values[(row * Columns) + column];

    /// <summary>One frame's values.</summary>
    /// <param name="row">Frame index.</param>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>
    /// JSON sidecar text for the <c>.npy</c> file of this matrix (<see cref="Affect.Audio.NpyFormat"/>): source audio,
    /// rows, column names, frame step and layout.
    /// </summary>
    /// <param name="source">Name of the audio it was computed from.</param>
    public string NpySidecar(string source)
    {
        var doc = new Dictionary<string, object>
        {
            ["source"] = source,
            ["rows"] = Rows,
            ["columns"] = ColumnNames,
            ["frameStepSeconds"] = 0.01,
            ["dtype"] = "float32",
            ["layout"] = "row-major (C order), rows = frames",
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }

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
