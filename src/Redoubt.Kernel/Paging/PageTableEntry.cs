namespace Redoubt.Kernel.Paging;

// Bits of an x86-64 4-level paging entry (Intel SDM vol. 3 4.5; AMD APM vol. 2 5.3).
public static class PageTableEntry
{
    public const ulong Present = 1UL << 0;
    public const ulong Writable = 1UL << 1;
    public const ulong User = 1UL << 2;
    public const ulong WriteThrough = 1UL << 3;
    public const ulong CacheDisable = 1UL << 4;
    public const ulong Accessed = 1UL << 5;
    public const ulong Dirty = 1UL << 6;
    public const ulong LargePage = 1UL << 7;
    public const ulong Global = 1UL << 8;
    public const ulong NoExecute = 1UL << 63;
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    public const int EntriesPerTable = 512;
    public const ulong PageSize = 4096;
    public const ulong LargePageSize = 2UL << 20;
    public const ulong HugePageSize = 1UL << 30;

    public static bool IsPresent(ulong entry) => (entry & Present) != 0;

    public static ulong LeafBits(PageAttributes attributes)
    {
        ulong bits = Present;
        if ((attributes & PageAttributes.Writable) != 0)
            bits |= Writable;
        if ((attributes & PageAttributes.Executable) == 0)
            bits |= NoExecute;
        if ((attributes & PageAttributes.Uncached) != 0)
            bits |= CacheDisable | WriteThrough;
        return bits;
    }

    public static PageAttributes AttributesOf(ulong entry)
    {
        PageAttributes attributes = PageAttributes.ReadOnly;
        if ((entry & Writable) != 0)
            attributes |= PageAttributes.Writable;
        if ((entry & NoExecute) == 0)
            attributes |= PageAttributes.Executable;
        if ((entry & CacheDisable) != 0)
            attributes |= PageAttributes.Uncached;
        return attributes;
    }

    public static ulong Address(ulong entry) => entry & AddressMask;

    // Index into the table at level (4 = PML4 ... 1 = PT) for a virtual address.
    public static int Index(ulong virtualAddress, int level) => (int)((virtualAddress >> (12 + 9 * (level - 1))) & 511);

    // Bytes one entry maps at a level: 4 KiB at level 1, 2 MiB at 2, 1 GiB at 3.
    public static ulong SpanOfEntry(int level) => 1UL << (12 + 9 * (level - 1));
}
