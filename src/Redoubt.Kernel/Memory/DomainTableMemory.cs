using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Memory;

// Nested-table frames of one domain: taken from the Free pool (already zero) and marked
// PageTable in the frame table; given back zeroed.
public readonly struct DomainTableMemory<TPhysical> : IPageTableMemory where TPhysical : struct, IPhysicalMemory
{
    private readonly MachineMemory<TPhysical> _machine;
    private readonly ushort _domain;

    public DomainTableMemory(MachineMemory<TPhysical> machine, ushort domain)
    {
        _machine = machine;
        _domain = domain;
    }

    public ulong TablesAvailable => (ulong)_machine.Free.Count;

    public ulong AllocateTable()
    {
        if (_machine.Free.Count == 0)
            return 0;
        ulong frame = _machine.Free.Pop();
        _machine.Frames.Set(frame, FrameState.PageTable, _domain);
        return frame * PageTableEntry.PageSize;
    }

    public void FreeTable(ulong table)
    {
        ulong frame = table / PageTableEntry.PageSize;
        _machine.Physical.Frame(frame).Clear();
        _machine.Frames.Set(frame, FrameState.Free, 0);
        _machine.Free.Push(frame);
    }

    public ulong ReadEntry(ulong table, int index) =>
        System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(_machine.Physical.Frame(table / PageTableEntry.PageSize).Slice(index * 8, 8));

    public void WriteEntry(ulong table, int index, ulong entry) =>
        System.Runtime.InteropServices.MemoryMarshal.Write(_machine.Physical.Frame(table / PageTableEntry.PageSize).Slice(index * 8, 8), in entry);
}
