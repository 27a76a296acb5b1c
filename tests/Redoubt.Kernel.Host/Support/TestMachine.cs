using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Kernel.Host.Support;

// A kernel core over array memory, with a small default configuration, for host runs.
public static class TestMachine
{
    public static KernelConfig DefaultConfig(ulong frames) => new KernelConfig
    {
        HypervisorFrames = 2,
        TablePoolFrames = frames / 4,
        MaxVms = 2,
        MaxVcpusPerVm = 2,
        CapabilitySlots = 8,
        MaxPagesPerCall = frames,
        CpuCount = 1,
    };

    public static KernelCore<ArrayPhysicalMemory> Create(ulong frames = 64) => Create(frames, DefaultConfig(frames));

    public static KernelCore<ArrayPhysicalMemory> Create(ulong frames, KernelConfig config) =>
        KernelCore<ArrayPhysicalMemory>.Create(new ArrayPhysicalMemory(frames), config)
        ?? throw new System.ArgumentException("configuration does not fit the machine");

    // The same configuration on a machine laid out like real RAM (MetalFrameLayout): page 0 is
    // Dom0's, holes throw when touched.
    public static KernelCore<ArrayPhysicalMemory> CreateMetal(ulong frames, KernelConfig config)
    {
        var layout = new MetalFrameLayout(frames, config.TablePoolFrames);
        return KernelCore<ArrayPhysicalMemory>.Create(new ArrayPhysicalMemory(frames, layout.IsUnmapped), config, layout)
            ?? throw new System.ArgumentException("configuration does not fit the machine");
    }

    public static HypercallResult Call(this KernelCore<ArrayPhysicalMemory> core, ushort caller, Hypercall call,
        ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0) =>
        core.Dispatch(caller, HypercallRegisters.Of(call, arg0, arg1, arg2, arg3, arg4, arg5));
}
