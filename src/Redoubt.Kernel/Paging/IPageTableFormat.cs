namespace Redoubt.Kernel.Paging;

// The bits of one paging-structure format. x86-64 host tables and AMD NPT share a format
// (NPT additionally needs the user bit, as the CPU treats nested walks as user accesses);
// Intel EPT differs (read/write/execute bits, memory type). Page-table code is written once over
// a struct implementing this.
public interface IPageTableFormat
{
    static abstract bool IsPresent(ulong entry);

    // A leaf maps a page at level 1, or a 2 MiB / 1 GiB page at level 2 / 3.
    static abstract bool IsLeaf(ulong entry, int level);

    static abstract ulong Address(ulong entry);

    static abstract ulong MakeTable(ulong tableAddress);

    static abstract ulong MakeLeaf(ulong physicalAddress, PageAttributes attributes, int level);

    static abstract PageAttributes Attributes(ulong entry);

    // Largest leaf level supported (3 = 1 GiB pages).
    static abstract int MaxLeafLevel { get; }
}
