namespace Redoubt.Kernel.Paging;

public enum MapStatus
{
    Success,
    // Address, physical address or length not 4 KiB aligned, or the range wraps.
    Misaligned,
    // Part of the range is mapped already; nothing is overwritten.
    AlreadyMapped,
    // No frame left for a page table.
    OutOfTableFrames,
    // Not a canonical 48-bit virtual address, or the range crosses the canonical hole.
    NonCanonical,
    // Part of the range is not mapped.
    NotMapped,
}
