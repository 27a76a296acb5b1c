namespace Redoubt.Kernel.Paging;

// Intel EPT (SDM vol. 3 29.3.2): bit 0 read, 1 write, 2 execute, bits 3-5 memory type on leaves
// (6 = write-back, 0 = uncacheable), bit 7 large page.
public struct EptFormat : IPageTableFormat
{
    private const ulong Read = 1, Write = 2, Execute = 4, Large = 1UL << 7;
    private const ulong WriteBack = 6UL << 3;

    public static bool IsPresent(ulong entry) => (entry & (Read | Write | Execute)) != 0;

    public static bool IsLeaf(ulong entry, int level) => level == 1 || (entry & Large) != 0;

    public static ulong Address(ulong entry) => entry & PageTableEntry.AddressMask;

    public static ulong MakeTable(ulong tableAddress) => tableAddress | Read | Write | Execute;

    public static ulong MakeLeaf(ulong physicalAddress, PageAttributes attributes, int level)
    {
        ulong bits = Read;
        if ((attributes & PageAttributes.Writable) != 0)
            bits |= Write;
        if ((attributes & PageAttributes.Executable) != 0)
            bits |= Execute;
        bits |= (attributes & PageAttributes.Uncached) != 0 ? 0 : WriteBack;
        return physicalAddress | bits | (level > 1 ? Large : 0);
    }

    public static PageAttributes Attributes(ulong entry)
    {
        PageAttributes attributes = PageAttributes.ReadOnly;
        if ((entry & Write) != 0)
            attributes |= PageAttributes.Writable;
        if ((entry & Execute) != 0)
            attributes |= PageAttributes.Executable;
        if ((entry & (7UL << 3)) == 0)
            attributes |= PageAttributes.Uncached;
        return attributes;
    }

    public static int MaxLeafLevel => 3;
}
