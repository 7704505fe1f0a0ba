namespace Affect.Learning;

/// <summary>Settings of <see cref="LinearSvm"/>; the defaults are scikit-learn's LinearSVC defaults.</summary>
/// <param name="Tolerance">Stop when the spread of the projected gradient over an epoch, max PG − min PG, is at most this.</param>
/// <param name="MaxEpochs">At most this many passes over the training set.</param>
/// <param name="InterceptScaling">Value of the constant feature appended to every instance (its weight is the intercept, regularized like the others).</param>
public sealed record SvmSettings(double Tolerance = 1e-4, int MaxEpochs = 1000, double InterceptScaling = 1.0);

/// <summary>
/// Linear support vector machine, one-vs-rest, trained by dual coordinate descent (Hsieh et al., ICML 2008) for the
/// L2-regularized squared-hinge loss — the LinearSVC/liblinear default and the ComParE 2018 baseline learner:
/// min_w ½‖w‖² + C Σ max(0, 1 − y_i wᵀx_i)², with x augmented by a constant <see cref="SvmSettings.InterceptScaling"/>.
/// Its dual is min_α ½αᵀ(Q + I/(2C))α − eᵀα, α ≥ 0, Q_ij = y_i y_j x_iᵀx_j; each step minimizes exactly over one α_i:
/// G = y_i wᵀx_i − 1 + α_i/(2C), α_i ← max(0, α_i − G / (‖x_i‖² + 1/(2C))), w ← w + Δα_i·y_i·x_i. The visiting
/// order is a seeded Fisher–Yates shuffle per epoch, so the same seed gives the same model.
/// </summary>
public sealed class LinearSvm
{
    private readonly RealMatrix weights; // L × (d + 1), last column the intercept weight
    private readonly double interceptScaling;

    private LinearSvm(RealMatrix weights, double interceptScaling, int[] epochs)
    {
        this.weights = weights;
        this.interceptScaling = interceptScaling;
        Epochs = epochs;
    }

    /// <summary>Epochs used by each one-vs-rest problem (equal to MaxEpochs when it did not converge).</summary>
    public IReadOnlyList<int> Epochs { get; }

    /// <summary>Weight vector of class <paramref name="c"/> (d features, then the intercept weight).</summary>
    public ReadOnlySpan<double> Weights(int c) => weights.Row(c);

    /// <summary>Trains one binary problem per class (that class +1, the others −1).</summary>
    public static LinearSvm Fit(RealMatrix x, ReadOnlySpan<int> labels, int classes, double c, ulong seed, SvmSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        settings ??= new SvmSettings();
        if (!(c > 0) || !double.IsFinite(c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), $"C = {c} is not a positive number");
        }

        if (labels.Length != x.Rows)
        {
            throw new ArgumentException($"{labels.Length} labels for {x.Rows} instances", nameof(labels));
        }

        int n = x.Rows;
        int d = x.Cols;
        double bias = settings.InterceptScaling;
        var qd = new double[n];
        for (int i = 0; i < n; i++)
        {
            qd[i] = ManagedKernelAlgebra.Dot(x.Row(i), x.Row(i)) + (bias * bias) + (0.5 / c);
        }

        var w = new RealMatrix(classes, d + 1);
        var epochs = new int[classes];
        var lab = labels.ToArray();
        Parallel.For(0, classes, cls =>
        {
            var rng = new SplitMix64(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(cls + 1)));
            epochs[cls] = Solve(x, lab, cls, c, bias, qd, settings, w.Row(cls).ToArray(), ref rng, out var wc);
            wc.CopyTo(w.Row(cls));
        });
        return new LinearSvm(w, bias, epochs);
    }

    /// <summary>Decision values wᵀx + w_b·interceptScaling of every instance for every class (m × L).</summary>
    public RealMatrix Decision(RealMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = weights.Cols - 1;
        if (x.Cols != d)
        {
            throw new ArgumentException($"matrix has {x.Cols} features, the model {d}", nameof(x));
        }

        var s = new RealMatrix(x.Rows, weights.Rows);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int c = 0; c < weights.Rows; c++)
            {
                var wc = weights.Row(c);
                s[i, c] = ManagedKernelAlgebra.Dot(x.Row(i), wc[..d]) + (wc[d] * interceptScaling);
            }
        }

        return s;
    }

    private static int Solve(RealMatrix x, int[] labels, int cls, double c, double bias, double[] qd, SvmSettings settings, double[] w, ref SplitMix64 rng, out double[] result)
    {
        int n = x.Rows;
        int d = x.Cols;
        double diag = 0.5 / c;
        var alpha = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        int epoch = 0;
        while (epoch < settings.MaxEpochs)
        {
            epoch++;
            for (int i = n - 1; i > 0; i--)
            {
                int j = rng.NextBelow(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            double pgMax = double.NegativeInfinity;
            double pgMin = double.PositiveInfinity;
            foreach (int i in order)
            {
                double y = labels[i] == cls ? 1.0 : -1.0;
                var xi = x.Row(i);
                double g = (y * (ManagedKernelAlgebra.Dot(xi, w.AsSpan(0, d)) + (w[d] * bias))) - 1 + (alpha[i] * diag);
                double pg = alpha[i] == 0 ? Math.Min(g, 0) : g;
                pgMax = Math.Max(pgMax, pg);
                pgMin = Math.Min(pgMin, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[i];
                    alpha[i] = Math.Max(old - (g / qd[i]), 0);
                    double step = (alpha[i] - old) * y;
                    var wd = w.AsSpan(0, d);
                    ManagedKernelAlgebra.SubtractTwo(wd, -step, xi, 0, xi);
                    w[d] += step * bias;
                }
            }

            if (pgMax - pgMin <= settings.Tolerance)
            {
                break;
            }
        }

        result = w;
        return epoch;
    }
}

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood, 2014): state += 0x9E3779B97F4A7C15, output = the state through two
/// xor-shift-multiply rounds; a tiny seeded generator for shuffles (System.Random is not stable across versions).
/// </summary>
public struct SplitMix64
{
    private ulong state;

    /// <summary>Seeds the generator.</summary>
    public SplitMix64(ulong seed) => state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in 0..<paramref name="bound"/>−1 (multiply-shift, Lemire 2019; bias below 2⁻³²).</summary>
    public int NextBelow(int bound) => (int)Math.BigMul(Next(), (ulong)bound, out _);
}

/// <summary>Class balancing of the ComParE 2018 SVM baseline.</summary>
public static class ClassBalancing
{
    /// <summary>
    /// Upsampling by replication: each instance of class c is repeated round(N_max / N_c) times (at least once),
    /// so minority classes reach about the size of the largest one. Deterministic; returns row indices in order.
    /// </summary>
    public static int[] UpsampleByReplication(ReadOnlySpan<int> labels, int classes)
    {
        var count = new int[classes];
        foreach (int l in labels)
        {
            count[l]++;
        }

        int max = count.Max();
        var reps = count.Select(n => n == 0 ? 0 : Math.Max(1, (int)Math.Round((double)max / n, MidpointRounding.AwayFromZero))).ToArray();
        var result = new List<int>();
        for (int r = 0; r < reps.Max(); r++)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (r < reps[labels[i]])
                {
                    result.Add(i);
                }
            }
        }

        return [.. result];
    }
}
