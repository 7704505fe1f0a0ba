namespace Affect.Features.Boaw;

/// <summary>
/// Bag-of-audio-words settings, openXBOW semantics as in the ComParE 2018 baseline (<c>-standardizeInput -size N -a A
/// -c kmeans++ -log</c>): one codebook per stream (LLDs, deltas), each frame counted for its <see cref="Assignments"/>
/// nearest words, term frequencies weighted by lg(TF + 1).
/// </summary>
/// <param name="CodebookSize">Words per codebook (openXBOW <c>-size</c>).</param>
/// <param name="Assignments">Nearest words each frame counts for (openXBOW <c>-a</c>).</param>
/// <param name="Seed">Seed of every random choice (seeding, subsampling); same seed ⇒ bit-identical codebook.</param>
/// <param name="Method">Codebook generation (openXBOW <c>-c</c>).</param>
/// <param name="MaxIterations">Largest number of Lloyd updates; openXBOW (like Weka) uses 500 and stops earlier when no label changes.</param>
/// <param name="MaxTrainingFrames">Training frames drawn without replacement per codebook before clustering (openXBOW <c>-numTrain</c>); 0 = all.</param>
/// <param name="LogWeighting">Weight each term frequency as log10(TF + 1) (openXBOW <c>-log</c>).</param>
public sealed record BoawOptions(
    int CodebookSize = 1000,
    int Assignments = 10,
    ulong Seed = 1,
    CodebookMethod Method = CodebookMethod.KMeansPlusPlus,
    int MaxIterations = 500,
    int MaxTrainingFrames = 0,
    bool LogWeighting = true)
{
    /// <summary>Checks every field and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more fields are out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (CodebookSize < 1)
        {
            problems.Add($"codebookSize: {CodebookSize} must be at least 1");
        }

        if (Assignments < 1)
        {
            problems.Add($"assignments: {Assignments} must be at least 1");
        }
        else if (Assignments > CodebookSize && CodebookSize >= 1)
        {
            problems.Add($"assignments: {Assignments} exceeds the codebook size {CodebookSize}");
        }

        if (!Enum.IsDefined(Method))
        {
            problems.Add($"method: {(int)Method} is not a codebook method");
        }

        if (MaxIterations < 0)
        {
            problems.Add($"maxIterations: {MaxIterations} must not be negative");
        }

        if (MaxTrainingFrames < 0)
        {
            problems.Add($"maxTrainingFrames: {MaxTrainingFrames} must not be negative (0 = all frames)");
        }
        else if (MaxTrainingFrames > 0 && MaxTrainingFrames < CodebookSize)
        {
            problems.Add($"maxTrainingFrames: {MaxTrainingFrames} is smaller than the codebook size {CodebookSize}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("bag-of-audio-words options: " + string.Join("; ", problems));
        }
    }
}

/// <summary>The frames of one utterance: row-major <see cref="Rows"/> × columns (the codebook's input columns).</summary>
/// <param name="Source">File or id named in error messages.</param>
/// <param name="Values">Row-major frame values.</param>
/// <param name="Rows">Number of frames.</param>
public sealed record BoawFrames(string Source, float[] Values, int Rows);

/// <summary>A group of input columns with its own codebook and histogram part (openXBOW's numbered attribute groups).</summary>
/// <param name="Name">Stream name, prefix of its word columns (<c>lld</c>, <c>delta</c>).</param>
/// <param name="Columns">Input column indices of the stream, in order.</param>
public sealed record BoawStream(string Name, IReadOnlyList<int> Columns)
{
    /// <summary>
    /// The ComParE 2018 split: LLD columns (<c>*_sma</c>) in stream <c>lld</c>, delta columns (<c>*_sma_de</c>, or
    /// any name ending in <c>_de</c> or containing <c>_de[</c>) in stream <c>delta</c>; a stream with no column is omitted.
    /// </summary>
    /// <param name="columnNames">The input column names.</param>
    public static IReadOnlyList<BoawStream> LldAndDelta(IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        var lld = new List<int>();
        var delta = new List<int>();
        for (int c = 0; c < columnNames.Count; c++)
        {
            string n = columnNames[c];
            bool isDelta = n.EndsWith("_de", StringComparison.Ordinal) || n.Contains("_de[", StringComparison.Ordinal);
            (isDelta ? delta : lld).Add(c);
        }

        var streams = new List<BoawStream>();
        if (lld.Count > 0)
        {
            streams.Add(new BoawStream("lld", lld));
        }

        if (delta.Count > 0)
        {
            streams.Add(new BoawStream("delta", delta));
        }

        return streams;
    }
}
