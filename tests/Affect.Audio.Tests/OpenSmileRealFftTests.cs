using Affect.Audio.Dsp;

namespace Affect.Audio.Tests;

public sealed class OpenSmileRealFftTests
{
    /// <summary>Deterministic 16-bit-like samples (a 32-bit LCG, as the C oracle that produced the golden bits used).</summary>
    private static float[] LcgFrame(int size, int filled, uint seed)
    {
        var x = new float[size];
        uint state = seed;
        for (int i = 0; i < filled; i++)
        {
            state = unchecked((state * 1103515245u) + 12345u);
            x[i] = (short)(state >> 16) / 32768f;
        }

        return x;
    }

    /// <summary>FNV-1a 64 over the little-endian bytes of every float's bit pattern.</summary>
    private static ulong BitHash(ReadOnlySpan<float> values)
    {
        ulong hash = 14695981039346656037UL;
        foreach (float v in values)
        {
            uint bits = BitConverter.SingleToUInt32Bits(v);
            for (int b = 0; b < 4; b++)
            {
                hash ^= (bits >> (8 * b)) & 0xFF;
                hash = unchecked(hash * 1099511628211UL);
            }
        }

        return hash;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(4096)]
    public void AgreesWithTheDoubleDftWithinFloatPrecision(int size)
    {
        var rng = new Random(size);
        var fft = new OpenSmileRealFft(size);
        for (int trial = 0; trial < 5; trial++)
        {
            var x = new float[size];
            double scale = Math.Pow(10, rng.Next(-4, 5));
            for (int i = 0; i < size; i++)
            {
                x[i] = (float)(((rng.NextDouble() * 2) - 1) * scale);
            }

            var (expectedRe, expectedIm) = DirectDft(x);

            float[] packed = (float[])x.Clone();
            fft.Forward(packed);
            var re = new float[fft.BinCount];
            var im = new float[fft.BinCount];
            OpenSmileRealFft.Unpack(packed, re, im);

            double maxMagnitude = 0;
            for (int k = 0; k < fft.BinCount; k++)
            {
                maxMagnitude = Math.Max(maxMagnitude, Math.Sqrt((expectedRe[k] * expectedRe[k]) + (expectedIm[k] * expectedIm[k])));
            }

            for (int k = 0; k < fft.BinCount; k++)
            {
                double error = Math.Max(Math.Abs(re[k] - expectedRe[k]), Math.Abs(im[k] - expectedIm[k]));
                Assert.True(error <= 1e-5 * maxMagnitude, $"size {size}, trial {trial}, bin {k}: error {error}, max |X| {maxMagnitude}");
            }
        }
    }

    /// <summary>X[k] = Σ x[j]·e^(−2πijk/N) for k = 0..N/2, summed directly in double (twiddles from one table of N angles).</summary>
    private static (double[] Re, double[] Im) DirectDft(float[] x)
    {
        int n = x.Length;
        var cos = new double[n];
        var sin = new double[n];
        for (int m = 0; m < n; m++)
        {
            cos[m] = Math.Cos(2 * Math.PI * m / n);
            sin[m] = Math.Sin(2 * Math.PI * m / n);
        }

        var re = new double[(n / 2) + 1];
        var im = new double[(n / 2) + 1];
        for (int k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                int m = (int)((long)j * k % n);
                sr += x[j] * cos[m];
                si -= x[j] * sin[m];
            }

            re[k] = sr;
            im[k] = si;
        }

        return (re, im);
    }

    [Fact]
    public void PackedLayoutFollowsOouraConvention()
    {
        // x[j] = cos(2π·5j/N) + sin(2π·3j/N) + 0.25 + 0.5·(−1)^j: R[5] = N/2, I[3] = +N/2 (Ooura's sign), R[0] = N/4,
        // R[N/2] = N/2, everything else ≈ 0.
        const int n = 64;
        var x = new float[n];
        for (int j = 0; j < n; j++)
        {
            x[j] = (float)(Math.Cos(2 * Math.PI * 5 * j / n) + Math.Sin(2 * Math.PI * 3 * j / n) + 0.25 + (0.5 * (j % 2 == 0 ? 1 : -1)));
        }

        new OpenSmileRealFft(n).Forward(x);

        Assert.Equal(n / 4.0, x[0], 4);
        Assert.Equal(n / 2.0, x[1], 4);
        Assert.Equal(n / 2.0, x[2 * 5], 4);
        Assert.Equal(n / 2.0, x[(2 * 3) + 1], 4);
        for (int i = 2; i < n; i++)
        {
            if (i != 2 * 5 && i != (2 * 3) + 1)
            {
                Assert.True(Math.Abs(x[i]) < 1e-4, $"a[{i}] = {x[i]}");
            }
        }

        var re = new float[(n / 2) + 1];
        var im = new float[(n / 2) + 1];
        OpenSmileRealFft.Unpack(x, re, im);
        Assert.Equal(-n / 2.0, im[3], 4); // e^(−iωt) convention: sin gives a negative imaginary part
        Assert.Equal(n / 2.0, re[n / 2], 4);
        Assert.Equal(0f, im[0]);
        Assert.Equal(0f, im[n / 2]);
    }

    // Golden bits: produced by openSMILE 3's src/dspcore/fftsg.c (FLOAT_TYPE_FFT = float), rdft(n, 1, a, ip, w),
    // compiled with gcc 12.2 -O2 on x86-64 (also identical at -O3; no -ffast-math, no -march), on the same LCG input.
    [Theory]
    [InlineData(512, 320, 1u, 0x472b354b68d95a8dUL, new[] { 0, 1, 2, 3, 10, 11, 101, 256, 257, 510, 511 }, new[] { 0xC14E9CE0u, 0x3E7FA800u, 0x41029CDEu, 0x4033A2F4u, 0xC025828Du, 0x4030E986u, 0x3EA99010u, 0x3F3D9E00u, 0x415142C0u, 0x41153E1Au, 0x3FBF1BA2u })]
    [InlineData(1024, 1024, 2u, 0x2df5d46ec0974906UL, new[] { 0, 1, 2, 3, 10, 11, 101, 512, 513, 1022, 1023 }, new[] { 0x3F0C4200u, 0x40962DC0u, 0xC159B5F8u, 0x406D9370u, 0xBFFA4384u, 0x40F9C42Eu, 0xC1A0E7A3u, 0x3FC80000u, 0xC0719780u, 0xC1C80821u, 0xBF5430A8u })]
    [InlineData(4096, 4096, 3u, 0x749f9f4e4ffa279fUL, new[] { 0, 1, 2, 3, 10, 11, 101, 2048, 2049, 4094, 4095 }, new[] { 0xC1317160u, 0xC2081338u, 0x401DA580u, 0x42075155u, 0x41C6386Fu, 0xC12ABE7Au, 0xC12E9DDFu, 0x41EEB770u, 0x424C0940u, 0xC0504080u, 0x421C6EB2u })]
    public void ReproducesOpenSmileFloatBitsExactly(int size, int filled, uint seed, ulong expectedHash, int[] indices, uint[] expectedBits)
    {
        float[] a = LcgFrame(size, filled, seed);

        new OpenSmileRealFft(size).Forward(a);

        for (int i = 0; i < indices.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToUInt32Bits(a[indices[i]]) == expectedBits[i],
                $"a[{indices[i]}] = 0x{BitConverter.SingleToUInt32Bits(a[indices[i]]):X8}, expected 0x{expectedBits[i]:X8}");
        }

        Assert.Equal(expectedHash, BitHash(a));
    }

    [Fact]
    public void SharedInstanceGivesIdenticalBitsAcrossThreads()
    {
        var fft = new OpenSmileRealFft(1024);
        float[] expected = LcgFrame(1024, 1024, 7);
        fft.Forward(expected);
        ulong expectedHash = BitHash(expected);

        Parallel.For(0, 64, _ =>
        {
            float[] a = LcgFrame(1024, 1024, 7);
            fft.Forward(a);
            Assert.Equal(expectedHash, BitHash(a));
        });
    }

    [Theory]
    [InlineData(-8)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(1000)]
    public void RejectsSizesThatAreNotPowersOfTwoFromFour(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenSmileRealFft(size));
    }

    [Fact]
    public void ForwardRejectsSpansOfTheWrongLength()
    {
        var fft = new OpenSmileRealFft(64);
        Assert.Throws<ArgumentException>(() => fft.Forward(new float[63]));
        Assert.Throws<ArgumentException>(() => fft.Forward(new float[128]));
        Assert.Throws<ArgumentException>(() => fft.Forward(Span<float>.Empty));
    }

    [Fact]
    public void UnpackRejectsBadLengths()
    {
        Assert.Throws<ArgumentException>(() => OpenSmileRealFft.Unpack(new float[48], new float[25], new float[25]));
        Assert.Throws<ArgumentException>(() => OpenSmileRealFft.Unpack(new float[2], new float[2], new float[2]));
        Assert.Throws<ArgumentException>(() => OpenSmileRealFft.Unpack(new float[64], new float[32], new float[33]));
        Assert.Throws<ArgumentException>(() => OpenSmileRealFft.Unpack(new float[64], new float[33], new float[32]));
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(5, 8)]
    [InlineData(320, 512)]
    [InlineData(512, 512)]
    public void NextPowerOfTwoIsTheFrameSizeOpenSmilePadsTo(int frame, int size) => Assert.Equal(size, OpenSmileRealFft.NextPowerOfTwo(frame));
}
