using System.Runtime.CompilerServices;
using System;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// Reads the guest's code at RIP (up to 15 bytes) the way the CPU fetched it: CS base + RIP
// outside 64-bit mode, through the guest's page tables, then the VM's nested table. Stops at
// the first byte that is not mapped. Nested translations come through the vCPU's cache.
// Safe: v is the exiting vCPU's own VMCB; guest memory is read only through the kernel core's
// frames of this VM.
// No local is read before it is written: SkipLocalsInit only spares the exit path zeroing.
[SkipLocalsInit]
internal static unsafe class GuestCode
{
    private const ulong EferLongModeActive = 1UL << 10, Cr0Paging = 1UL << 31;

    // The code bytes: a view of the guest's own page when the 15 bytes lie within it (the usual
    // case, no copy), else a copy into scratch across the page boundary, shorter where the
    // bytes stop being mapped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Fetch(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, NestedTranslationCache cache, byte* v, byte[] scratch)
    {
        // Inline fast path: paging off (linear = guest-physical), the page of the last
        // translation, all 15 bytes within it.
        if ((*(ulong*)(v + Vmcb.Cr0) & Cr0Paging) == 0)
        {
            ulong linear = (*(ulong*)(v + Vmcb.Rip) + *(ulong*)(v + Vmcb.Cs + 8)) & 0xFFFF_FFFF;
            if ((linear & 0xFFF) <= 4096 - InstructionLength.MaxLength && cache.TryLast(linear & ~0xFFFUL, out ulong hostPage))
                return new ReadOnlySpan<byte>((void*)RangePhysicalMemory.KernelAddress(hostPage + (linear & 0xFFF)), InstructionLength.MaxLength);
        }
        return FetchWalked(core, vm, cache, v, new Span<byte>(scratch));
    }

    // Every other case: the walk of the guest's own tables and the copy, by GuestPageWalk.
    private static ReadOnlySpan<byte> FetchWalked(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, NestedTranslationCache cache, byte* v, Span<byte> scratch)
    {
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        ulong linear = *(ulong*)(v + Vmcb.Rip) + (longMode ? 0 : *(ulong*)(v + Vmcb.Cs + 8));
        int fetched = GuestPageWalk.Fetch(new NestedReader(core, vm, cache), *(ulong*)(v + Vmcb.Cr0), *(ulong*)(v + Vmcb.Cr3),
            *(ulong*)(v + Vmcb.Cr4), *(ulong*)(v + Vmcb.Efer), linear, scratch);
        return scratch.Slice(0, fetched);
    }

    private readonly struct NestedReader : IGuestPhysicalReader
    {
        private readonly KernelCore<RangePhysicalMemory> _core;
        private readonly VirtualMachine _vm;
        private readonly NestedTranslationCache _cache;

        public NestedReader(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, NestedTranslationCache cache)
        {
            _core = core;
            _vm = vm;
            _cache = cache;
        }

        public bool TryReadQword(ulong guestPhysical, out ulong value)
        {
            value = 0;
            if ((guestPhysical & 7) != 0 || !_cache.Translate(_core, _vm, guestPhysical, out ulong physical))
                return false;
            Span<byte> frame = _core.Machine.Physical.Frame(physical / 4096);
            int offset = (int)(physical & 0xFFF);
            for (int i = 7; i >= 0; i--)
                value = (value << 8) | frame[offset + i];
            return true;
        }
    }
}
