using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// Where every hypercall enters the kernel core on this platform, whoever the caller: a guest's
// VMMCALL, and until Dom0 exists the in-kernel launcher acting as Dom0. After a call that ends
// vCPUs (VmDestroy), their hardware state is scrubbed at once, so that no register value of a
// dead vCPU stays in the hypervisor.
internal static class HypercallEntry
{
    public static HypercallResult Dispatch(KernelCore<RangePhysicalMemory> core, ushort caller, in HypercallRegisters registers)
    {
        HypercallResult result = core.Dispatch(caller, registers);
        if (result.Status == HypercallStatus.Success && registers.Number == (ulong)Hypercall.VmDestroy)
            SvmHost.ScrubRetired(core);
        return result;
    }
}
