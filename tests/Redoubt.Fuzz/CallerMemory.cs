using System;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Fuzz;

// What a caller can do to its own memory before a hypercall: store bytes wherever its nested
// table maps it writable (Dom0: its frames and the pages VMs share with it; a VM: its pages).
// Bytes aimed at unmapped or read-only pages are dropped, as a real store would fault.
public static class CallerMemory
{
    private const ulong Page = PageTableEntry.PageSize;

    public static void Write(KernelCore<ArrayPhysicalMemory> core, ushort caller, ulong address, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        var table = core.Dom0Table;
        if (caller != KernelCore<ArrayPhysicalMemory>.Dom0)
        {
            if (caller > core.Vms.Length || core.Vms[caller - 1].State == VmState.Free)
                return;
            table = core.VmTable(core.Vms[caller - 1]);
        }
        for (int done = 0; done < bytes.Length;)
        {
            ulong virtualAddress = address + (ulong)done;
            if (virtualAddress < address)
                return;
            int chunk = (int)Math.Min(Page - (virtualAddress & (Page - 1)), (ulong)(bytes.Length - done));
            if (table.Translate(virtualAddress, out ulong physical, out PageAttributes attributes)
                && (attributes & PageAttributes.Writable) != 0)
            {
                bytes.Slice(done, chunk).CopyTo(core.Machine.Physical.Frame(physical / Page).Slice((int)(physical & (Page - 1)), chunk));
            }
            done += chunk;
        }
    }
}
