using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Affect.Learning;

/// <summary>
/// A file's bytes mapped read-only into memory, as <see cref="Memory{T}"/> for the parallel table parser: a
/// ComParE train table (≈ 180 MB of CSV) is parsed straight from the page cache instead of being copied into a fresh
/// array first (on a VM every first touch of a fresh page is a costly fault). Dispose to unmap.
/// </summary>
internal sealed unsafe class MappedFileBytes : MemoryManager<byte>
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* start;
    private readonly int length;

    /// <summary>Maps <paramref name="path"/> (at least one byte, at most <see cref="Array.MaxLength"/>).</summary>
    public MappedFileBytes(string path, long length)
    {
        this.length = (int)length;
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        start = p + view.PointerOffset;
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan() => new(start, length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => new(start + elementIndex);

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }
    }
}
