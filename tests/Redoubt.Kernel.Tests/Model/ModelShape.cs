using System;
using Redoubt.Abi;
using Redoubt.Explorer;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

// The machine the model-based tests run on (48 frames: 2 hypervisor, 12 table pool, 34 Dom0;
// 2 VMs of 2 vCPUs; 8 capability slots), and how both sides render what they observe.
public static class ModelShape
{
    public const ulong Frames = 48;
    public const ulong PageSize = 4096;

    public static KernelConfig Config => TestMachine.DefaultConfig(Frames);

    public static ulong FirstDom0Frame => Config.HypervisorFrames + Config.TablePoolFrames;

    public static string Outcome(HypercallResult result) =>
        $"{result.Status} ({Call.Hex(result.Result0)}, {Call.Hex(result.Result1)}, {Call.Hex(result.Result2)})";

    public static string DescribeCounts(ulong[] counts, int pool)
    {
        var parts = new string[counts.Length];
        for (int s = 0; s < counts.Length; s++)
            parts[s] = $"{(FrameState)s} {counts[s]}";
        return string.Join(", ", parts) + $"; free pool {pool}";
    }

    public static string DescribeFreeVm(ushort domain, uint generation) => $"VM{domain} Free gen {generation}";

    // The running measurement only while it runs (Building); the launch digest once sealed.
    public static string DescribeVm(ushort domain, VmState state, uint generation, int vcpus, ReadOnlySpan<byte> running,
        ReadOnlySpan<byte> launch, string capabilities) =>
        $"VM{domain} {state} gen {generation}, {vcpus} vCPUs, "
        + (state == VmState.Building ? $"measurement so far {Observation.Hex(running)}" : $"launch digest {Observation.Hex(launch, 48)}")
        + $", caps {capabilities}";

    public static string DescribeVcpu(int index, ushort domain, int indexInVm, uint generation, ReadOnlySpan<byte> state) =>
        $"vCPU{index} of VM{domain} #{indexInVm} gen {generation} state {Observation.HashContent(state):X}";

    public static string DescribeFreeVcpu(int index, uint generation) => $"vCPU{index} free gen {generation}";
}
