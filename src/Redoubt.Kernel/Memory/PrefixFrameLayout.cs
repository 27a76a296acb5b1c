using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Kernel.Memory;

// The layout of a machine described by KernelConfig alone (host tests, the explorer):
// frames [0, HypervisorFrames) are the kernel's, the next TablePoolFrames Free, the rest Dom0's.
public readonly struct PrefixFrameLayout : IFrameLayout
{
    private readonly ulong _hypervisorFrames, _poolEnd;

    public PrefixFrameLayout(in KernelConfig config)
    {
        _hypervisorFrames = config.HypervisorFrames;
        _poolEnd = config.HypervisorFrames + config.TablePoolFrames;
    }

    public FrameState InitialState(ulong frame) =>
        frame < _hypervisorFrames ? FrameState.Hypervisor : frame < _poolEnd ? FrameState.Free : FrameState.Dom0;
}
