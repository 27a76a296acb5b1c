namespace Redoubt.Kernel.Memory;

// Physical memory with its frame table and free pool: what nested tables and the kernel core
// operate on. A class so that every table's memory view shares one instance.
public sealed class MachineMemory<TPhysical> where TPhysical : struct, IPhysicalMemory
{
    public MachineMemory(TPhysical physical)
    {
        Physical = physical;
        Frames = new FrameTable(physical.FrameCount);
        Free = new FreeFrames(physical.FrameCount);
    }

    public TPhysical Physical { get; }

    public FrameTable Frames { get; }

    public FreeFrames Free { get; }
}
