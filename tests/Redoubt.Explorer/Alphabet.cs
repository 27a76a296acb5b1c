using System.Collections.Generic;
using Redoubt.Abi;

namespace Redoubt.Explorer;

// The fixed set of calls the explorer tries in every state: each hypercall with a few argument
// values, valid ones (slots that get filled, Dom0 frames, guest pages) and invalid ones (empty
// or out-of-range slots, hypervisor, table-pool and absent frames, misaligned addresses, zero
// and huge counts, unknown flags, too-short buffers), from Dom0, from the VMs and from a domain
// that does not exist. Order matters only for which of two equally short failing sequences is
// reported.
public static class Alphabet
{
    private const ulong Page = TinyMachine.PageSize;
    private const ulong D = TinyMachine.FirstDom0Frame;
    private const ulong H = TinyMachine.HypervisorFrame;
    private const ulong P = TinyMachine.PoolFrame;
    private const ulong B = TinyMachine.BufferFrame;
    private const ulong S = TinyMachine.StateFrame;
    private const ulong Huge = 1UL << 40;
    private const ulong OtherGiB = 0x4000_0000;
    private const ushort Dom0 = 0, Vm1 = 1, Vm2 = 2, NoSuchDomain = 3;

    public static IReadOnlyList<Call> Calls { get; } = Build();

    private static List<Call> Build()
    {
        var calls = new List<Call>();
        void Add(ushort caller, Hypercall call, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0) =>
            calls.Add(Call.Of(caller, call, a0, a1, a2, a3, a4));

        Add(Dom0, Hypercall.Info);
        Add(Dom0, Hypercall.Info, B, InfoRecord.Size);
        Add(Dom0, Hypercall.Info, H, InfoRecord.Size);
        // Into the first Dom0 frame: Dom0's own, a VM's shared page (allowed) or private (not).
        Add(Dom0, Hypercall.Info, D, InfoRecord.Size);
        Add(Dom0, Hypercall.VmCreate);
        foreach (ulong slot in new ulong[] { 0, 1, 7 })
            Add(Dom0, Hypercall.VmDestroy, slot);

        // Donate: two Dom0 ranges, one or two pages, at guest page 0 or 1, to either VM slot.
        foreach (ulong slot in new ulong[] { 0, 1 })
            foreach (ulong host in new[] { D, D + 2 * Page })
                foreach (ulong pages in new ulong[] { 1, 2 })
                    foreach (ulong gpa in new ulong[] { 0, Page })
                        Add(Dom0, Hypercall.MemDonate, slot, host, pages, gpa);
        Add(Dom0, Hypercall.MemDonate, 7, D, 1, 0);
        // Through a derived capability (CapDerive fills slot 1 or 2), with or without Donate.
        Add(Dom0, Hypercall.MemDonate, 2, D + 4 * Page, 1, 2 * Page);
        foreach (ulong host in new[] { H, P, TinyMachine.BeyondMemory, D + 0x10 })
            Add(Dom0, Hypercall.MemDonate, 0, host, 1, 0);
        foreach (ulong pages in new ulong[] { 0, Huge })
            Add(Dom0, Hypercall.MemDonate, 0, D, pages, 0);
        foreach (ulong gpa in new ulong[] { 0x10, OtherGiB })
            Add(Dom0, Hypercall.MemDonate, 0, D, 1, gpa);

        foreach (ulong slot in new ulong[] { 0, 1 })
            foreach (ulong gpa in new ulong[] { 0, Page })
                foreach (ulong pages in new ulong[] { 1, 2 })
                    Add(Dom0, Hypercall.MemReclaim, slot, gpa, pages);
        Add(Dom0, Hypercall.MemReclaim, 7, 0, 1);
        Add(Dom0, Hypercall.MemReclaim, 0, 0, 0);
        Add(Dom0, Hypercall.MemReclaim, 0, 0, Huge);
        Add(Dom0, Hypercall.MemReclaim, 0, 0x10, 1);

        // Load: the state page or the buffer page into guest page 0; then malformed loads.
        foreach (ulong slot in new ulong[] { 0, 1 })
            foreach (ulong source in new[] { S, B })
                Add(Dom0, Hypercall.VmLoad, slot, 0, source, Page, (ulong)PageMeasureFlags.Executable);
        // Read-only and executable: the VM may no longer write the page (its own buffers there fail).
        Add(Dom0, Hypercall.VmLoad, 0, 0, S, Page, (ulong)PageMeasureFlags.All);
        Add(Dom0, Hypercall.VmLoad, 0, 0, S, 0, 0);
        Add(Dom0, Hypercall.VmLoad, 0, 0, S, 0x800, 0);
        Add(Dom0, Hypercall.VmLoad, 0, 0, S, Page, 4);
        Add(Dom0, Hypercall.VmLoad, 0, 0, H, Page, 0);
        // From the first Dom0 frame, which may be another VM's shared page by then.
        Add(Dom0, Hypercall.VmLoad, 1, 0, D, Page, 0);
        Add(Dom0, Hypercall.VmLoad, 0, 0, S, 2 * Page, 0);

        foreach (ulong slot in new ulong[] { 0, 1, 7 })
            Add(Dom0, Hypercall.VmFinalize, slot);
        foreach (ulong slot in new ulong[] { 0, 1 })
            Add(Dom0, Hypercall.VcpuCreate, slot);

        // vCPU capabilities land in the first free slot: 1, 2 or 3.
        foreach (ulong slot in new ulong[] { 1, 2, 3 })
            Add(Dom0, Hypercall.VcpuSetState, slot, S, VcpuState.Size);
        Add(Dom0, Hypercall.VcpuSetState, 1, H, VcpuState.Size);
        Add(Dom0, Hypercall.VcpuSetState, 1, S, 0);
        Add(Dom0, Hypercall.VcpuSetState, 1, B, VcpuState.Size);
        foreach (ulong slot in new ulong[] { 1, 2 })
            Add(Dom0, Hypercall.VcpuRun, slot, B, ExitMessage.Size);
        foreach (ulong slot in new ulong[] { 0, 1 })
            Add(Dom0, Hypercall.VmReport, slot, B, CvmReport.Size);
        Add(Dom0, Hypercall.VmReport, 0, H, CvmReport.Size);

        foreach (ulong slot in new ulong[] { 0, 1 })
        {
            Add(Dom0, Hypercall.CapDerive, slot, (ulong)VmRights.All);
            Add(Dom0, Hypercall.CapDerive, slot, (ulong)VmRights.Donate);
        }
        Add(Dom0, Hypercall.CapDerive, 7, ~0UL);
        Add(Dom0, Hypercall.CapDerive, 2, ~0UL);
        // Through whatever slot 2 holds: a derived VM capability, a vCPU, or nothing.
        Add(Dom0, Hypercall.VmFinalize, 2);
        Add(Dom0, Hypercall.MemReclaim, 2, 0, 1);
        Add(Dom0, Hypercall.VmDestroy, 2);
        Add(Dom0, Hypercall.VcpuRun, 3, B, ExitMessage.Size);
        foreach (ulong slot in new ulong[] { 0, 1, 2, 3 })
            Add(Dom0, Hypercall.CapRevoke, slot);
        calls.Add(new Call(Dom0, 0x999));
        Add(Dom0, Hypercall.MemShare, 0, 0, 1);

        // The VMs themselves: sharing (only they hold Share), and what they may not do.
        foreach (ulong gpa in new ulong[] { 0, Page })
            foreach (ulong pages in new ulong[] { 1, 2 })
            {
                Add(Vm1, Hypercall.MemShare, 0, gpa, pages);
                Add(Vm1, Hypercall.MemUnshare, 0, gpa, pages);
            }
        Add(Vm2, Hypercall.MemShare, 0, 0, 1);
        Add(Vm2, Hypercall.MemUnshare, 0, 0, 1);
        Add(Vm2, Hypercall.MemShare, 0, 0, 2);
        Add(Vm1, Hypercall.VmCreate);
        Add(Vm1, Hypercall.VmDestroy, 0);
        Add(Vm1, Hypercall.MemDonate, 0, D, 1, 0);
        Add(Vm1, Hypercall.MemReclaim, 0, 0, 1);
        Add(Vm1, Hypercall.Info, 0, InfoRecord.Size);
        Add(Vm1, Hypercall.VmReport, 0, Page, CvmReport.Size);
        Add(Vm2, Hypercall.Info, 0, InfoRecord.Size);
        Add(Vm1, Hypercall.VcpuCreate, 0);
        // A VM building itself from its own memory: a vCPU state from page 0 (as loaded from the
        // state page), an image page copied from page 0 to page 1.
        Add(Vm1, Hypercall.VcpuSetState, 1, 0, VcpuState.Size);
        Add(Vm1, Hypercall.VmLoad, 0, Page, 0, Page, 0);
        Add(NoSuchDomain, Hypercall.Info);
        return calls;
    }
}
