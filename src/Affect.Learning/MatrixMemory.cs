using System.Runtime.InteropServices;

namespace Affect.Learning;

/// <summary>
/// Storage for large matrices (tables, kernels) backed by 2 MB transparent huge pages on Linux where the kernel offers
/// them (<c>madvise(MADV_HUGEPAGE)</c> before the first touch). On a VM the first touch of each fresh 4 KB page is a
/// costly fault: a ComParE train table (100 MB) costs about 25 000 of them, 0.2 s of CPU; with huge pages 50, and the
/// kernel products and the tridiagonalization miss the TLB less. Only where pages lie changes, never a value, so
/// elsewhere (or where the advice is refused) the arrays are ordinary ones.
/// </summary>
internal static partial class MatrixMemory
{
    /// <summary>Arrays of at least this many bytes are advised (smaller ones do not span a whole huge page).</summary>
    internal const long AdviseBytes = 4L << 20;

    private const long HugePage = 2L << 20;
    private const int MadvHugePage = 14;

    /// <summary>A zero-filled array of <paramref name="length"/> doubles.</summary>
    public static double[] Zeroed(int length)
    {
        if ((long)length * sizeof(double) < AdviseBytes)
        {
            return new double[length];
        }

        var a = Uninitialized(length);
        Array.Clear(a);
        return a;
    }

    /// <summary>An array of <paramref name="length"/> doubles whose contents are undefined: the caller writes every element.</summary>
    public static double[] Uninitialized(int length)
    {
        if ((long)length * sizeof(double) < AdviseBytes)
        {
            return new double[length];
        }

        var a = GC.AllocateUninitializedArray<double>(length);
        if (OperatingSystem.IsLinux())
        {
            Advise(a);
        }

        return a;
    }

    // The whole huge pages inside the array. Large arrays live on the large object heap, which is not compacted by
    // default; were one ever moved, the advice would merely stay with the old range.
    private static unsafe void Advise(double[] a)
    {
        fixed (double* p = a)
        {
            long start = ((long)p + HugePage - 1) & ~(HugePage - 1);
            long end = (long)(p + a.Length) & ~(HugePage - 1);
            if (end > start)
            {
                _ = Madvise((nint)start, (nuint)(end - start), MadvHugePage); // refused (no THP): ordinary pages
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
