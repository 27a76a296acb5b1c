using System;
using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Host.Support;

// Machine memory for host runs: one managed array, frame n at offset n * 4096. With
// `unmapped`, it models the machine's own map: a frame the image does not map for itself (a
// hole in RAM) throws when the core touches it, as the kernel would fault there (MetalFrameLayout).
public readonly struct ArrayPhysicalMemory : IPhysicalMemory
{
    public const int FrameSize = 4096;

    public ArrayPhysicalMemory(ulong frameCount, Func<ulong, bool>? unmapped = null)
    {
        Bytes = new byte[checked((long)frameCount * FrameSize)];
        Unmapped = unmapped;
    }

    public byte[] Bytes { get; }

    public Func<ulong, bool>? Unmapped { get; }

    public ulong FrameCount => (ulong)Bytes.LongLength / FrameSize;

    public Span<byte> Frame(ulong frameNumber)
    {
        if (Unmapped is not null && Unmapped(frameNumber))
            throw new InvalidOperationException($"the core touched frame {frameNumber}, which the kernel's own map leaves out: on the machine this faults in the kernel");
        return Bytes.AsSpan(checked((int)(frameNumber * FrameSize)), FrameSize);
    }

    // One CPU on the host: nothing else can hold a translation. The order of shootdowns and
    // frame accesses is checked with RecordingPhysicalMemory.
    public void ShootDown(ulong flushCount) { }
}
