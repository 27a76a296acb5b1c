namespace Redoubt.Kernel.Memory;

// Physical memory with its frame table and free pool: what nested tables and the kernel core
// operate on. A class so that every table's memory view shares one instance.
public sealed class MachineMemory<TPhysical> where TPhysical : struct, IPhysicalMemory
{
    // freeCapacity: the most frames the free pool can ever hold. Frames become Free only by
    // leaving the page-table state they were taken from the pool for, so the pool's initial
    // size bounds it.
    public MachineMemory(TPhysical physical, ulong freeCapacity)
    {
        Physical = physical;
        Frames = new FrameTable(physical.FrameCount);
        Free = new FreeFrames(freeCapacity);
    }

    public TPhysical Physical { get; }

    public FrameTable Frames { get; }

    public FreeFrames Free { get; }
}
