using System;
using System.Collections.Generic;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Tests.Hypercalls;

// Array memory that records, in order, every frame the core touches and every TLB shootdown it
// asks for: what the TLB protocol's order is checked against (TlbProtocolTests).
public readonly struct RecordingPhysicalMemory : IPhysicalMemory
{
    private readonly ArrayPhysicalMemory _memory;

    public RecordingPhysicalMemory(ulong frameCount)
    {
        _memory = new ArrayPhysicalMemory(frameCount);
        Events = new List<MemoryEvent>();
    }

    public List<MemoryEvent> Events { get; }

    public ulong FrameCount => _memory.FrameCount;

    public Span<byte> Frame(ulong frameNumber)
    {
        Events.Add(new MemoryEvent(MemoryEventKind.Frame, frameNumber));
        return _memory.Frame(frameNumber);
    }

    public void ShootDown(ulong flushCount) => Events.Add(new MemoryEvent(MemoryEventKind.ShootDown, flushCount));
}
