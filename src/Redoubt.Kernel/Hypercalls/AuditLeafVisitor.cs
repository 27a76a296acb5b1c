using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

// KernelCore.Audit's walk over one nested table. Dom0's (domain 0): every RAM frame it maps is
// at its own address and Dom0's or shared (INV-3), device frames are never executable. A VM's:
// every frame it maps is that VM's, private or shared, at the guest frame the frame table
// records (INV-4, INV-5). Counts the RAM frames it met, so the caller can check "every such
// frame mapped, exactly once". Addresses past the frame table (Dom0's devices) are skipped whole.
internal struct AuditLeafVisitor : ILeafVisitor
{
    private const ulong Page = PageTableEntry.PageSize;

    private readonly FrameTable _frames;
    private readonly ushort _domain;
    public InvariantAudit Audit;
    public ulong RamFramesMapped;

    public AuditLeafVisitor(FrameTable frames, ushort domain, InvariantAudit audit)
    {
        _frames = frames;
        _domain = domain;
        Audit = audit;
        RamFramesMapped = 0;
    }

    public void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes)
    {
        ulong end = physicalAddress + size, limit = _frames.FrameCount * Page;
        if (_domain == 0 && virtualAddress != physicalAddress)
            Audit.Violation(3, physicalAddress / Page);
        for (ulong at = physicalAddress; at < end && at < limit; at += Page)
        {
            ulong frame = at / Page;
            FrameState state = _frames.State(frame);
            if (_domain == 0)
            {
                if (state is FrameState.Dom0 or FrameState.GuestShared)
                    RamFramesMapped++;
                else if (state != FrameState.Mmio || (attributes & PageAttributes.Executable) != 0)
                    Audit.Violation(3, frame);
                continue;
            }
            RamFramesMapped++;
            if (state is not (FrameState.GuestPrivate or FrameState.GuestShared) || _frames.Owner(frame) != _domain
                || _frames.GuestFrame(frame) != (virtualAddress + (at - physicalAddress)) / Page)
                Audit.Violation(4, frame);
        }
    }
}
