using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    // Zeroes every frame that holds a VM's data before the machine resets or powers off, so that
    // nothing of a VM survives in DRAM for the next boot: the VMs' private and shared frames,
    // frames on their way out (Zeroing) and the VMs' nested-table frames. States are left as
    // they are (the machine is going down). Returns the count of frames zeroed.
    public ulong ScrubVmMemory()
    {
        FrameTable frames = _machine.Frames;
        ulong scrubbed = 0;
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            FrameState state = frames.State(frame);
            bool vm = state is FrameState.GuestPrivate or FrameState.GuestShared or FrameState.Zeroing
                || (state == FrameState.PageTable && frames.Owner(frame) != Dom0);
            if (!vm)
                continue;
            _machine.Physical.Frame(frame).Clear();
            scrubbed++;
        }
        return scrubbed;
    }
}
