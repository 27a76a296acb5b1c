namespace Redoubt.Kernel.Paging;

// x86-64 4-level paging (Intel SDM vol. 3 4.5, AMD APM vol. 2 5.3) for Redoubt's own tables.
public struct X86PageFormat : IPageTableFormat
{
    public static bool IsPresent(ulong entry) => (entry & PageTableEntry.Present) != 0;

    public static bool IsLeaf(ulong entry, int level) => level == 1 || (entry & PageTableEntry.LargePage) != 0;

    // For 2 MiB / 1 GiB leaves the caller masks the low bits (bit 12 is PAT there).
    public static ulong Address(ulong entry) => entry & PageTableEntry.AddressMask;

    // Intermediate entries allow everything; the leaf alone decides.
    public static ulong MakeTable(ulong tableAddress) => tableAddress | PageTableEntry.Present | PageTableEntry.Writable;

    public static ulong MakeLeaf(ulong physicalAddress, PageAttributes attributes, int level) =>
        physicalAddress | PageTableEntry.LeafBits(attributes) | (level > 1 ? PageTableEntry.LargePage : 0);

    public static PageAttributes Attributes(ulong entry) => PageTableEntry.AttributesOf(entry);

    // 2 MiB: every long-mode CPU has it; 1 GiB pages need CPUID 8000_0001h EDX[26], which
    // QEMU's default CPU model lacks, and Redoubt's own tables do not need them.
    public static int MaxLeafLevel => 2;
}
