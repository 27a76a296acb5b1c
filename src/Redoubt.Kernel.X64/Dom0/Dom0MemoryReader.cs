using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's memory as the exit path reads it (its page tables, the code at RIP): Dom0 is mapped
// 1:1, so a guest-physical address is the physical one, and only frames Dom0 owns or shares
// are read. Anything else (Redoubt's frames, a VM's, devices) reads as not mapped.
internal readonly struct Dom0MemoryReader : IGuestPhysicalReader
{
    private readonly KernelCore<RangePhysicalMemory> _core;

    public Dom0MemoryReader(KernelCore<RangePhysicalMemory> core) { _core = core; }

    public bool TryReadQword(ulong guestPhysical, out ulong value)
    {
        value = 0;
        ulong frame = guestPhysical / 4096;
        FrameTable frames = _core.Machine.Frames;
        if ((guestPhysical & 7) != 0 || frame >= frames.FrameCount
            || frames.State(frame) is not (FrameState.Dom0 or FrameState.GuestShared))
            return false;
        System.Span<byte> bytes = _core.Machine.Physical.Frame(frame);
        int offset = (int)(guestPhysical & 0xFFF);
        for (int i = 7; i >= 0; i--)
            value = (value << 8) | bytes[offset + i];
        return true;
    }
}
