using System;
using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Host.Support;

// Machine memory for host runs: one managed array, frame n at offset n * 4096.
public readonly struct ArrayPhysicalMemory : IPhysicalMemory
{
    public const int FrameSize = 4096;

    public ArrayPhysicalMemory(ulong frameCount) { Bytes = new byte[checked((long)frameCount * FrameSize)]; }

    public byte[] Bytes { get; }

    public ulong FrameCount => (ulong)Bytes.LongLength / FrameSize;

    public Span<byte> Frame(ulong frameNumber) => Bytes.AsSpan(checked((int)(frameNumber * FrameSize)), FrameSize);

    // One CPU on the host: nothing else can hold a translation. The order of shootdowns and
    // frame accesses is checked with RecordingPhysicalMemory.
    public void ShootDown(ulong flushCount) { }
}
