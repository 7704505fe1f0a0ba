using Affect.Learning;

namespace Affect.Learning.Tests;

/// <summary>
/// The managed kernel algebra sums in a fixed order (four fused multiply-add lanes per cache chunk), so its results
/// must not depend on how rows fall into register blocks, panels or threads, and must equal plain sums to rounding.
/// </summary>
public sealed class KernelAlgebraOrderTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 3)]
    [InlineData(7, 2, 257)]
    [InlineData(70, 9, 515)]
    [InlineData(130, 67, 6373)]
    public void Products_equal_plain_sums_and_gram_equals_cross_bit_for_bit(int n, int m, int d)
    {
        var (a, _) = SyntheticData.Clusters(11, [n], d, 1.0);
        var (b, _) = SyntheticData.Clusters(12, [m], d, 1.0);
        var algebra = ManagedKernelAlgebra.Instance;
        var cross = algebra.CrossProducts(a, b);
        var plain = new RealMatrix(n, m);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    s += a[i, k] * b[j, k];
                }

                plain[i, j] = s;
            }
        }

        Assert.True(SyntheticData.MaxRelative(cross, plain) < 1e-12);

        // The Gram path computes only j ≥ i, in other blocks than the cross path: same order, so the same bits.
        var gram = algebra.Gram(a);
        var self = algebra.CrossProducts(a, a);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(self[Math.Min(i, j), Math.Max(i, j)]), BitConverter.DoubleToInt64Bits(gram[i, j]));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(33)]
    [InlineData(97)]
    public void Tridiagonalization_reconstructs_every_order_and_repeats_bit_for_bit(int n)
    {
        var (x, _) = SyntheticData.Clusters(5, [n], 40, 1.0);
        var a = ManagedKernelAlgebra.Instance.Gram(x);
        var red = SymmetricTridiagonalization.Compute(a);
        var again = SymmetricTridiagonalization.Compute(a);
        Assert.Equal(red.Diagonal, again.Diagonal);
        Assert.Equal(red.OffDiagonal, again.OffDiagonal);

        // Q·T·Qᵀ = A: T·(Qᵀ·I) then Q·(...).
        var tq = new RealMatrix(n, n);
        for (int i = 0; i < n; i++)
        {
            tq[i, i] = 1;
        }

        red.ApplyTransposeQ(tq);
        var tt = new RealMatrix(n, n);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double v = red.Diagonal[i] * tq[i, j];
                v += i > 0 ? red.OffDiagonal[i - 1] * tq[i - 1, j] : 0;
                v += i + 1 < n ? red.OffDiagonal[i] * tq[i + 1, j] : 0;
                tt[i, j] = v;
            }
        }

        red.ApplyQ(tt);
        Assert.True(SyntheticData.MaxRelative(tt, a) < 1e-12, $"n = {n}");
    }
}
