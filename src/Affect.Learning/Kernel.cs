namespace Affect.Learning;

/// <summary>The kernel function of the kernel learners.</summary>
public enum KernelKind
{
    /// <summary>Linear kernel k(x, y) = xᵀy (the paper's choice, Section 2.1).</summary>
    Linear,

    /// <summary>Gaussian RBF kernel k(x, y) = exp(−γ‖x − y‖²).</summary>
    Rbf,
}

/// <summary>A kernel function: kind and, for RBF, the width γ.</summary>
/// <param name="Kind">The kernel kind.</param>
/// <param name="Gamma">RBF width γ &gt; 0 (ignored for the linear kernel).</param>
public sealed record Kernel(KernelKind Kind = KernelKind.Linear, double Gamma = 1.0)
{
    /// <summary>The linear kernel.</summary>
    public static Kernel Linear { get; } = new();

    /// <summary>The training kernel matrix K[i, j] = k(x_i, x_j).</summary>
    public RealMatrix Train(RealMatrix x, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var g = (algebra ?? ManagedKernelAlgebra.Instance).Gram(x);
        if (Kind == KernelKind.Rbf)
        {
            var sq = Diagonal(g);
            ToRbf(g, sq, sq);
        }

        return g;
    }

    /// <summary>The cross kernel K[i, j] = k(a_i, train_j) of new instances against the training instances.</summary>
    public RealMatrix Cross(RealMatrix a, RealMatrix train, IKernelAlgebra? algebra = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(train);
        var g = (algebra ?? ManagedKernelAlgebra.Instance).CrossProducts(a, train);
        if (Kind == KernelKind.Rbf)
        {
            ToRbf(g, SquaredNorms(a), SquaredNorms(train));
        }

        return g;
    }

    private static double[] Diagonal(RealMatrix g)
    {
        var d = new double[g.Rows];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = g[i, i];
        }

        return d;
    }

    private static double[] SquaredNorms(RealMatrix x)
    {
        var s = new double[x.Rows];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = ManagedKernelAlgebra.Dot(x.Row(i), x.Row(i));
        }

        return s;
    }

    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2aᵀb.
    private void ToRbf(RealMatrix g, double[] rowNorms, double[] colNorms)
    {
        if (!(Gamma > 0) || !double.IsFinite(Gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(Gamma), $"RBF gamma {Gamma} is not a positive number");
        }

        for (int i = 0; i < g.Rows; i++)
        {
            var r = g.Row(i);
            for (int j = 0; j < r.Length; j++)
            {
                r[j] = Math.Exp(-Gamma * Math.Max(0, rowNorms[i] + colNorms[j] - (2 * r[j])));
            }
        }
    }
}

/// <summary>Target coding and instance weights shared by the least-squares learners.</summary>
public static class TargetCoding
{
    /// <summary>
    /// The one-vs-all code matrix of Eq. (1), coded as T[i, l] = +1 when instance i has class l and −1 otherwise
    /// (the usual ELM coding; the paper's 1/0 coding is the affine map (T + 1)/2, which with a bias-free KELM only
    /// changes the scores by a class-independent term plus a scale). The learners regress these columns and
    /// predict the class of the largest score.
    /// </summary>
    public static RealMatrix OneVsAll(ReadOnlySpan<int> labels, int classes)
    {
        var t = new RealMatrix(labels.Length, classes);
        Array.Fill(t.Data, -1.0);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"instance {i}: class {labels[i]} outside 0..{classes - 1}");
            }

            t[i, labels[i]] = 1.0;
        }

        return t;
    }

    /// <summary>
    /// Weighting scheme W1 of Weighted ELM (Zong, Huang &amp; Chen, 2013): W_ii = 1 / #(training instances of i's
    /// class), so every class carries the same total weight whatever its size.
    /// </summary>
    public static double[] InverseClassFrequency(ReadOnlySpan<int> labels, int classes)
    {
        var count = new int[classes];
        foreach (int l in labels)
        {
            count[l]++;
        }

        var w = new double[labels.Length];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = 1.0 / count[labels[i]];
        }

        return w;
    }

    /// <summary>The predicted class of each row: the index of its largest score (the first on ties).</summary>
    public static int[] ArgMax(RealMatrix scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var p = new int[scores.Rows];
        for (int i = 0; i < p.Length; i++)
        {
            var r = scores.Row(i);
            int best = 0;
            for (int c = 1; c < r.Length; c++)
            {
                if (r[c] > r[best])
                {
                    best = c;
                }
            }

            p[i] = best;
        }

        return p;
    }
}
