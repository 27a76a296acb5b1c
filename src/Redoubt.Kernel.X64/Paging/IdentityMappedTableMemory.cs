using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.X64.Paging;

// Page-table frames reached at their physical addresses: the kernel runs identity-mapped, and
// every table frame comes from TableFramePool, inside the image's mapped data.
// Safe: table addresses come only from TableFramePool or from entries this code wrote, and
// index is 0..511 (PageTable derives it from 9 address bits).
internal struct IdentityMappedTableMemory : IPageTableMemory
{
    public ulong AllocateTable() => TableFramePool.Allocate();

    public ulong TablesAvailable => TableFramePool.Capacity - TableFramePool.Used;

    // The kernel's own tables are never taken apart.
    public void FreeTable(ulong table) { }

    public unsafe ulong ReadEntry(ulong table, int index) => ((ulong*)table)[index];

    public unsafe void WriteEntry(ulong table, int index, ulong entry) => ((ulong*)table)[index] = entry;
}
