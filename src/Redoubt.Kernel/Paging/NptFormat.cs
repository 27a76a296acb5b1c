namespace Redoubt.Kernel.Paging;

// AMD nested page tables (APM vol. 2 15.25.5): the x86-64 format, with the user bit set in
// every entry because the CPU checks nested walks as user-mode accesses.
public struct NptFormat : IPageTableFormat
{
    public static bool IsPresent(ulong entry) => X86PageFormat.IsPresent(entry);

    public static bool IsLeaf(ulong entry, int level) => X86PageFormat.IsLeaf(entry, level);

    public static ulong Address(ulong entry) => X86PageFormat.Address(entry);

    public static ulong MakeTable(ulong tableAddress) => X86PageFormat.MakeTable(tableAddress) | PageTableEntry.User;

    public static ulong MakeLeaf(ulong physicalAddress, PageAttributes attributes, int level) =>
        X86PageFormat.MakeLeaf(physicalAddress, attributes, level) | PageTableEntry.User;

    public static PageAttributes Attributes(ulong entry) => X86PageFormat.Attributes(entry);

    public static int MaxLeafLevel => 3;
}
