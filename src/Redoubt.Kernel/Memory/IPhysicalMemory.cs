using System;

namespace Redoubt.Kernel.Memory;

// Machine memory as the kernel core sees it: one 4 KiB frame at a time. The image implements it
// over its identity map (the one audited place that turns a frame number into a span); host
// tests and the explorer over an array.
public interface IPhysicalMemory
{
    ulong FrameCount { get; }

    Span<byte> Frame(ulong frameNumber);

    // Returns once no CPU can still use a translation that the nested-table changes counted up
    // to flushCount removed: on the machine, every CPU that may hold one has flushed and
    // acknowledged (a TLB shootdown). The core calls it after unmapping a frame and before it
    // zeroes, measures or maps that frame elsewhere (docs/spec/invariants.md, TLB protocol).
    void ShootDown(ulong flushCount);
}
