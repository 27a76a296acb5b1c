using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

// Marks every frame a VM's nested table maps as Zeroing: on its way back to Dom0, not yet
// scrubbed. Neither the VM (its translation is removed next) nor Dom0 may use it meanwhile.
internal struct MarkZeroingVisitor : ILeafVisitor
{
    private readonly FrameTable _frames;
    private readonly ushort _domain;

    public MarkZeroingVisitor(FrameTable frames, ushort domain)
    {
        _frames = frames;
        _domain = domain;
    }

    public void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes)
    {
        for (ulong offset = 0; offset < size; offset += PageTableEntry.PageSize)
        {
            ulong frame = (physicalAddress + offset) / PageTableEntry.PageSize;
            _frames.Set(frame, FrameState.Zeroing, _domain, (virtualAddress + offset) / PageTableEntry.PageSize);
        }
    }
}
