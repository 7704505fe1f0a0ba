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
    [InlineData(9, 7, 6373, false)]
    [InlineData(70, 70, 515, true)]
    [InlineData(133, 131, 1031, false)]
    [InlineData(131, 131, 700, true)]
    public void Products_are_the_documented_fixed_order_sums_in_256_and_512_bit_blocks_alike(int n, int m, int d, bool symmetric)
    {
        // Each product is Σ over 256-feature chunks, in order, of ((l₀ + l₁) + (l₂ + l₃)) followed by the chunk's scalar
        // tail, lane q a chain of fused multiply-adds over features q, q + 4, … of the chunk. Written out here in
        // scalars, it must match both register-block widths bit for bit (the 512-bit one runs where AVX-512 does).
        var (a, _) = SyntheticData.Clusters(21, [n], d, 1.0);
        var (b0, _) = SyntheticData.Clusters(22, [m], d, 1.0);
        var b = symmetric ? a : b0;
        var wide = RowInnerProducts.Compute(a, b, symmetric);
        var narrow = RowInnerProducts.Compute(a, b, symmetric, narrow: true);
        for (int i = 0; i < n; i++)
        {
            for (int j = symmetric ? i : 0; j < b.Rows; j++)
            {
                double expected = 0;
                for (int c0 = 0; c0 < d; c0 += RowInnerProducts.Chunk)
                {
                    int len = Math.Min(RowInnerProducts.Chunk, d - c0);
                    var lanes = new double[4];
                    int body = len & ~3;
                    for (int k = 0; k < body; k++)
                    {
                        lanes[k % 4] = Math.FusedMultiplyAdd(a[i, c0 + k], b[j, c0 + k], lanes[k % 4]);
                    }

                    double t = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
                    for (int k = body; k < len; k++)
                    {
                        t = Math.FusedMultiplyAdd(a[i, c0 + k], b[j, c0 + k], t);
                    }

                    expected += t;
                }

                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(wide[i, j]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(narrow[i, j]));
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
