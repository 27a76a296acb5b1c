using System;
using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.X64.Memory;

// A run of physical RAM the kernel maps 1:1, seen by the kernel core as frames 0..count-1.
// Safe: the range is usable RAM the kernel address space maps read/write, reserved by the caller
// for the core alone; Frame checks the frame number before forming the span.
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
        return new Span<byte>((void*)(_base + frameNumber * 4096), 4096);
    }
}
