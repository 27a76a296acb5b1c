using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Host.Support;

// A small machine laid out as the x86-64 image lays out real RAM (MachineLayout): Dom0 owns low
// memory from frame 0 (page 0 included, which the image reaches at an alias), then a hole of no
// RAM (the kernel's own map leaves it out: ArrayPhysicalMemory throws there), the hypervisor's
// frames, the table pool, Dom0 again, and a hole at the top.
//   0-5 Dom0 | 6-7 hole | 8-9 hypervisor | 10..10+pool-1 pool | Dom0 | last 2 frames hole
public readonly struct MetalFrameLayout : IFrameLayout
{
    private const ulong HoleStart = 6, HypervisorStart = 8, PoolStart = 10;

    private readonly ulong _frames, _poolFrames;

    public MetalFrameLayout(ulong frames, ulong poolFrames)
    {
        _frames = frames;
        _poolFrames = poolFrames;
    }

    public FrameState InitialState(ulong frame) =>
        frame < HoleStart ? FrameState.Dom0
        : frame < HypervisorStart ? FrameState.Mmio
        : frame < PoolStart ? FrameState.Hypervisor
        : frame < PoolStart + _poolFrames ? FrameState.Free
        : frame < _frames - 2 ? FrameState.Dom0
        : FrameState.Mmio;

    // The frames the kernel's own map leaves out: the holes.
    public bool IsUnmapped(ulong frame) => InitialState(frame) == FrameState.Mmio;
}
