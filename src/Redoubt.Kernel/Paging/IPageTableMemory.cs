namespace Redoubt.Kernel.Paging;

// The physical memory page-table frames live in, and where new ones come from. The kernel
// implements it over its own identity-mapped memory (host tables) or the frame table (nested
// tables); host tests over a recording fake. Used as a struct type parameter so the compiler
// specialises every call (no interface dispatch in page-table code).
public interface IPageTableMemory
{
    // A zeroed, 4 KiB-aligned frame for a new table, or 0 when none is left.
    ulong AllocateTable();

    // How many tables AllocateTable can still hand out.
    ulong TablesAvailable { get; }

    // Takes back a table frame that no entry references any more.
    void FreeTable(ulong table);

    ulong ReadEntry(ulong table, int index);

    void WriteEntry(ulong table, int index, ulong entry);
}
