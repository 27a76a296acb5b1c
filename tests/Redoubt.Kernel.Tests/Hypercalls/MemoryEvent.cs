namespace Redoubt.Kernel.Tests.Hypercalls;

// One access RecordingPhysicalMemory saw: a frame touched (Value = frame number) or a shootdown
// asked for (Value = the flush count every CPU had to reach).
public readonly record struct MemoryEvent(MemoryEventKind Kind, ulong Value);
