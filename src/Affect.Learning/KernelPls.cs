using MathNet.Numerics.LinearAlgebra;

namespace Affect.Learning;

/// <summary>
/// Kernel partial least squares regression (Rosipal &amp; Trejo, 2001) and its weighted variant WKPLS
/// (Kaya et al., ComParE 2017), with nested latent factors: one fit to F factors serves every k ≤ F.
/// <para>
/// KPLS, on the centered kernel K_c and centered targets Y_c, extracts score vectors t_a (‖t_a‖ = 1) and u_a: t_a is
/// the dominant eigenvector of K_a·Y_a·Y_aᵀ — computed exactly as t ∝ K_a·Y_a·e with e the leading eigenvector of the
/// L × L matrix Y_aᵀ·K_a·Y_a, instead of NIPALS iterations — u_a ∝ Y_a·Y_aᵀ·t_a, then deflates
/// K_{a+1} = (I − t tᵀ)·K_a·(I − t tᵀ) and Y_{a+1} = Y_a − t·tᵀ·Y_a. With k factors the predictions are
/// Ŷ = K_c(new, train)·U_k·(T_kᵀ·K_c·U_k)⁻¹·T_kᵀ·Y_c + ȳ; for the linear kernel they equal primal PLS2
/// (scikit-learn's PLSRegression with scale=False).
/// </para>
/// <para>
/// WKPLS as weighted least squares: PLS is a least-squares regression restricted to a Krylov subspace, so instance
/// weights w_i (W1: 1/#class) enter as in any weighted LS problem, min Σ w_i‖y_i − b₀ − Bᵀφ(x_i)‖². The optimal
/// intercept makes the residuals w-weighted-mean zero, i.e. φ and y are centered with the weighted means
/// m = Σ s_i φ(x_i), ȳ = Σ s_i y_i, s = w / Σw; then the objective is ‖W^½(Y_c − Φ_c B)‖², ordinary LS on the
/// rows scaled by √w_i. KPLS is therefore run on K̃ = W^½·K_c·W^½ with K_c = (I − 1sᵀ)·K·(I − s1ᵀ) and
/// Ỹ = W^½·Y_c; the feature-space coefficients are B = Φ_cᵀ·W^½·U·(TᵀK̃U)⁻¹·Tᵀ·Ỹ, so a new instance scores
/// ŷ(x) = k_c(x)ᵀ·W^½·U_k·(T_kᵀ·K̃·U_k)⁻¹·T_kᵀ·Ỹ + ȳ with k_c(x)_j = k(x, x_j) − (K s)_j − k(x)ᵀs + sᵀK s.
/// Uniform weights give plain KPLS (s = 1/n).
/// </para>
/// </summary>
public sealed class KernelPls
{
    private readonly double[] s;          // centering weights, sum 1
    private readonly double[] ks;         // K·s
    private readonly double sks;          // sᵀ·K·s
    private readonly double[] yMean;      // ȳ (L)
    private readonly RealMatrix g;        // W^½·U (n × F)
    private readonly RealMatrix tku;      // Tᵀ·K̃·U (F × F)
    private readonly RealMatrix ty;       // Tᵀ·Ỹ (F × L)

    private KernelPls(double[] s, double[] ks, double sks, double[] yMean, RealMatrix g, RealMatrix tku, RealMatrix ty)
    {
        this.s = s;
        this.ks = ks;
        this.sks = sks;
        this.yMean = yMean;
        this.g = g;
        this.tku = tku;
        this.ty = ty;
    }

    /// <summary>Number of factors extracted (≤ the number asked for: extraction stops when K̃ or Ỹ is exhausted).</summary>
    public int Factors => g.Cols;

    /// <summary>Fits up to <paramref name="maxFactors"/> nested factors.</summary>
    /// <param name="kernel">Training kernel matrix K (n × n, uncentered).</param>
    /// <param name="targets">Targets Y (n × L), e.g. <see cref="TargetCoding.OneVsAll"/>.</param>
    /// <param name="maxFactors">Largest number of latent factors F.</param>
    /// <param name="weights">Instance weights (WKPLS), or null (KPLS).</param>
    public static KernelPls Fit(RealMatrix kernel, RealMatrix targets, int maxFactors, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(targets);
        int n = kernel.Rows;
        int l = targets.Cols;
        if (kernel.Cols != n || targets.Rows != n)
        {
            throw new ArgumentException($"kernel is {kernel.Rows}×{kernel.Cols} and targets {targets.Rows}×{targets.Cols}: expected n×n and n×L");
        }

        if (maxFactors < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFactors), $"{maxFactors} factors: at least 1 is needed");
        }

        var w = new double[n];
        if (weights is null)
        {
            Array.Fill(w, 1.0);
        }
        else
        {
            if (weights.Count != n)
            {
                throw new ArgumentException($"{weights.Count} weights for {n} instances", nameof(weights));
            }

            for (int i = 0; i < n; i++)
            {
                w[i] = weights[i] > 0 && double.IsFinite(weights[i]) ? weights[i] : throw new ArgumentOutOfRangeException(nameof(weights), $"weight {i} = {weights[i]} is not a positive number");
            }
        }

        double wsum = w.Sum();
        var s = w.Select(x => x / wsum).ToArray();
        var sq = w.Select(Math.Sqrt).ToArray();
        var ks = new double[n];
        Parallel.For(0, n, i => ks[i] = ManagedKernelAlgebra.Dot(kernel.Row(i), s));
        double sks = ManagedKernelAlgebra.Dot(ks, s);

        // K̃ = W^½ (K − 1(Ks)ᵀ − (Ks)1ᵀ + sᵀKs) W^½
        var kd = new RealMatrix(n, n);
        Parallel.For(0, n, i =>
        {
            var src = kernel.Row(i);
            var dst = kd.Row(i);
            for (int j = 0; j < n; j++)
            {
                dst[j] = sq[i] * sq[j] * (src[j] - ks[i] - ks[j] + sks);
            }
        });
        var kTilde = kd.Clone();

        var yMean = new double[l];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < l; c++)
            {
                yMean[c] += s[i] * targets[i, c];
            }
        }

        var yd = new RealMatrix(n, l);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < l; c++)
            {
                yd[i, c] = sq[i] * (targets[i, c] - yMean[c]);
            }
        }

        var yTilde = yd.Clone();
        double kScale = Math.Max(1e-300, Trace(kd));
        double yScale = Math.Max(1e-300, FrobeniusSquared(yd));
        var ts = new List<double[]>();
        var us = new List<double[]>();
        for (int a = 0; a < maxFactors; a++)
        {
            var ky = kd.Multiply(yd); // n × L
            var m = Matrix<double>.Build.Dense(l, l);
            for (int p = 0; p < l; p++)
            {
                for (int q = 0; q < l; q++)
                {
                    double v = 0;
                    for (int i = 0; i < n; i++)
                    {
                        v += yd[i, p] * ky[i, q];
                    }

                    m[p, q] = v;
                }
            }

            m = (m + m.Transpose()) * 0.5;
            var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            int top = 0;
            for (int p = 1; p < l; p++)
            {
                if (evd.EigenValues[p].Real > evd.EigenValues[top].Real)
                {
                    top = p;
                }
            }

            if (!(evd.EigenValues[top].Real > 1e-12 * kScale * yScale))
            {
                break; // nothing of Y left in the span of K
            }

            var e = evd.EigenVectors.Column(top);
            var t = new double[n];
            for (int i = 0; i < n; i++)
            {
                double v = 0;
                for (int q = 0; q < l; q++)
                {
                    v += ky[i, q] * e[q];
                }

                t[i] = v;
            }

            Normalize(t);
            var c = new double[l];
            for (int i = 0; i < n; i++)
            {
                for (int q = 0; q < l; q++)
                {
                    c[q] += yd[i, q] * t[i];
                }
            }

            var u = new double[n];
            for (int i = 0; i < n; i++)
            {
                double v = 0;
                for (int q = 0; q < l; q++)
                {
                    v += yd[i, q] * c[q];
                }

                u[i] = v;
            }

            Normalize(u);
            ts.Add(t);
            us.Add(u);

            // Deflation: K ← K − t pᵀ − p tᵀ + (tᵀp) t tᵀ with p = K t; Y ← Y − t (tᵀY) = Y − t cᵀ.
            var pk = new double[n];
            Parallel.For(0, n, i => pk[i] = ManagedKernelAlgebra.Dot(kd.Row(i), t));
            double tp = ManagedKernelAlgebra.Dot(t, pk);
            Parallel.For(0, n, i =>
            {
                var r = kd.Row(i);
                double ai = pk[i] - (tp * t[i]);
                ManagedKernelAlgebra.SubtractTwo(r, t[i], pk, ai, t);
            });
            for (int i = 0; i < n; i++)
            {
                for (int q = 0; q < l; q++)
                {
                    yd[i, q] -= t[i] * c[q];
                }
            }
        }

        int f = ts.Count;
        if (f == 0)
        {
            throw new ArgumentException("no latent factor could be extracted: the centered kernel or targets are zero (a single class?)", nameof(targets));
        }

        var g = new RealMatrix(n, f);
        var kuCols = new double[f][];
        for (int a = 0; a < f; a++)
        {
            for (int i = 0; i < n; i++)
            {
                g[i, a] = sq[i] * us[a][i];
            }

            var ku = new double[n];
            var ua = us[a];
            Parallel.For(0, n, i => ku[i] = ManagedKernelAlgebra.Dot(kTilde.Row(i), ua));
            kuCols[a] = ku;
        }

        var tku = new RealMatrix(f, f);
        var ty = new RealMatrix(f, l);
        for (int a = 0; a < f; a++)
        {
            for (int b = 0; b < f; b++)
            {
                tku[a, b] = ManagedKernelAlgebra.Dot(ts[a], kuCols[b]);
            }

            for (int q = 0; q < l; q++)
            {
                double v = 0;
                for (int i = 0; i < n; i++)
                {
                    v += ts[a][i] * yTilde[i, q];
                }

                ty[a, q] = v;
            }
        }

        return new KernelPls(s, ks, sks, yMean, g, tku, ty);
    }

    /// <summary>
    /// Projections P = K_c(new, train)·W^½·U (m × F) of new instances, computed once and shared by
    /// <see cref="Predict(RealMatrix, int)"/> for every number of factors.
    /// </summary>
    /// <param name="crossKernel">Uncentered kernel of the new instances against the training instances (m × n).</param>
    public RealMatrix Project(RealMatrix crossKernel)
    {
        ArgumentNullException.ThrowIfNull(crossKernel);
        int n = s.Length;
        if (crossKernel.Cols != n)
        {
            throw new ArgumentException($"cross kernel has {crossKernel.Cols} columns, the model has {n} training instances", nameof(crossKernel));
        }

        var centered = new RealMatrix(crossKernel.Rows, n);
        Parallel.For(0, crossKernel.Rows, i =>
        {
            var src = crossKernel.Row(i);
            double kxs = ManagedKernelAlgebra.Dot(src, s);
            var dst = centered.Row(i);
            for (int j = 0; j < n; j++)
            {
                dst[j] = src[j] - ks[j] - kxs + sks;
            }
        });
        return centered.Multiply(g);
    }

    /// <summary>Predictions with the first <paramref name="factors"/> factors from projections made by <see cref="Project"/>.</summary>
    public RealMatrix Predict(RealMatrix projections, int factors)
    {
        ArgumentNullException.ThrowIfNull(projections);
        if (factors < 1 || factors > Factors)
        {
            throw new ArgumentOutOfRangeException(nameof(factors), $"{factors} factors: the model has 1..{Factors}");
        }

        var a = Matrix<double>.Build.Dense(factors, factors, (i, j) => tku[i, j]);
        var b = Matrix<double>.Build.Dense(factors, ty.Cols, (i, j) => ty[i, j]);
        var coef = a.Solve(b); // k × L
        int l = ty.Cols;
        var result = new RealMatrix(projections.Rows, l);
        for (int i = 0; i < projections.Rows; i++)
        {
            for (int q = 0; q < l; q++)
            {
                double v = yMean[q];
                for (int k = 0; k < factors; k++)
                {
                    v += projections[i, k] * coef[k, q];
                }

                result[i, q] = v;
            }
        }

        return result;
    }

    private static void Normalize(double[] v)
    {
        double norm = Math.Sqrt(ManagedKernelAlgebra.Dot(v, v));
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }

    private static double Trace(RealMatrix k)
    {
        double t = 0;
        for (int i = 0; i < k.Rows; i++)
        {
            t += Math.Abs(k[i, i]);
        }

        return t;
    }

    private static double FrobeniusSquared(RealMatrix m) => ManagedKernelAlgebra.Dot(m.Data, m.Data);
}
