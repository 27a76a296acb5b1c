using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Tests.Paging;

// IPageTableMemory over a TableStore.
public readonly struct RecordingTableMemory : IPageTableMemory
{
    public RecordingTableMemory(TableStore store) { Store = store; }

    public TableStore Store { get; }

    public ulong AllocateTable() => Store.Allocate();

    public ulong TablesAvailable => Store.Available;

    public void FreeTable(ulong table) => Store.Free(table);

    public ulong ReadEntry(ulong table, int index) => Store.Read(table, index);

    public void WriteEntry(ulong table, int index, ulong entry) => Store.Write(table, index, entry);
}
