using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Dom0;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// Where every hypercall enters the kernel core on this platform, whoever the caller: Dom0's or a
// guest's VMMCALL, and until Dom0 exists the in-kernel launcher acting as Dom0. One CPU at a
// time, Dom0's and VMs' calls alike (the core lock): a call's TLB shootdown and frame reuse
// never interleave with another's. After a call that ends vCPUs (VmDestroy), their hardware
// state is scrubbed at once, so that no register value of a dead vCPU stays in the hypervisor.
internal static class HypercallEntry
{
    public static HypercallResult Dispatch(KernelCore<RangePhysicalMemory> core, ushort caller, in HypercallRegisters registers)
    {
        Dom0Cpus.LockCore();
        HypercallResult result = core.Dispatch(caller, registers);
        if (result.Status == HypercallStatus.Success && registers.Number == (ulong)Hypercall.VmDestroy)
            SvmHost.ScrubRetired(core);
        Dom0Cpus.UnlockCore();
        return result;
    }
}
