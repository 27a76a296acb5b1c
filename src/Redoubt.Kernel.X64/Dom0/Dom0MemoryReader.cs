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

    // Not inlined: the second look must load the entry again, not reuse the first.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsDom0s(FrameTable frames, ulong frame) => frames.State(frame) is FrameState.Dom0 or FrameState.GuestShared;

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
        // The exit path reads without the core lock: a call on another CPU may have given the
        // frame away meanwhile. A VM's data is written only after the frame's state changed
        // (x86 keeps stores in order, and these loads too), so a state still Dom0's or shared
        // after the read means the bytes were Dom0's.
        if (!IsDom0s(frames, frame))
        {
            value = 0;
            return false;
        }
        return true;
    }
}
