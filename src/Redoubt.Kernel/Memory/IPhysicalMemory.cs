using System;

namespace Redoubt.Kernel.Memory;

// Machine memory as the kernel core sees it: one 4 KiB frame at a time. The image implements it
// over its identity map (the one audited place that turns a frame number into a span); host
// tests and the explorer over an array.
public interface IPhysicalMemory
{
    ulong FrameCount { get; }

    Span<byte> Frame(ulong frameNumber);
}
