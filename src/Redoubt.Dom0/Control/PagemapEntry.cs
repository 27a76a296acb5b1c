namespace Redoubt.Dom0.Control;

// One 64-bit entry of /proc/self/pagemap (Linux's Documentation/admin-guide/mm/pagemap.rst):
// the entry for virtual page n is at byte offset 8n. Bit 63 = present in RAM, bit 62 =
// swapped, bits 0-54 = the page frame number when present. Since Linux 4.2 the PFN reads 0
// unless the reader has CAP_SYS_ADMIN. Dom0 is mapped 1:1, so the PFN is also the frame's
// guest-physical address in Redoubt's terms, which hypercall buffers need.
public readonly record struct PagemapEntry(ulong Raw)
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    public const ulong PresentBit = 1UL << 63, SwappedBit = 1UL << 62;
    public const ulong PfnMask = (1UL << 55) - 1;

    public bool Present => (Raw & PresentBit) != 0;
    public bool Swapped => (Raw & SwappedBit) != 0;
    public ulong Pfn => Raw & PfnMask;

    // Where a virtual page's entry is in /proc/self/pagemap.
    public static long FileOffset(ulong virtualAddress) => (long)(virtualAddress >> PageShift) * 8;

    // The physical address of virtualAddress (offset within its page kept), or false and why
    // not: a page not in RAM, or a PFN hidden from a reader without CAP_SYS_ADMIN.
    public bool TryPhysicalAddress(ulong virtualAddress, out ulong physicalAddress, out string? error)
    {
        physicalAddress = 0;
        if (!Present)
        {
            error = Swapped ? "the buffer page is swapped out" : "the buffer page is not present in RAM";
            return false;
        }
        if (Pfn == 0)
        {
            error = "/proc/self/pagemap hides physical addresses: redoubtctl must run as root (CAP_SYS_ADMIN)";
            return false;
        }
        physicalAddress = (Pfn << PageShift) | (virtualAddress & (PageSize - 1));
        error = null;
        return true;
    }
}
