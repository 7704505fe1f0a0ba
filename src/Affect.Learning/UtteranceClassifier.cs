using System.Globalization;
using System.Text;

namespace Affect.Learning;

/// <summary>The utterance-level learners of Section 2.1 and the ComParE 2018 baseline.</summary>
public enum LearnerKind
{
    /// <summary>Kernel ELM.</summary>
    Kelm,

    /// <summary>Weighted kernel ELM (W1 weights).</summary>
    Wkelm,

    /// <summary>Kernel PLS regression.</summary>
    Kpls,

    /// <summary>Weighted kernel PLS (W1 weights).</summary>
    Wkpls,

    /// <summary>Linear SVM with minority upsampling (ComParE 2018 baseline).</summary>
    Svm,
}

/// <summary>Options of <see cref="UtteranceClassifier"/>, validated once (<see cref="Validate"/> reports every problem).</summary>
/// <param name="Learner">The learner.</param>
/// <param name="Scaling">Feature normalization fitted on the training partition (z-score by default).</param>
/// <param name="PowerExponent">Power normalization exponent applied before scaling, or null.</param>
/// <param name="Kernel">Kernel of KELM/KPLS (linear by default); ignored by the SVM.</param>
/// <param name="C">Regularization constant when not searching a grid.</param>
/// <param name="Factors">Latent factors of KPLS/WKPLS when not searching a grid.</param>
/// <param name="SearchGrid">Select C / factors by development-set UAR (needs a labelled development partition).</param>
/// <param name="CGrid">C values searched (default 10⁻⁶…10³ in half-decade steps; 10⁻⁵…10⁰ for the SVM).</param>
/// <param name="MinFactors">Smallest number of factors searched.</param>
/// <param name="MaxFactors">Largest number of factors searched.</param>
/// <param name="RetrainOnTrainDevel">After selection, refit on train + devel for the test predictions.</param>
/// <param name="Seed">Seed of the SVM's coordinate order.</param>
public sealed record LearnerOptions(
    LearnerKind Learner,
    FeatureScaling Scaling = FeatureScaling.ZScore,
    double? PowerExponent = null,
    Kernel? Kernel = null,
    double C = 1.0,
    int Factors = 10,
    bool SearchGrid = false,
    IReadOnlyList<double>? CGrid = null,
    int MinFactors = 2,
    int MaxFactors = 40,
    bool RetrainOnTrainDevel = false,
    ulong Seed = 1)
{
    /// <summary>The default C grid: 10^e for e = −6, −5.5, …, 3.</summary>
    public static IReadOnlyList<double> DefaultCGrid { get; } = [.. Enumerable.Range(0, 19).Select(i => Math.Pow(10, -6 + (0.5 * i)))];

    /// <summary>The default SVM C grid: 10^e for e = −5, −4, …, 0 (ComParE baselines).</summary>
    public static IReadOnlyList<double> DefaultSvmCGrid { get; } = [.. Enumerable.Range(0, 6).Select(i => Math.Pow(10, -5 + i))];

    /// <summary>The C values searched.</summary>
    public IReadOnlyList<double> EffectiveCGrid => CGrid ?? (Learner == LearnerKind.Svm ? DefaultSvmCGrid : DefaultCGrid);

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Learner))
        {
            errors.Add($"learner: {Learner} is not a learner");
        }

        if (!(C > 0) || !double.IsFinite(C))
        {
            errors.Add($"C: {C} is not a positive number");
        }

        if (Factors < 1)
        {
            errors.Add($"factors: {Factors} is below 1");
        }

        if (MinFactors < 1 || MaxFactors < MinFactors)
        {
            errors.Add($"factors grid: {MinFactors}..{MaxFactors} is not a range of positive integers");
        }

        if (CGrid is not null && (CGrid.Count == 0 || CGrid.Any(c => !(c > 0) || !double.IsFinite(c))))
        {
            errors.Add("C grid: must be a non-empty list of positive numbers");
        }

        if (PowerExponent is { } p && !(p > 0 && double.IsFinite(p)))
        {
            errors.Add($"power exponent: {p} is not a positive number");
        }

        if (Kernel is { Kind: KernelKind.Rbf, Gamma: var g } && !(g > 0 && double.IsFinite(g)))
        {
            errors.Add($"kernel gamma: {g} is not a positive number");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid learner options: " + string.Join("; ", errors));
        }
    }
}

/// <summary>One point of the hyper-parameter search.</summary>
/// <param name="C">Regularization constant (KELM, WKELM, SVM), or null.</param>
/// <param name="Factors">Latent factors (KPLS, WKPLS), or null.</param>
/// <param name="DevelUar">Development-set UAR.</param>
public sealed record GridPoint(double? C, int? Factors, double DevelUar);

/// <summary>Scores and predictions of one partition.</summary>
/// <param name="Names">Utterance names.</param>
/// <param name="Scores">Class scores (rows × classes).</param>
/// <param name="Predicted">Predicted class index per row.</param>
/// <param name="Uar">UAR when the partition is labelled, else null.</param>
/// <param name="War">WAR when the partition is labelled, else null.</param>
public sealed record PartitionScores(IReadOnlyList<string> Names, RealMatrix Scores, int[] Predicted, double? Uar, double? War);

/// <summary>Result of <see cref="UtteranceClassifier.Run"/>.</summary>
/// <param name="Classes">Class names, sorted ordinally: the score columns.</param>
/// <param name="Selected">The hyper-parameters used for the test predictions.</param>
/// <param name="Grid">Every point evaluated on the development set (empty without a search).</param>
/// <param name="Devel">Development-set scores at the selected point, or null.</param>
/// <param name="Test">Test-set scores.</param>
public sealed record ClassificationOutcome(IReadOnlyList<string> Classes, GridPoint Selected, IReadOnlyList<GridPoint> Grid, PartitionScores? Devel, PartitionScores Test)
{
    /// <summary>
    /// Score CSV: <c>name</c>, one column per class (named by the class), <c>predicted</c>; '\n' newlines, invariant
    /// round-trip numbers.
    /// </summary>
    public string ToScoreCsv(PartitionScores part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var sb = new StringBuilder("name,").Append(string.Join(',', Classes)).Append(",predicted\n");
        for (int i = 0; i < part.Names.Count; i++)
        {
            sb.Append(part.Names[i]);
            foreach (double v in part.Scores.Row(i))
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(',').Append(Classes[part.Predicted[i]]).Append('\n');
        }

        return sb.ToString();
    }
}

/// <summary>
/// The utterance-level classification stage: normalization fitted on train, the chosen learner, hyper-parameter
/// search by development UAR where the whole C grid (KELM/WKELM) costs one matrix reduction and the whole factor
/// range (KPLS/WKPLS) one fit to the largest number of factors, optional refit on train + devel.
/// </summary>
public static class UtteranceClassifier
{
    /// <summary>Runs the stage. Errors name the file and line of the offending label.</summary>
    public static ClassificationOutcome Run(FeatureTable train, FeatureTable? devel, FeatureTable test, LearnerOptions options, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.SearchGrid && devel is null)
        {
            throw new ArgumentException("a grid search needs a development partition");
        }

        RequireRows(train);
        RequireRows(test);
        if (devel is not null)
        {
            RequireRows(devel);
        }

        var classes = Classes(train);
        var trainY = Indices(train, classes, required: true)!;
        var develY = devel is null ? null : Indices(devel, classes, required: options.SearchGrid);
        var testY = Indices(test, classes, required: false);
        foreach (var t in new[] { devel, test })
        {
            if (t is not null && t.Features.Cols != train.Features.Cols)
            {
                throw new InvalidDataException($"{t.Source}: {t.Features.Cols} features, {train.Source} has {train.Features.Cols}");
            }
        }

        var grid = new List<GridPoint>();
        GridPoint selected;
        bool refit = options.RetrainOnTrainDevel && devel is not null && develY is not null && develY.Length == devel.Names.Count;
        int nTest = test.Names.Count;
        int l = classes.Count;
        RealMatrix? all = null;
        if (options.SearchGrid && !refit)
        {
            // Train is the fit set for the search and for the test scores alike, so one normalization, one training
            // kernel, one cross kernel of [test; devel] and one reduction serve every C and the selected one.
            NumericInput.RequireScalable(options, [train], [devel!, test]);
            var scored = Fitted(train, options, () => Evaluate(train.Features, trainY, l, [test.Features, devel!.Features], options, Points(options), algebra));
            foreach (var (point, scores) in scored)
            {
                var ds = RowBlock(scores, nTest, devel!.Names.Count);
                NumericInput.RequireFiniteScores(devel, ds, options, point);
                grid.Add(point with { DevelUar = Metrics.Uar(develY, TargetCoding.ArgMax(ds), l) });
            }

            int best = grid.IndexOf(grid.MaxBy(g => g.DevelUar)!); // first best in grid order
            selected = grid[best];
            all = scored[best].Scores;
        }
        else if (options.SearchGrid)
        {
            NumericInput.RequireScalable(options, [train], [devel!]);
            var develScores = Fitted(train, options, () => Evaluate(train.Features, trainY, l, devel!.Features, options, Points(options), algebra));
            foreach (var (point, scores) in develScores)
            {
                NumericInput.RequireFiniteScores(devel!, scores, options, point);
                grid.Add(point with { DevelUar = Metrics.Uar(develY, TargetCoding.ArgMax(scores), l) });
            }

            selected = grid.MaxBy(g => g.DevelUar)!; // first best in grid order
        }
        else
        {
            selected = IsPls(options.Learner) ? new GridPoint(null, options.Factors, double.NaN) : new GridPoint(options.C, null, double.NaN);
        }

        if (all is null)
        {
            RealMatrix fitX = train.Features;
            int[] fitY = trainY;
            FeatureTable[] fitTables = [train];
            if (refit)
            {
                fitX = RealMatrix.StackRows(train.Features, devel!.Features);
                fitY = [.. trainY, .. develY!];
                fitTables = [train, devel];
            }

            NumericInput.RequireScalable(options, fitTables, devel is null || fitTables.Length == 2 ? [test] : [test, devel]);
            var evalSet = devel is null ? test.Features : RealMatrix.StackRows(test.Features, devel.Features);
            all = Fitted(train, options, () => Evaluate(fitX, fitY, l, evalSet, options, [selected], algebra))[0].Scores;
        }

        var testScores = RowBlock(all, 0, nTest);
        NumericInput.RequireFiniteScores(test, testScores, options, selected);
        PartitionScores? develOut = null;
        if (devel is not null)
        {
            var ds = RowBlock(all, nTest, devel.Names.Count);
            NumericInput.RequireFiniteScores(devel, ds, options, selected);
            develOut = Partition(devel.Names, ds, develY);
        }

        return new ClassificationOutcome(classes, selected, grid, develOut, Partition(test.Names, testScores, testY));
    }

    /// <summary>
    /// Scores of <paramref name="eval"/> for each hyper-parameter point, from models fitted on (<paramref name="x"/>,
    /// <paramref name="labels"/>): one kernel, one reduction (KELM) or one nested fit (KPLS) for all points.
    /// </summary>
    public static List<(GridPoint Point, RealMatrix Scores)> Evaluate(RealMatrix x, int[] labels, int classes, RealMatrix eval, LearnerOptions options, IReadOnlyList<GridPoint> points, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(eval);
        return Evaluate(x, labels, classes, [eval], options, points, algebra);
    }

    // The same, with the rows to score given as parts stacked in order (normalized straight into one matrix, so the
    // stacked raw rows are never copied).
    private static List<(GridPoint Point, RealMatrix Scores)> Evaluate(RealMatrix x, int[] labels, int classes, RealMatrix[] evalParts, LearnerOptions options, IReadOnlyList<GridPoint> points, IKernelAlgebra? algebra)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(points);
        var scaler = StageProfile.Measure("scale", () => FeatureScaler.Fit(x, options.Scaling, options.PowerExponent));
        var xs = StageProfile.Measure("scale train", () => scaler.Transform(x));
        var es = StageProfile.Measure("scale eval", () => Stacked(scaler, evalParts));
        var result = new List<(GridPoint, RealMatrix)>();
        if (options.Learner == LearnerKind.Svm)
        {
            var idx = ClassBalancing.UpsampleByReplication(labels, classes);
            var xu = xs.SelectRows(idx);
            var yu = idx.Select(i => labels[i]).ToArray();
            foreach (var p in points)
            {
                var svm = LinearSvm.Fit(xu, yu, classes, p.C!.Value, options.Seed);
                result.Add((p, svm.Decision(es)));
            }

            return result;
        }

        var kernel = options.Kernel ?? Kernel.Linear;
        var k = StageProfile.Measure("kernel train", () => kernel.Train(xs, algebra));
        var ke = StageProfile.Measure("kernel cross", () => kernel.Cross(es, xs, algebra));
        var targets = TargetCoding.OneVsAll(labels, classes);
        bool weighted = options.Learner is LearnerKind.Wkelm or LearnerKind.Wkpls;
        var weights = weighted ? TargetCoding.InverseClassFrequency(labels, classes) : null;
        if (IsPls(options.Learner))
        {
            int maxK = points.Max(p => p.Factors!.Value);
            var pls = KernelPls.Fit(k, targets, maxK, weights);
            var proj = pls.Project(ke);
            foreach (var p in points)
            {
                result.Add((p, pls.Predict(proj, Math.Min(p.Factors!.Value, pls.Factors))));
            }
        }
        else if (points.Count == 1)
        {
            var beta = StageProfile.Measure("solve one C", () => KernelElm.SolveDirect(k, targets, points[0].C!.Value, weights, algebra));
            result.Add((points[0], ke.Multiply(beta)));
        }
        else
        {
            var elm = StageProfile.Measure("factor", () => KernelElm.Prepare(k, targets, weights, algebra));
            // All C at once: one application of Q and one product with the cross kernel for the whole grid.
            var scores = StageProfile.Measure("grid solves", () => ke.Multiply(elm.CoefficientsEach([.. points.Select(p => p.C!.Value)])));
            for (int s = 0; s < points.Count; s++)
            {
                var block = new RealMatrix(scores.Rows, targets.Cols);
                for (int i = 0; i < scores.Rows; i++)
                {
                    scores.Row(i).Slice(s * targets.Cols, targets.Cols).CopyTo(block.Row(i));
                }

                result.Add((points[s], block));
            }
        }

        return result;
    }

    // A learner that cannot be fitted to finite, bounded features (a kernel that is not positive definite to rounding,
    // no latent factor to extract) is a property of the training table, so the error names that file.
    private static List<(GridPoint Point, RealMatrix Scores)> Fitted(FeatureTable train, LearnerOptions options, Func<List<(GridPoint Point, RealMatrix Scores)>> fit)
    {
        try
        {
            return fit();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{train.Source}: features: {options.Learner.ToString().ToLowerInvariant()} cannot be fitted to this table: {e.Message} (nearly collinear or very large features; z-score scaling may help)", e);
        }
    }

    // An empty table scores nothing (an empty score file, a NaN UAR), so it is refused by file.
    private static void RequireRows(FeatureTable t)
    {
        if (t.Names.Count == 0)
        {
            throw new InvalidDataException($"{t.Source}: rows: the table has no data rows");
        }
    }

    // The normalized rows of the parts, stacked in order.
    private static RealMatrix Stacked(FeatureScaler scaler, RealMatrix[] parts)
    {
        if (parts.Length == 1)
        {
            return scaler.Transform(parts[0]);
        }

        int cols = parts[0].Cols;
        var offsets = new int[parts.Length + 1];
        for (int p = 0; p < parts.Length; p++)
        {
            if (parts[p].Cols != cols)
            {
                throw new ArgumentException($"cannot stack {parts[p].Cols} columns under {cols}", nameof(parts));
            }

            offsets[p + 1] = offsets[p] + parts[p].Rows;
        }

        var stacked = RealMatrix.Uninitialized(offsets[^1], cols);
        Parallel.For(0, stacked.Rows, i =>
        {
            int p = Array.FindLastIndex(offsets, o => o <= i); // the part holding row i (empty parts share its offset)
            scaler.TransformRow(parts[p].Row(i - offsets[p]), stacked.Row(i));
        });
        return stacked;
    }

    // Rows start..start+count−1 of m as a new matrix.
    private static RealMatrix RowBlock(RealMatrix m, int start, int count) =>
        new(count, m.Cols, m.Data.AsSpan(start * m.Cols, count * m.Cols).ToArray());

    private static bool IsPls(LearnerKind k) => k is LearnerKind.Kpls or LearnerKind.Wkpls;

    private static List<GridPoint> Points(LearnerOptions o) => IsPls(o.Learner)
        ? [.. Enumerable.Range(o.MinFactors, o.MaxFactors - o.MinFactors + 1).Select(f => new GridPoint(null, f, double.NaN))]
        : [.. o.EffectiveCGrid.Select(c => new GridPoint(c, null, double.NaN))];

    private static PartitionScores Partition(IReadOnlyList<string> names, RealMatrix scores, int[]? truth)
    {
        var pred = TargetCoding.ArgMax(scores);
        bool labelled = truth is not null && truth.Length == names.Count && names.Count > 0;
        return new PartitionScores(names, scores, pred, labelled ? Metrics.Uar(truth, pred, scores.Cols) : null, labelled ? Metrics.War(truth, pred) : null);
    }

    private static List<string> Classes(FeatureTable train)
    {
        for (int i = 0; i < train.Labels.Count; i++)
        {
            if (train.Labels[i] is null)
            {
                throw new InvalidDataException($"{train.Source}: {train.Where(i)} ('{train.Names[i]}'): class: the training partition needs a class for every row");
            }
        }

        var classes = train.Labels.Select(l => l!).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new InvalidDataException($"{train.Source}: class: the training partition has a single class ('{classes.FirstOrDefault()}'); at least two are needed");
        }

        return classes;
    }

    // Class indices; null when the table has no labels at all (and they are not required).
    private static int[]? Indices(FeatureTable t, List<string> classes, bool required)
    {
        if (!required && t.Labels.All(l => l is null))
        {
            return null;
        }

        var y = new int[t.Labels.Count];
        for (int i = 0; i < y.Length; i++)
        {
            string? l = t.Labels[i];
            if (l is null)
            {
                if (required)
                {
                    throw new InvalidDataException($"{t.Source}: {t.Where(i)} ('{t.Names[i]}'): class: missing, the grid search needs labels");
                }

                return null;
            }

            int c = classes.BinarySearch(l, StringComparer.Ordinal);
            if (c < 0)
            {
                throw new InvalidDataException($"{t.Source}: {t.Where(i)} ('{t.Names[i]}'): class '{l}' does not occur in the training partition ({string.Join(", ", classes)})");
            }

            y[i] = c;
        }

        return y;
    }
}
