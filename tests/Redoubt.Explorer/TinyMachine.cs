using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Explorer;

// The machine the explorer runs on: 24 frames (2 hypervisor, 12 table pool, 10 Dom0), 2 VMs of
// 2 vCPUs, 4 capability slots per domain, at most 4 pages per call. The pool leaves 8 table
// frames after Dom0's 4: enough for both VMs to hold memory in their first 2 MiB (4 each), not
// for a mapping in another GiB as well, so OutOfResources is reachable.
public static class TinyMachine
{
    public const ulong Frames = 24;
    public const ulong PageSize = 4096;

    public const ulong HypervisorFrame = 1 * PageSize;
    public const ulong PoolFrame = 3 * PageSize;
    public const ulong FirstDom0Frame = 14 * PageSize;
    // Dom0 frames the alphabet uses as buffers, never donated by it: Info and reports are written
    // to BufferFrame; StateFrame holds a valid VcpuState from the start.
    public const ulong BufferFrame = 22 * PageSize;
    public const ulong StateFrame = 23 * PageSize;
    public const ulong BeyondMemory = Frames * PageSize;

    public static KernelConfig Config => new KernelConfig
    {
        HypervisorFrames = 2,
        TablePoolFrames = 12,
        MaxVms = 2,
        MaxVcpusPerVm = 2,
        CapabilitySlots = 4,
        MaxPagesPerCall = 4,
        CpuCount = 1,
    };

    // A fresh machine: the kernel as it boots, then Dom0 writes a valid initial vCPU state into
    // its own StateFrame (a memory write, not a hypercall), so VcpuSetState can succeed.
    public static KernelCore<ArrayPhysicalMemory> Create()
    {
        KernelCore<ArrayPhysicalMemory> core = TestMachine.Create(Frames, Config);
        VcpuState state = default;
        state.Rip = 0xFFF0;
        state.Rsp = 0x8000;
        state.Rflags = 0x2;
        state.Cr0 = 0x10;
        MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in state)).CopyTo(core.Machine.Physical.Frame(StateFrame / PageSize));
        return core;
    }
}
