namespace Redoubt.Kernel.Hypercalls;

// Sizes fixed at boot: the kernel allocates every pool once (there is no collector).
public struct KernelConfig
{
    // Frames [0, HypervisorFrames) are the kernel's; the next TablePoolFrames start Free (the
    // pool nested tables come from); every other frame is Dom0's, mapped 1:1 in its table.
    public ulong HypervisorFrames;
    public ulong TablePoolFrames;
    public int MaxVms;
    public int MaxVcpusPerVm;
    public int CapabilitySlots;
    // Upper bound of pages one hypercall may touch, so that no call runs unboundedly long.
    public ulong MaxPagesPerCall;
    public int CpuCount;
}
