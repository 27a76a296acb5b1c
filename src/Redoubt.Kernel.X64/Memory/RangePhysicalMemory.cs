using System;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.X64.Dom0;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Memory;

// A run of physical RAM the kernel maps 1:1 (page 0 at its alias), seen by the kernel core as
// frames 0..count-1.
// Safe: the range is usable RAM the kernel address space maps read/write, reserved by the caller
// for the core alone (GuestHost checks at boot that every frame the core may touch for a caller
// is mapped there); Frame checks the frame number before forming the span.
internal readonly unsafe struct RangePhysicalMemory : IPhysicalMemory
{
    private readonly ulong _base;

    public RangePhysicalMemory(ulong baseAddress, ulong frameCount)
    {
        _base = baseAddress;
        FrameCount = frameCount;
    }

    public ulong FrameCount { get; }

    public Span<byte> Frame(ulong frameNumber)
    {
        if (frameNumber >= FrameCount)
            throw new IndexOutOfRangeException("frame beyond the kernel core's memory");
        return new Span<byte>((void*)KernelAddress(_base + frameNumber * 4096), 4096);
    }

    // Where the kernel reaches a physical address of RAM: its own 1:1 map, except page 0, which
    // that map leaves out (null dereferences fault) and which is reached at its alias. The one
    // place that turns a caller's physical address into a kernel pointer.
    public static ulong KernelAddress(ulong physical) =>
        physical < 4096 ? KernelAddressSpace.PageZeroAlias + physical : physical;

    public void ShootDown(ulong flushCount) => Dom0Cpus.ShootDown(flushCount);
}
