using System;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// Reads the guest's code at RIP (up to 15 bytes) the way the CPU fetched it: CS base + RIP
// outside 64-bit mode, through the guest's page tables, then the VM's nested table. Stops at
// the first byte that is not mapped.
// Safe: v is the exiting vCPU's own VMCB; guest memory is read only through the kernel core's
// frames of this VM.
internal static unsafe class GuestCode
{
    private const ulong EferLongModeActive = 1UL << 10;

    public static int Fetch(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, byte* v, Span<byte> code)
    {
        var reader = new NestedReader(core, vm);
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        ulong linear = *(ulong*)(v + Vmcb.Rip) + (longMode ? 0 : *(ulong*)(v + Vmcb.Cs + 8));
        ulong cr0 = *(ulong*)(v + Vmcb.Cr0), cr3 = *(ulong*)(v + Vmcb.Cr3), cr4 = *(ulong*)(v + Vmcb.Cr4), efer = *(ulong*)(v + Vmcb.Efer);
        // One translation per page the bytes touch (at most two).
        for (int i = 0; i < code.Length;)
        {
            ulong address = linear + (ulong)i;
            if (!GuestPageWalk.Translate(reader, cr0, cr3, cr4, efer, address, out ulong guestPhysical)
                || !reader.TryTranslate(guestPhysical, out ulong physical))
                return i;
            int offset = (int)(physical & 0xFFF);
            int chunk = Math.Min(4096 - offset, code.Length - i);
            core.Machine.Physical.Frame(physical / 4096).Slice(offset, chunk).CopyTo(code.Slice(i));
            i += chunk;
        }
        return code.Length;
    }

    private readonly struct NestedReader : IGuestPhysicalReader
    {
        private readonly KernelCore<RangePhysicalMemory> _core;
        private readonly VirtualMachine _vm;

        public NestedReader(KernelCore<RangePhysicalMemory> core, VirtualMachine vm)
        {
            _core = core;
            _vm = vm;
        }

        public bool TryReadQword(ulong guestPhysical, out ulong value)
        {
            value = 0;
            if ((guestPhysical & 7) != 0 || !_core.VmTable(_vm).Translate(guestPhysical, out ulong physical, out _))
                return false;
            Span<byte> frame = _core.Machine.Physical.Frame(physical / 4096);
            int offset = (int)(physical & 0xFFF);
            for (int i = 7; i >= 0; i--)
                value = (value << 8) | frame[offset + i];
            return true;
        }

        public bool TryTranslate(ulong guestPhysical, out ulong physical) => _core.VmTable(_vm).Translate(guestPhysical, out physical, out _);
    }
}
