namespace Redoubt.Kernel.Paging;

// The physical memory page-table frames live in. The kernel implements it over its own
// identity-mapped memory; host tests over a recording fake. Used as a struct type parameter so
// the compiler specialises every call (no interface dispatch in page-table code).
public interface IPageTableMemory
{
    // A zeroed, 4 KiB-aligned frame for a new table, or 0 when none is left.
    ulong AllocateTable();

    ulong ReadEntry(ulong table, int index);

    void WriteEntry(ulong table, int index, ulong entry);
}
