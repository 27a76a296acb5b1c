namespace Redoubt.Kernel.Paging;

public struct PageTableAuditResult
{
    // Leaf entries (4 KiB, 2 MiB or 1 GiB pages).
    public ulong Mappings;
    public ulong MappedBytes;
    public ulong ExecutableBytes;
    // Leaf entries both writable and executable; the first one's virtual address.
    public ulong WritableExecutable;
    public ulong FirstWritableExecutable;
}
