using System;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    // Checks the memory invariants of docs/spec/invariants.md over the whole state, between
    // calls (under the core lock): INV-1 the counts, INV-2 the free pool (every pooled frame
    // Free, as many as there are Free frames, each all zero), INV-3 to INV-5 every nested table's
    // leaves against the frame table, and every Dom0, shared and VM frame mapped, INV-6 table
    // frames counted, INV-8 no Zeroing frame. The image runs it on request (redoubt.audit=1);
    // the host tests compare it with their own checker. Reads only; allocates nothing.
    public InvariantAudit Audit()
    {
        var audit = new InvariantAudit();
        FrameTable frames = _machine.Frames;
        Span<ulong> counts = stackalloc ulong[8];
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            FrameState state = frames.State(frame);
            counts[(int)state]++;
            if (state == FrameState.Free && !ByteSpans.IsZero(_machine.Physical.Frame(frame)))
                audit.Violation(2, frame);
            if (state == FrameState.Zeroing)
                audit.Violation(8, frame);
        }
        audit.FramesChecked = frames.FrameCount;
        for (int state = 0; state < counts.Length; state++)
        {
            if (counts[state] != frames.Counts[state])
                audit.Violation(1, (ulong)state);
        }
        if ((ulong)_machine.Free.Count != counts[(int)FrameState.Free])
            audit.Violation(2, (ulong)_machine.Free.Count);
        foreach (ulong frame in _machine.Free.Frames)
        {
            if (frame >= frames.FrameCount || frames.State(frame) != FrameState.Free)
                audit.Violation(2, frame);
        }

        var dom0 = new AuditLeafVisitor(frames, Dom0, audit);
        _dom0Table.VisitLeaves(ref dom0);
        audit = dom0.Audit;
        if (dom0.RamFramesMapped != counts[(int)FrameState.Dom0] + counts[(int)FrameState.GuestShared])
            audit.Violation(3, dom0.RamFramesMapped);
        ulong tables = _dom0Table.CountTables(), guestFrames = 0;
        foreach (VirtualMachine vm in _vms)
        {
            if (vm.State == VmState.Free)
                continue;
            var table = VmTable(vm);
            var visitor = new AuditLeafVisitor(frames, vm.Domain, audit);
            table.VisitLeaves(ref visitor);
            audit = visitor.Audit;
            guestFrames += visitor.RamFramesMapped;
            tables += table.CountTables();
        }
        if (guestFrames != counts[(int)FrameState.GuestPrivate] + counts[(int)FrameState.GuestShared])
            audit.Violation(4, guestFrames);
        if (tables != counts[(int)FrameState.PageTable])
            audit.Violation(6, tables);
        return audit;
    }
}
