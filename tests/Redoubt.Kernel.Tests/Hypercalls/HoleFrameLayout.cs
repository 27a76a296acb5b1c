using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Tests.Hypercalls;

// A 96-frame machine laid out like real RAM: 0-3 hypervisor, 4-7 hole, 8-39 Dom0, 40-55 pool,
// 56-59 hole, 60-95 Dom0.
internal readonly struct HoleFrameLayout : IFrameLayout
{
    public const ulong FrameCount = 96;

    public FrameState InitialState(ulong frame) => frame switch
    {
        < 4 => FrameState.Hypervisor,
        < 8 => FrameState.Mmio,
        < 40 => FrameState.Dom0,
        < 56 => FrameState.Free,
        < 60 => FrameState.Mmio,
        _ => FrameState.Dom0,
    };
}
