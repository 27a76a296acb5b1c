using Redoubt.Abi;

namespace Redoubt.Kernel.Objects;

public sealed class VirtualCpu
{
    public uint Generation { get; set; }

    public bool InUse { get; set; }

    public ushort VmDomain { get; set; }

    // Index within its VM, in creation order: the order the launch measurement uses.
    public int Index { get; set; }

    public VcpuState State;
}
